"""What a filer can do with a reference and a receipt code."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from insaf.complaints.enums import Status
from insaf.complaints.errors import InvalidInput, NotFound, TransitionNotAllowed
from insaf.complaints.models import Complaint
from insaf.complaints.services import (
    Submission,
    filer_case,
    filer_feedback,
    public_timeline,
)

FileCase = Callable[..., Submission]
Drive = Callable[[Complaint, Status], Complaint]


def test_reference_and_code_open_the_case(file_case: FileCase) -> None:
    submission = file_case()
    code = submission.receipt_code
    assert code is not None
    case = filer_case(reference=submission.complaint.reference.lower(), receipt_code=code)
    assert case == submission.complaint
    arabic_digits = code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert filer_case(reference=case.reference, receipt_code=f" {arabic_digits} ") == case


@pytest.mark.parametrize("which", ["reference", "code", "both", "empty"])
def test_wrong_credentials_say_nothing_about_which_part(file_case: FileCase, which: str) -> None:
    submission = file_case()
    reference, code = submission.complaint.reference, submission.receipt_code or ""
    if which in ("reference", "both"):
        reference = "JO-2020-999999"
    if which in ("code", "both"):
        code = "1" * 16
    if which == "empty":
        reference = code = ""
    with pytest.raises(NotFound) as error:
        filer_case(reference=reference, receipt_code=code)
    assert error.value.code == "not_found"
    assert not error.value.fields


def test_a_named_case_cannot_be_opened_with_any_code(named_case: Complaint) -> None:
    with pytest.raises(NotFound):
        filer_case(reference=named_case.reference, receipt_code="0" * 16)


def test_public_timeline_of_a_new_case(file_case: FileCase) -> None:
    case = file_case().complaint
    assert [(e.type, e.status) for e in public_timeline(case)] == [
        ("filed", "received"),
        ("status", "registered"),
    ]


def test_feedback_once_after_decision(named_case: Complaint, drive: Drive) -> None:
    with pytest.raises(TransitionNotAllowed):
        filer_feedback(case=named_case, rating=5)
    case = drive(named_case, Status.RESOLVED)
    for rating in (0, 6):
        with pytest.raises(InvalidInput):
            filer_feedback(case=case, rating=rating)
    feedback = filer_feedback(case=case, rating=4, comment="شكراً على المتابعة")
    assert feedback.rating == 4
    with pytest.raises(TransitionNotAllowed):
        filer_feedback(case=case, rating=5)
