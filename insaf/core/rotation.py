"""Key rotation: re-encrypt every encrypted field under the current key (the first of
INSAF_ENCRYPTION_KEYS) and recompute blind indexes, so that older keys can then be removed.

Apps declare their encrypted columns with ``EncryptedField`` entries in an ``encrypted_fields``
attribute of their AppConfig. ``rotate`` steps, per model:
1. Select rows having any token not under the current key (a prefix test in SQL), by primary key.
2. In batches, in one transaction each: lock the rows, decrypt under the old key, encrypt under the
   current key, recompute the declared blind indexes from the plaintext, ``bulk_update``.
3. Report how many rows were rewritten. Running it again rewrites nothing; ``pending`` tells how
   many rows still need it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q

from insaf.core.crypto import blind_index, current_key_id, decrypt, encrypt, token_prefix


@dataclass(frozen=True)
class EncryptedField:
    model: str  # "app_label.ModelName"
    field: str
    context: str
    # A blind index column kept from this field's plaintext, and its kind ("phone", ...).
    index_field: str = ""
    index_kind: str = ""


def registered() -> list[EncryptedField]:
    fields: list[EncryptedField] = []
    for config in apps.get_app_configs():
        fields.extend(getattr(config, "encrypted_fields", ()))
    return fields


def _by_model() -> dict[type[models.Model], list[EncryptedField]]:
    grouped: dict[type[models.Model], list[EncryptedField]] = {}
    for field in registered():
        grouped.setdefault(apps.get_model(field.model), []).append(field)
    return grouped


def _stale(fields: list[EncryptedField]) -> Q:
    current = token_prefix(current_key_id())
    query = Q(pk__in=[])
    for field in fields:
        query |= ~Q(**{field.field: ""}) & ~Q(**{f"{field.field}__startswith": current})
    return query


def pending() -> dict[str, int]:
    """Rows per model that still hold a value under an older key."""
    return {
        model._meta.label: model._default_manager.filter(_stale(fields)).count()
        for model, fields in _by_model().items()
    }


def rotate(
    *, batch: int = 500, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, int]:
    rewritten: dict[str, int] = {}
    for model, fields in _by_model().items():
        label = model._meta.label
        total = model._default_manager.filter(_stale(fields)).count()
        done = 0
        for ids in _batches(model, fields, batch):
            with transaction.atomic():
                rows = list(model._default_manager.select_for_update().filter(pk__in=ids))
                for row in rows:
                    _rewrite(row, fields)
                changed = [f.field for f in fields] + [
                    f.index_field for f in fields if f.index_field
                ]
                model._default_manager.bulk_update(rows, changed)
            done += len(rows)
            if progress:
                progress(label, done, total)
        rewritten[label] = done
    return rewritten


def _batches(
    model: type[models.Model], fields: list[EncryptedField], size: int
) -> Iterator[list[int]]:
    last = 0
    while True:
        ids = list(
            model._default_manager.filter(_stale(fields), pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def _rewrite(row: models.Model, fields: list[EncryptedField]) -> None:
    for field in fields:
        token = getattr(row, field.field)
        if not token:
            continue
        plain = decrypt(token, context=field.context)
        setattr(row, field.field, encrypt(plain, context=field.context))
        if field.index_field:
            setattr(
                row, field.index_field, blind_index(plain, kind=field.index_kind) if plain else ""
            )
