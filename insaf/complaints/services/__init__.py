"""The complaint services: every write on a case goes through one of these functions."""

from insaf.complaints.services.filer import (
    FilerActions,
    filer_actions,
    filer_add_info,
    filer_appeal,
    filer_case,
    filer_case_by_code,
    filer_feedback,
    filer_request_code,
    filer_withdraw,
    public_timeline,
)
from insaf.complaints.services.intake import PersonInput, Submission, complaint_submit
from insaf.complaints.services.workflow import (
    LabelChanges,
    complaint_assign,
    complaint_correct_labels,
    complaint_message,
    complaint_note,
    complaint_transition,
    identity_reveal,
)

__all__ = [
    "FilerActions",
    "LabelChanges",
    "PersonInput",
    "Submission",
    "complaint_assign",
    "complaint_correct_labels",
    "complaint_message",
    "complaint_note",
    "complaint_submit",
    "complaint_transition",
    "filer_actions",
    "filer_add_info",
    "filer_appeal",
    "filer_case",
    "filer_case_by_code",
    "filer_feedback",
    "filer_request_code",
    "filer_withdraw",
    "identity_reveal",
    "public_timeline",
]
