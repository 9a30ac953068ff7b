"""Request and response bodies. Requests refuse unknown fields and wrong types (422 with the field
named); the business rules (text length, a known country, who may do what) stay in the services,
which name the field at fault in the same way."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import AwareDatetime, ConfigDict, StrictBool, StrictInt

from insaf.complaints.enums import Status
from insaf.triage.labels import Category, Kind, Priority, Vulnerable

REFERENCE_MAX = 32
RECEIPT_CODE_MAX = 64
LONG_TEXT_MAX = 20_000
REASON_MAX = 2_000


class In(Schema):
    """A request body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


# --- Errors --------------------------------------------------------------------------------------


class ErrorDetail(Schema):
    code: str = Field(description="Stable error code, e.g. invalid, not_found, stale_version.")
    message: str = Field(description="Explanation in the language of the request.")
    fields: dict[str, str] = Field(description="Field name (dotted path) → what is wrong with it.")


class ErrorOut(Schema):
    error: ErrorDetail


# --- Filing --------------------------------------------------------------------------------------


class PersonIn(In):
    name: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    national_id: str = Field("", max_length=40)


class FilingIn(In):
    text: str = Field(description="What happened: 10 to 20,000 characters.")
    country: str = Field(max_length=2, description="ISO 3166 alpha-2 code of the member state.")
    kind: Kind | None = Field(None, description="Filled in by triage when left out.")
    language: str | None = Field(
        None, max_length=2, description="ar, en or fr; detected when left out."
    )
    anonymous: StrictBool = Field(
        False, description="An anonymous filer gets a receipt code to follow the case."
    )
    complainant: PersonIn | None = Field(
        None, description="Required unless anonymous: a name and a phone number or e-mail."
    )
    occurred_at: AwareDatetime | None = Field(None, description="ISO 8601 with a time zone.")
    place: str = Field("", max_length=200)
    unit_complained_about: StrictInt | None = Field(None, ge=1, description="A unit id.")


class FilingOut(Schema):
    reference: str
    status: Status
    receipt_code: str | None = Field(
        None,
        description="Anonymous filers only: 16 digits to follow the case, shown once. "
        "Absent for named filers.",
    )


# --- Tracking (the filer) ------------------------------------------------------------------------


class TrackIn(In):
    reference: str = Field(max_length=REFERENCE_MAX)
    # The 16-digit receipt code of an anonymous filing, or a one-time code sent by /track/code.
    receipt_code: str = Field("", max_length=RECEIPT_CODE_MAX)
    code: str = Field("", max_length=RECEIPT_CODE_MAX)


class CodeRequestIn(In):
    reference: str = Field(max_length=REFERENCE_MAX)
    # The phone number or e-mail address given when the case was filed.
    contact: str = Field(max_length=320)


class CodeRequestOut(Schema):
    sent: bool


class TrackInfoIn(TrackIn):
    text: str = Field(max_length=LONG_TEXT_MAX + 1000)


class WithdrawIn(TrackIn):
    reason: str = Field("", max_length=REASON_MAX)


class AppealIn(TrackIn):
    reason: str = Field(max_length=LONG_TEXT_MAX + 1000)


class FeedbackIn(TrackIn):
    rating: StrictInt = Field(ge=1, le=5)
    comment: str = Field("", max_length=REASON_MAX)


class PublicEventOut(Schema):
    type: str
    status: str
    body: str
    at: str


class FileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class TrackOut(Schema):
    reference: str
    status: Status
    kind: Kind
    received_at: dt.datetime
    timeline: list[PublicEventOut]
    files: list[FileOut]


# --- Staff ---------------------------------------------------------------------------------------


class UnitOut(Schema):
    id: int
    code: str
    name: str


class CaseSummaryOut(Schema):
    reference: str
    status: Status
    version: int
    subject: str
    kind: Kind
    category: Category
    priority: Priority
    grave: bool
    vulnerable: list[Vulnerable]
    oversight: bool
    received_at: dt.datetime
    ack_due_at: dt.datetime | None
    resolve_due_at: dt.datetime | None
    handling_unit: UnitOut | None
    handling_officer: str | None = Field(description="Username of the officer, if assigned.")


class CasePageOut(Schema):
    items: list[CaseSummaryOut]
    limit: int
    offset: int
    next_offset: int | None = Field(description="Offset of the next page; null on the last page.")


class LabelsOut(Schema):
    kind: Kind
    category: Category
    grave: bool
    vulnerable: list[Vulnerable]
    priority: Priority
    sources: dict[str, str] = Field(description="Label → triage or officer.")


class DeadlinesOut(Schema):
    ack_due_at: dt.datetime | None
    resolve_due_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    appeal_until: dt.datetime | None


