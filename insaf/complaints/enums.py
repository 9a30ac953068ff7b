"""Enumerations of the complaint process."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    LETTER = "letter", _("Letter")
    INMATE = "inmate", _("Inmate (through centre staff)")
    IMPORT = "import", _("Imported")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    REGISTERED = "registered", _("Registered")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_INFO = "awaiting_info", _("Awaiting information from the filer")
    RESOLVED = "resolved", _("Resolved")
    NOT_UPHELD = "not_upheld", _("Not upheld")
    REFERRED = "referred", _("Referred to a partner institution")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed")
    UNDER_REVIEW = "under_review", _("Under review on appeal")
    REVIEW_UPHELD = "review_upheld", _("Review: decision upheld")
    REVIEW_OVERTURNED = "review_overturned", _("Review: decision overturned")


class PersonRole(models.TextChoices):
    COMPLAINANT = "complainant", _("Complainant")
    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")
    REPRESENTATIVE = "representative", _("Representative")


class EventType(models.TextChoices):
    FILED = "filed", _("Filed")
    STATUS = "status", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    NOTE = "note", _("Internal note")
    QUESTION = "question", _("Question to the filer")
    ANSWER = "answer", _("Answer from the filer")
    INFO_ADDED = "info_added", _("Information added by the filer")
    RESPONSE = "response", _("Response to the filer")
    APPEAL = "appeal", _("Appeal")
    FEEDBACK = "feedback", _("Feedback")
    LABELS = "labels", _("Labels corrected")
    ESCALATED = "escalated", _("Escalated")
    IDENTITY_REVEALED = "identity_revealed", _("Identity revealed")
    LINKED = "linked", _("Linked to another case")
