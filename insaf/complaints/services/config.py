"""Writes on the per-country complaint configuration (policies, deadlines, routing rules).
Each is audited with the old and new values."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.forms.models import model_to_dict

from insaf.audit.services import audit_record
from insaf.audit.verbs import Verb

if TYPE_CHECKING:
    from insaf.accounts.models import User


def _country_of(obj: models.Model) -> str | None:
    country = getattr(obj, "country_id", None)
    return str(country) if country else None


def config_save(*, actor: User | None, obj: models.Model) -> models.Model:
    """Insert or update one configuration row (validated), auditing what changed."""
    with transaction.atomic():
        old: dict[str, Any] = {}
        if obj.pk is not None:
            previous = type(obj)._default_manager.filter(pk=obj.pk).first()
            old = model_to_dict(previous) if previous is not None else {}
        obj.full_clean()
        obj.save()
        new = model_to_dict(obj)
        changed = {k: new[k] for k in new if old.get(k) != new[k]}
        audit_record(
            actor=actor,
            verb=Verb.CONFIG_CHANGED,
            target=obj,
            country=_country_of(obj),
            data={"old": {k: old.get(k) for k in changed}, "new": changed},
        )
    return obj


def config_delete(*, actor: User | None, obj: models.Model) -> None:
    with transaction.atomic():
        old = model_to_dict(obj)
        pk = obj.pk
        obj.delete()
        obj.pk = pk
        audit_record(
            actor=actor,
            verb=Verb.CONFIG_CHANGED,
            target=obj,
            country=_country_of(obj),
            data={"old": old, "new": None},
        )
