"""Likely duplicates and related cases of a case, and the officer's link and merge.

Found when the case is shown, inside the viewer's scope, so a case filed later still shows as a
duplicate of an earlier one, and nobody learns of a case they may not see:

- duplicates: another case with the same complainant (the blind indexes of phone and national ID;
  shown only to those who may see the identity), or near-identical text (a shared MinHash band,
  confirmed by an estimated similarity of at least ``DUPLICATE_SIMILARITY``);
- related: cases about the same unit, or the same place, most similar text first; and cases whose
  text is similar (a shared band) without being a near-copy.

``case_link`` and ``case_merge`` record the officer's decision, on both timelines and in the audit
log, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from insaf.accounts.access import roles_of
from insaf.accounts.roles import Role
from insaf.audit.services import audit_record
from insaf.audit.verbs import Verb
from insaf.complaints import transitions
from insaf.complaints.enums import EventType, PersonRole
from insaf.complaints.errors import Forbidden, InvalidInput
from insaf.complaints.models import Complaint, Person
from insaf.complaints.selectors import can_see_identity, case_for, cases_for
from insaf.complaints.services.timeline import add_event
from insaf.complaints.services.workflow import _staff_check, apply_transition, locked_case
from insaf.search import minhash
from insaf.search.models import BANDS, CaseLink, LinkKind, SearchEntry

if TYPE_CHECKING:
    from insaf.accounts.models import User

DUPLICATE_SIMILARITY = 0.6
RELATED_SIMILARITY = 0.2
CANDIDATES = 200
NOTE_MAX = 2000
# Who may link cases: those who work them.
LINKERS = transitions.WORKERS | transitions.SUPERVISORS | {Role.INTAKE_OFFICER}


class Reason:
    SAME_COMPLAINANT = "same_complainant"
    SIMILAR_TEXT = "similar_text"
    SAME_UNIT = "same_unit"
    SAME_PLACE = "same_place"


@dataclass
class Suggestion:
    complaint: Complaint
    reason: str
    score: float


@dataclass
class Similar:
    duplicates: list[Suggestion]
    related: list[Suggestion]


def _signature(case_id: int) -> tuple[bytes, list[int | None]]:
    entry = SearchEntry.objects.filter(complaint_id=case_id).first()
    if entry is None:
        return b"", [None] * BANDS
    keys = [getattr(entry, f"band{n}") for n in range(BANDS)]
    return bytes(entry.signature), keys


def _with_signatures(cases: QuerySet[Complaint]) -> list[tuple[Complaint, bytes]]:
    """The cases (newest first, at most CANDIDATES) with their signatures, in one query."""
    rows = cases.annotate(signature=F("search_entry__signature")).order_by("-received_at")
    return [(case, bytes(case.signature or b"")) for case in rows[:CANDIDATES]]


def similar_cases(user: Any, case: Complaint, *, limit: int = 5) -> Similar:
    scope = cases_for(user).exclude(pk=case.pk)
    signature, keys = _signature(case.pk)
    found: dict[int, Suggestion] = {}

    # Same complainant, by blind index (never shown to those who may not see identities).
    if can_see_identity(user, case):
        people = Person.objects.filter(complaint=case, role=PersonRole.COMPLAINANT)
        match = Q(pk__in=[])
        for person in people:
            if person.phone_bidx:
                match |= Q(phone_bidx=person.phone_bidx)
            if person.national_id_bidx:
                match |= Q(national_id_bidx=person.national_id_bidx)
        if people:
            others = Person.objects.filter(match, role=PersonRole.COMPLAINANT).values("complaint")
            for other in scope.filter(pk__in=others).order_by("-received_at")[:CANDIDATES]:
                found[other.pk] = Suggestion(other, Reason.SAME_COMPLAINANT, 1.0)

    # Text: cases sharing a band, scored by the estimated similarity.
    textual: list[Suggestion] = []
    band_match = Q(pk__in=[])
    for number, key in enumerate(keys):
        if key is not None:
            band_match |= Q(**{f"search_entry__band{number}": key})
    for other, other_signature in _with_signatures(scope.filter(band_match)):
        score = minhash.similarity(signature, other_signature)
        if score >= RELATED_SIMILARITY:
            textual.append(Suggestion(other, Reason.SIMILAR_TEXT, score))
    duplicates = [s for s in textual if s.score >= DUPLICATE_SIMILARITY]
    for suggestion in duplicates:
        found.setdefault(suggestion.complaint.pk, suggestion)

    # Related: the same unit or place, most similar text first; then similar text alone.
    context = Q(pk__in=[])
    if case.unit_complained_about_id is not None:
        context |= Q(unit_complained_about_id=case.unit_complained_about_id)
    if case.place.strip():
        context |= Q(place__iexact=case.place.strip())
    related: dict[int, Suggestion] = {}
    for other, other_signature in _with_signatures(scope.filter(context)):
        same_unit = (
            case.unit_complained_about_id is not None
            and other.unit_complained_about_id == case.unit_complained_about_id
        )
        reason = Reason.SAME_UNIT if same_unit else Reason.SAME_PLACE
        related[other.pk] = Suggestion(
            other, reason, minhash.similarity(signature, other_signature)
        )
    for suggestion in textual:
        related.setdefault(suggestion.complaint.pk, suggestion)
    ordered_related = sorted(
        (s for pk, s in related.items() if pk not in found),
        key=lambda s: (-s.score, -s.complaint.received_at.timestamp()),
    )
    ordered_duplicates = sorted(found.values(), key=lambda s: -s.score)
    return Similar(ordered_duplicates[:limit], ordered_related[:limit])


def _check_linker(actor: User) -> None:
    if not roles_of(actor) & LINKERS:
        raise Forbidden()


def _clean_note(note: str) -> str:
    if len(note) > NOTE_MAX:
        raise InvalidInput(fields={"note": _("The note is too long.")})
    return note.strip()


def _record_link(actor: User, case: Complaint, other: Complaint, kind: str, note: str) -> None:
    """A new link; for a merge, an earlier link between the same two cases becomes the merge."""
    fields = {"kind": kind, "note": note, "created_by": actor, "created_at": timezone.now()}
    if kind == LinkKind.MERGED:
        CaseLink.objects.update_or_create(complaint=case, other=other, defaults=fields)
    else:
        try:
            with transaction.atomic():
                CaseLink.objects.create(complaint=case, other=other, **fields)
        except IntegrityError:
            raise InvalidInput(fields={"other": _("These cases are already linked.")}) from None
    for this, that in ((case, other), (other, case)):
        add_event(
            this,
            type=EventType.LINKED,
            actor=actor,
            public=False,
            body=note,
            data={"kind": kind, "other": that.reference, "from": case.reference},
        )


def case_link(
    *, actor: User, complaint_id: int, other_reference: str, kind: str, note: str = ""
) -> CaseLink:
    """Link a case to another the officer can also see, as a duplicate or as related."""
    if kind not in (LinkKind.DUPLICATE, LinkKind.RELATED):
        raise InvalidInput(fields={"kind": _("Choose duplicate or related.")})
    note = _clean_note(note)
    _check_linker(actor)
    with transaction.atomic():
        case = cases_for(actor).filter(pk=complaint_id).first()
        if case is None:
            raise Forbidden()
        other = case_for(actor, other_reference)
        if other.pk == case.pk:
            raise InvalidInput(fields={"other": _("A case cannot be linked to itself.")})
        _record_link(actor, case, other, kind, note)
        audit_record(
            actor=actor,
            verb=Verb.COMPLAINT_LINKED,
            target=case,
            country=case.country_id,
            data={"reference": case.reference, "other": other.reference, "kind": kind},
        )
    return CaseLink.objects.get(complaint=case, other=other)


def case_merge(
    *, actor: User, complaint_id: int, version: int, into_reference: str, note: str = ""
) -> Complaint:
    """Close a duplicate into the case it repeats: a ``merged`` link, the ``merge`` transition
    (the version must be the one the officer saw), both timelines and the audit log."""
    note = _clean_note(note)
    with locked_case(actor=actor, complaint_id=complaint_id, version=version) as case:
        _staff_check(actor, case, "merge")
        into = case_for(actor, into_reference)
        if into.pk == case.pk:
            raise InvalidInput(fields={"into": _("A case cannot be merged into itself.")})
        if into.status not in transitions.OPEN:
            raise InvalidInput(fields={"into": _("Merge only into a case that is still open.")})
        _record_link(actor, case, into, LinkKind.MERGED, note)
        apply_transition(case, name="merge", actor=actor, message=note)
        audit_record(
            actor=actor,
            verb=Verb.COMPLAINT_MERGED,
            target=case,
            country=case.country_id,
            data={"reference": case.reference, "into": into.reference},
        )
    return case


def links_of(user: Any, case: Complaint) -> list[tuple[CaseLink, Complaint]]:
    """The links to and from ``case``, each with the other case, that ``user`` can see."""
    visible = set(
        cases_for(user)
        .filter(Q(links__other=case) | Q(linked_from__complaint=case))
        .values_list("pk", flat=True)
    )
    rows = CaseLink.objects.filter(Q(complaint=case) | Q(other=case)).select_related(
        "complaint", "other"
    )
    result = []
    for link in rows.order_by("created_at"):
        other = link.other if link.complaint_id == case.pk else link.complaint
        if other.pk in visible:
            result.append((link, other))
    return result
