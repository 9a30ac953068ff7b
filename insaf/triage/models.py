"""Trained triage models, kept in the database that every application server shares.

``insaf triage train`` writes the model file to ``INSAF_TRIAGE_DIR`` and publishes its bytes
here; each server process takes the one in use from here (insaf/triage/store.py), so a model
trained on one machine labels the cases filed on all of them, and a server needs no disk of its
own. ``insaf triage use VERSION`` puts an earlier one back.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublishedModel(models.Model):
    version = models.CharField(_("version"), max_length=64, unique=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    data = models.BinaryField(_("model file"))
    trained_on = models.PositiveIntegerField(_("texts trained on"))
    published_at = models.DateTimeField(_("published at"))
    # The model in use is the one most recently put in use (published, or chosen again by
    # `insaf triage use`); the history of the others stays in the audit log.
    in_use_since = models.DateTimeField(_("in use since"), null=True, blank=True)

    class Meta:
        db_table = "triage_model"
        verbose_name = _("triage model")
        verbose_name_plural = _("triage models")
        indexes = [models.Index(fields=["in_use_since"], name="triage_model_in_use")]

    def __str__(self) -> str:
        return self.version
