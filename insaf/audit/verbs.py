"""What an audit event records. Later apps add their verbs here, so the list stays in one place."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    LOGIN = "auth.login", _("Logged in")
    LOGIN_FAILED = "auth.login_failed", _("Failed login")
    LOGOUT = "auth.logout", _("Logged out")
    SECOND_FACTOR_FAILED = "auth.second_factor_failed", _("Wrong second-factor code")
    SECOND_FACTOR_ENROLLED = "auth.second_factor_enrolled", _("Second factor enrolled")
    USER_CREATED = "accounts.user_created", _("Staff user created")
    USER_CHANGED = "accounts.user_changed", _("Staff user changed")
    USER_PASSWORD_SET = "accounts.user_password_set", _("Staff password set")
    USER_DEACTIVATED = "accounts.user_deactivated", _("Staff user deactivated")
    MEMBERSHIP_GRANTED = "accounts.membership_granted", _("Role granted")
    MEMBERSHIP_REVOKED = "accounts.membership_revoked", _("Role revoked")
    COMPLAINT_FILED = "complaints.filed", _("Case filed")
    COMPLAINT_IMPORTED = "complaints.imported", _("Case imported")
    COMPLAINT_TRANSITION = "complaints.transition", _("Case status changed")
    COMPLAINT_ASSIGNED = "complaints.assigned", _("Case assigned")
    COMPLAINT_NOTE = "complaints.note", _("Internal note added")
    COMPLAINT_MESSAGE = "complaints.message", _("Message to the filer")
    COMPLAINT_FILER_INPUT = "complaints.filer_input", _("Filer added to the case")
    COMPLAINT_LABELS = "complaints.labels_corrected", _("Labels corrected")
    COMPLAINT_ESCALATED = "complaints.escalated", _("Case escalated")
    COMPLAINT_EXPORTED = "complaints.exported", _("Cases exported")
    IDENTITY_REVEALED = "complaints.identity_revealed", _("Identity revealed")
    COMPLAINT_LINKED = "complaints.linked", _("Cases linked")
    COMPLAINT_MERGED = "complaints.merged", _("Case merged into another")
    LEXICON_LOADED = "search.lexicon_loaded", _("Concept lexicon loaded")
    LEXICON_TERM_ADDED = "search.lexicon_term_added", _("Concept term added")
    LEXICON_TERM_CHANGED = "search.lexicon_term_changed", _("Concept term switched on or off")
    LEXICON_CONCEPT_ADDED = "search.lexicon_concept_added", _("Concept added to the lexicon")
    LEXICON_CONCEPT_CHANGED = (
        "search.lexicon_concept_changed",
        _("Concept renamed or its labels changed"),
    )
    LEXICON_PROPOSAL_DISMISSED = (
        "search.lexicon_proposal_dismissed",
        _("Proposed lexicon term dismissed"),
    )
    ATTACHMENT_ADDED = "complaints.attachment_added", _("File attached")
    ATTACHMENT_DOWNLOADED = "complaints.attachment_downloaded", _("File downloaded")
    CONFIG_CHANGED = "core.config_changed", _("Configuration changed")
    API_TOKEN_CREATED = "api.token_created", _("API token created")
    API_TOKEN_REVOKED = "api.token_revoked", _("API token revoked")
    KEYS_ROTATED = "core.keys_rotated", _("Encryption keys rotated")
    HOLIDAY_ADDED = "core.holiday_added", _("Public holiday added")
    HOLIDAY_REMOVED = "core.holiday_removed", _("Public holiday removed")
    TRIAGE_MODEL_PUBLISHED = "triage.model_published", _("Triage model published and in use")
    TRIAGE_MODEL_USED = "triage.model_used", _("Earlier triage model put back in use")
    TRIAGE_MODELS_DELETED = "triage.models_deleted", _("Old triage models deleted")
