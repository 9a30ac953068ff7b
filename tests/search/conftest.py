from __future__ import annotations

from collections.abc import Callable

import pytest

from insaf.complaints.enums import Channel
from insaf.complaints.models import Complaint, CountryPolicy
from insaf.complaints.services import Submission, complaint_submit

FileCase = Callable[..., Complaint]


@pytest.fixture
def file_case(policy: CountryPolicy) -> FileCase:
    def file(text: str, **kwargs: object) -> Complaint:
        kwargs.setdefault("anonymous", True)
        kwargs.setdefault("channel", Channel.WEB)
        submission: Submission = complaint_submit(country="JO", text=text, **kwargs)  # type: ignore[arg-type]
        return submission.complaint

    return file
