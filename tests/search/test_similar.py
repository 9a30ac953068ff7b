"""Likely duplicates and related cases, and the officer's link and merge."""

from __future__ import annotations

import pytest

from insaf.accounts.roles import Role
from insaf.audit.models import Event
from insaf.audit.verbs import Verb
from insaf.complaints.enums import EventType, Status
from insaf.complaints.errors import Forbidden, InvalidInput, StaleVersion
from insaf.complaints.models import CaseEvent, Complaint
from insaf.complaints.services import PersonInput
from insaf.search import minhash
from insaf.search.models import CaseLink, LinkKind
from insaf.search.similar import Reason, case_link, case_merge, similar_cases
from tests.conftest import Org, make_staff
from tests.search.conftest import FileCase

pytestmark = pytest.mark.django_db

ORIGINAL = (
    "أتقدم بشكوى ضد أفراد دورية الشرطة الذين أوقفوني مساء الخميس قرب دوار المدينة الرياضية "
    "وفتشوا سيارتي دون إذن ثم صادروا هاتفي ولم يعطوني أي وصل أو محضر حتى اليوم"
)
# The same complaint sent again with a few words changed.
AGAIN = ORIGINAL.replace("مساء الخميس", "ليلة الخميس").replace("حتى اليوم", "لغاية الآن")
OTHER = "تأخر إصدار شهادة حسن السلوك أكثر من شهرين رغم دفع الرسوم كاملة في مكتب الخدمات"


def test_signature_estimates_similarity() -> None:
    a = ORIGINAL.split()
    assert minhash.similarity(minhash.signature(a), minhash.signature(a)) == 1.0
    assert minhash.similarity(minhash.signature(a), minhash.signature(AGAIN.split())) >= 0.5
    assert minhash.similarity(minhash.signature(a), minhash.signature(OTHER.split())) < 0.2
    assert minhash.signature([]) == b"" and minhash.bands(b"") == [None] * minhash.BANDS
    assert all(isinstance(k, int) and k >= 0 for k in minhash.bands(minhash.signature(a)))


def test_near_identical_text_is_a_likely_duplicate(jordan: Org, file_case: FileCase) -> None:
    first = file_case(ORIGINAL)
    second = file_case(AGAIN)
    file_case(OTHER)
    found = similar_cases(jordan.staff[Role.NATIONAL_ADMIN], second)
    assert [(s.complaint, s.reason) for s in found.duplicates] == [(first, Reason.SIMILAR_TEXT)]
    assert found.duplicates[0].score >= 0.6


def test_same_complainant_is_a_likely_duplicate(jordan: Org, file_case: FileCase) -> None:
    person = PersonInput(name="منى", phone="0791234567")
    first = file_case(OTHER, anonymous=False, complainant=person)
    # The same phone typed in Arabic-Indic digits with the country code.
    again = PersonInput(name="منى حداد", phone="+٩٦٢ ٧٩١٢٣٤٥٦٧")
    second = file_case(ORIGINAL, anonymous=False, complainant=again)
    found = similar_cases(jordan.staff[Role.NATIONAL_ADMIN], second)
    assert [(s.complaint, s.reason) for s in found.duplicates] == [(first, Reason.SAME_COMPLAINANT)]


def test_related_by_unit_complained_about(jordan: Org, file_case: FileCase) -> None:
    unit = jordan.other_unit.pk
    first = file_case(OTHER, unit_complained_about_id=unit)
    second = file_case(ORIGINAL, unit_complained_about_id=unit)
    unrelated = file_case("طلب الموظف رشوة لتسريع المعاملة")
    found = similar_cases(jordan.staff[Role.NATIONAL_ADMIN], second)
    assert [(s.complaint, s.reason) for s in found.related] == [(first, Reason.SAME_UNIT)]
    assert unrelated not in [s.complaint for s in found.related + found.duplicates]


