"""Complaints and petitions: the case, the people on it, its timeline, files, and the rules that
route it and set its deadlines. Writes go through insaf/complaints/services.py only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insaf.complaints.enums import Channel, EventType, PersonRole, Status
from insaf.core.models import Country, Governorate, Unit
from insaf.triage.labels import Category, Kind, Priority, vulnerable_groups


class Complaint(models.Model):
    """A complaint or petition (a "case")."""

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    # NULL, not "", for cases filed here: the (country, external_id) unique constraint must let
    # any number of them through.
    external_id = models.CharField(  # noqa: DJ001
        _("external id"), max_length=100, null=True, blank=True
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("text"))
    anonymous = models.BooleanField(_("anonymous"), default=False)
    # Argon2 hash of the filer's 16-digit receipt code; empty when the filer tracks by phone/e-mail.
    receipt_hash = models.CharField(max_length=200, blank=True, editable=False)

    occurred_at = models.DateTimeField(_("when it happened"), null=True, blank=True)
    governorate = models.ForeignKey(
        Governorate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    unit_complained_about = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_against",
        verbose_name=_("unit complained about"),
    )

    # Labels (insaf/triage/labels.py). label_sources maps each label to "triage" or "officer".
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    grave = models.BooleanField(_("grave"), default=False)
    vulnerable_mask = models.PositiveSmallIntegerField(_("vulnerable groups"), default=0)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices)
    priority_rank = models.PositiveSmallIntegerField(default=2, editable=False)
    label_sources = models.JSONField(default=dict, blank=True)
    triage_version = models.CharField(max_length=40, blank=True)
    triage_details = models.JSONField(default=dict, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    received_at = models.DateTimeField(_("received"))
    ack_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("resolve by"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    appeal_until = models.DateTimeField(null=True, blank=True)

    handling_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_handled",
        verbose_name=_("handling unit"),
    )
    handling_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handling officer"),
    )
    reviewing_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # In the human-rights oversight queue (every grave case, whatever the routing rules say).
    oversight = models.BooleanField(_("under oversight"), default=False)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "external_id"], name="complaint_unique_external_id"
            ),
            models.CheckConstraint(
                condition=~models.Q(handling_unit=models.F("unit_complained_about")),
                name="complaint_not_handled_by_unit_complained_about",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "resolve_due_at"], name="complaint_due"),
            models.Index(fields=["status", "ack_due_at"], name="complaint_ack_due"),
            models.Index(
                fields=["handling_unit", "status", "priority_rank"], name="complaint_queue"
            ),
            models.Index(fields=["oversight", "status"], name="complaint_oversight"),
            models.Index(fields=["country", "received_at"], name="complaint_received"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def vulnerable(self) -> list[str]:
        return vulnerable_groups(self.vulnerable_mask)


class Person(models.Model):
    """Someone on a case. Identity fields are encrypted (insaf/core/crypto.py); phone and national
    ID also carry blind indexes, to find repeat complainants without decrypting."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="people")
    role = models.CharField(_("role"), max_length=16, choices=PersonRole.choices)
    name_enc = models.TextField(blank=True)
    national_id_enc = models.TextField(blank=True)
    phone_enc = models.TextField(blank=True)
    email_enc = models.TextField(blank=True)
    address_enc = models.TextField(blank=True)
    phone_bidx = models.CharField(max_length=64, blank=True, db_index=True)
    national_id_bidx = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"{self.get_role_display()} #{self.pk}"


class CaseEvent(models.Model):
    """One entry of a case's timeline. ``public`` entries are shown to the filer (never internal
    notes, never officers' names)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(_("type"), max_length=24, choices=EventType.choices)
    public = models.BooleanField(default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.type}"


class Attachment(models.Model):
    """A file on a case, stored outside any served folder; downloads go through a permission
    check. The type is sniffed from the content, never taken from the name."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    storage_name = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class LabelCorrection(models.Model):
    """An officer's correction of a triage label: kept as training data for the classifier."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="corrections")
    label = models.CharField(max_length=16)
    old_value = models.JSONField()
    new_value = models.JSONField()
    triage_version = models.CharField(max_length=40, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("label correction")
        verbose_name_plural = _("label corrections")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.label}"


class Feedback(models.Model):
    """The filer's rating of how their case was handled (once per case)."""

    complaint = models.OneToOneField(Complaint, on_delete=models.PROTECT, related_name="feedback")
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.rating}"


class IdempotencyRecord(models.Model):
    """The first answer given to a request carrying an Idempotency-Key, replayed on retries."""

    key = models.CharField(max_length=200, unique=True)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key


class FilerCode(models.Model):
    """A one-time code sent to the phone or e-mail on a case, so a named filer can follow it
    without a receipt code. Valid for a short time and a few attempts; only its hash is kept."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.complaint_id} until {self.expires_at:%H:%M}"


class ReferenceCounter(models.Model):
    """The last case number given in a country and year (references are CC-YYYY-NNNNNN)."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["country", "year"], name="reference_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.country_id}-{self.year}: {self.last}"


class CountryPolicy(models.Model):
    """Per-country settings of the complaint process (defaults apply where there is no row)."""

    country = models.OneToOneField(
        Country, on_delete=models.PROTECT, primary_key=True, related_name="complaint_policy"
    )
    appeal_days = models.PositiveSmallIntegerField(_("appeal period (days)"), default=30)
    intake_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default handling unit"),
    )
    oversight_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("human-rights oversight unit"),
    )

    class Meta:
        verbose_name = _("country complaint policy")
        verbose_name_plural = _("country complaint policies")

    def __str__(self) -> str:
        return str(self.country)


class DeadlinePolicy(models.Model):
    """Acknowledgement and resolution deadlines for one priority in one country."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices)
    # Acknowledgement is counted either in working hours or in working days: one of the two.
    ack_hours = models.PositiveSmallIntegerField(
        _("acknowledge within (working hours)"), null=True, blank=True
    )
    ack_days = models.PositiveSmallIntegerField(
        _("acknowledge within (working days)"), null=True, blank=True
    )
    resolve_days = models.PositiveSmallIntegerField(_("resolve within (working days)"))

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        constraints = [
            models.UniqueConstraint(fields=["country", "priority"], name="deadline_policy_unique"),
            models.CheckConstraint(
                condition=models.Q(ack_hours__isnull=True, ack_days__isnull=False)
                | models.Q(ack_hours__isnull=False, ack_days__isnull=True),
                name="deadline_policy_ack_hours_or_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.priority}"


class RoutingRule(models.Model):
    """Sends matching cases to a handling unit. Empty match fields match anything; among matching
    rules the most specific wins, then the lowest ``order`` (insaf/complaints/routing.py)."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=32, choices=Category.choices, blank=True)
    agency = models.ForeignKey(
        "core.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The agency complained about."),
    )
    governorate = models.ForeignKey(
        Governorate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["country", "order", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return f"{self.country_id} → {self.unit}"