class StaffEventOut(Schema):
    id: int
    type: str
    public: bool
    actor: str | None = Field(description="Username; null for the filer or the system.")
    from_status: str
    to_status: str
    body: str
    data: dict[str, Any]
    at: dt.datetime


class CaseDetailOut(CaseSummaryOut):
    channel: str
    language: str
    anonymous: bool
    text: str
    occurred_at: dt.datetime | None
    place: str
    escalation_level: int
    labels: LabelsOut
    deadlines: DeadlinesOut
    reviewing_unit: UnitOut | None
    unit_complained_about: UnitOut | None
    allowed_transitions: list[str] = Field(
        description="Names this user may send to /transition now."
    )
    can_assign: bool
    can_see_identity: bool = Field(description="Whether POST /identity would be allowed.")
    timeline: list[StaffEventOut]
    files: list[FileOut]


class CaseFilters(Schema):
    status: Status | None = None
    priority: Priority | None = None
    grave: bool | None = None
    kind: Kind | None = None
    category: Category | None = None
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


class AssignIn(In):
    version: StrictInt
    officer: str = Field(max_length=150, description="Username of the officer.")


class TransitionIn(In):
    version: StrictInt
    name: str = Field(max_length=40, description="A transition of docs/LIFECYCLE.md.")
    message: str = Field("", max_length=LONG_TEXT_MAX)


class NoteIn(In):
    body: str = Field(max_length=LONG_TEXT_MAX + 1000)


class MessageIn(In):
    version: StrictInt
    body: str = Field(max_length=LONG_TEXT_MAX + 1000)
    question: StrictBool = Field(False, description="true: the case then awaits the answer.")


class LabelsIn(In):
    version: StrictInt
    kind: Kind | None = None
    category: Category | None = None
    grave: StrictBool | None = None
    vulnerable: list[Vulnerable] | None = Field(None, max_length=len(Vulnerable))


class IdentityIn(In):
    reason: str = Field(max_length=REASON_MAX, description="Why you need to see the identity.")


class IdentityOut(Schema):
    role: str
    name: str
    national_id: str
    phone: str
    email: str
    address: str


class IdentitiesOut(Schema):
    reference: str
    people: list[IdentityOut]


# --- Search --------------------------------------------------------------------------------------


class SearchFilters(Schema):
    q: str = Field(
        min_length=1,
        max_length=500,
        description='Words (all must match), "exact phrases", -exclusions, a OR b, prefix*.',
    )
    status: list[Status] = Field(default_factory=list)
    kind: list[Kind] = Field(default_factory=list)
    category: list[Category] = Field(default_factory=list)
    priority: list[Priority] = Field(default_factory=list)
    grave: bool | None = None
    vulnerable: list[Vulnerable] = Field(default_factory=list)
    country: str | None = Field(None, min_length=2, max_length=2)
    unit: int | None = Field(None, description="Handling unit id.")
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10_000)


class SearchHitOut(CaseSummaryOut):
    external_id: str | None = Field(description="The id given at import, or null.")
    score: float = Field(description="Relevance: higher is better (not comparable across queries).")
    snippet: str = Field(description="HTML: the text around the matches, matches in <mark>.")
    exact: bool = Field(
        description="False when the case matched only through a concept or label a query word "
        "names, or through a similar spelling of a query word (a name or a misspelling); such "
        "cases come after every exact match."
    )
    matched: str | None = Field(
        default=None,
        description="For a case found by meaning: the concept and the case's own words that "
        'matched it ("bribery — حق الشاي"), or the concept and the label the case carries.',
    )


class SearchOut(Schema):
    items: list[SearchHitOut]
    limit: int
    offset: int


class SimilarOut(Schema):
    reference: str
    subject: str
    status: Status
    received_at: dt.datetime
    reason: str = Field(description="same_complainant, similar_text, same_unit or same_place.")
    score: float = Field(description="Estimated text similarity, 0 to 1.")


class LinkOut(Schema):
    reference: str
    kind: str = Field(description="duplicate, related or merged.")
    direction: str = Field(description="to: from this case to the other; from: the other way.")
    note: str
    created_by: str
    created_at: dt.datetime


class SimilarCasesOut(Schema):
    duplicates: list[SimilarOut]
    related: list[SimilarOut]
    links: list[LinkOut]


class LinkIn(In):
    other: str = Field(max_length=32, description="Reference of the other case.")
    kind: str = Field(description="duplicate or related.")
    note: str = Field("", max_length=2000)


class MergeIn(In):
    version: StrictInt
    into: str = Field(max_length=32, description="Reference of the case this one duplicates.")
    note: str = Field("", max_length=2000)