def test_suggestions_stay_in_scope(jordan: Org, file_case: FileCase) -> None:
    file_case(ORIGINAL, unit_complained_about_id=jordan.unit.pk)
    second = file_case(AGAIN)
    # A head of the unit the first case is about never learns of it.
    head = make_staff("head-1", Role.UNIT_HEAD, jordan, unit=jordan.unit)
    found = similar_cases(head, second)
    assert found.duplicates == [] and found.related == []


def test_link_is_recorded_on_both_timelines_and_audited(jordan: Org, file_case: FileCase) -> None:
    head = jordan.staff[Role.NATIONAL_ADMIN]
    first, second = file_case(ORIGINAL), file_case(OTHER)
    link = case_link(
        actor=head,
        complaint_id=second.pk,
        other_reference=first.reference,
        kind=LinkKind.RELATED,
        note="نفس الحي",
    )
    assert (link.complaint, link.other, link.kind) == (second, first, LinkKind.RELATED)
    for case in (first, second):
        event = CaseEvent.objects.get(complaint=case, type=EventType.LINKED)
        assert not event.public
    audit = Event.objects.filter(verb=Verb.COMPLAINT_LINKED).get()
    assert audit.data["other"] == first.reference
    with pytest.raises(InvalidInput):
        case_link(
            actor=head,
            complaint_id=second.pk,
            other_reference=first.reference,
            kind=LinkKind.RELATED,
        )
    with pytest.raises(InvalidInput):
        case_link(
            actor=head, complaint_id=first.pk, other_reference=first.reference, kind="related"
        )
    with pytest.raises(InvalidInput):
        case_link(actor=head, complaint_id=first.pk, other_reference=second.reference, kind="x")


def test_link_needs_a_working_role_and_both_cases_in_scope(
    jordan: Org, egypt: Org, file_case: FileCase
) -> None:
    first, second = file_case(ORIGINAL), file_case(OTHER)
    with pytest.raises(Forbidden):
        case_link(
            actor=jordan.staff[Role.SYSTEM_ADMIN],
            complaint_id=second.pk,
            other_reference=first.reference,
            kind="related",
        )
    with pytest.raises(Forbidden):
        case_link(
            actor=egypt.staff[Role.NATIONAL_ADMIN],
            complaint_id=second.pk,
            other_reference=first.reference,
            kind="related",
        )
    assert not CaseLink.objects.exists()


def test_merge_closes_the_duplicate(jordan: Org, file_case: FileCase) -> None:
    head = jordan.staff[Role.UNIT_HEAD]
    first, second = file_case(ORIGINAL), file_case(AGAIN)
    with pytest.raises(StaleVersion):
        case_merge(
            actor=head,
            complaint_id=second.pk,
            version=second.version + 1,
            into_reference=first.reference,
        )
    with pytest.raises(Forbidden):
        case_merge(
            actor=jordan.staff[Role.INVESTIGATOR],
            complaint_id=second.pk,
            version=second.version,
            into_reference=first.reference,
        )
    assert not CaseLink.objects.exists()
    merged = case_merge(
        actor=head,
        complaint_id=second.pk,
        version=second.version,
        into_reference=first.reference,
        note="مكررة",
    )
    assert merged.status == Status.CLOSED and merged.version == second.version + 1
    first.refresh_from_db()
    assert first.status == Status.REGISTERED
    assert CaseLink.objects.get().kind == LinkKind.MERGED
    assert CaseEvent.objects.filter(complaint=second, data__transition="merge").exists()
    assert Event.objects.filter(verb=Verb.COMPLAINT_MERGED).count() == 1
    # Merging a closed case, or into a closed one, is refused.
    third = file_case(ORIGINAL + " مرة ثالثة")
    with pytest.raises(InvalidInput):
        case_merge(
            actor=head,
            complaint_id=third.pk,
            version=third.version,
            into_reference=merged.reference,
        )
    assert Complaint.objects.get(pk=third.pk).status == Status.REGISTERED
