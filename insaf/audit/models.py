"""The audit log: one append-only, hash-chained table (``audit_event``).

Rows are only ever inserted, by ``insaf.audit.services.audit_record``; database triggers refuse
UPDATE and DELETE (and TRUNCATE on PostgreSQL). See ``insaf/audit/README.md`` for the chain.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insaf.audit.chain import GENESIS_HASH  # noqa: F401  (re-exported)
from insaf.audit.verbs import Verb


class Event(models.Model):
    seq = models.PositiveBigIntegerField(_("sequence number"), unique=True, editable=False)
    created_at = models.DateTimeField(_("when"), editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # The actor as written at the time (a username, "system" or "anonymous"): it survives renames.
    actor_label = models.CharField(_("actor name"), max_length=150)
    # Not a choices field: adding a verb to Verb must not need a migration. audit_record only takes
    # Verb members; verb_label gives the translated name.
    verb = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target"), max_length=64, blank=True)
    country = models.ForeignKey(
        "core.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country"),
    )
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, unique=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["country", "created_at"], name="audit_country_time"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.verb} {self.target_type}:{self.target_id}"

    @property
    def verb_label(self) -> str:
        try:
            return str(Verb(self.verb).label)
        except ValueError:
            return self.verb
