"""Staff work on a case. Every change is one call: it locks the case, checks the actor's right
and the version the actor last saw (StaleVersion otherwise, changing nothing), applies the change,
bumps the version, and writes the timeline entry and the audit event in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insaf.accounts.access import memberships_of, roles_of
from insaf.accounts.roles import Role
from insaf.audit.services import audit_record
from insaf.audit.verbs import Verb
from insaf.complaints import transitions
from insaf.complaints.config import country_config
from insaf.complaints.deadlines import deadlines
from insaf.complaints.enums import EventType, Status
from insaf.complaints.errors import (
    CaseError,
    Forbidden,
    InvalidInput,
    NotFound,
    StaleVersion,
    TransitionNotAllowed,
)
from insaf.complaints.models import Complaint, LabelCorrection, Person
from insaf.complaints.selectors import can_see_identity, cases_for
from insaf.complaints.services.intake import IDENTITY_FIELDS, identity_context
from insaf.complaints.services.timeline import add_event
from insaf.complaints.transitions import ActorKind
from insaf.core.crypto import decrypt
from insaf.search.indexing import FACET_FIELDS, refresh_facets
from insaf.triage.labels import (
    PRIORITY_RANK,
    Category,
    Kind,
    Vulnerable,
    derive_priority,
    vulnerable_mask,
)

if TYPE_CHECKING:
    from insaf.accounts.models import User

MESSAGE_MAX = 20_000
# Transitions with a call of their own: assignment names an officer (complaint_assign), a merge
# names the case merged into (insaf/search/similar.py: case_merge).
OWN_CALLS = frozenset({"assign", "merge"})


@contextmanager
def locked_case(
    *, actor: User | None, complaint_id: int, version: int | None
) -> Iterator[Complaint]:
    """The case, locked for this transaction, as seen by ``actor`` (None: the system or the
    filer, whose right was checked by the caller). Checks the version when one is given."""
    with transaction.atomic():
        cases = Complaint.objects.all() if actor is None else cases_for(actor)
        case = cases.select_for_update().filter(pk=complaint_id).first()
        if case is None:
            raise NotFound()
        if version is not None and case.version != version:
            raise StaleVersion()
        yield case


def _bump(case: Complaint, *fields: str) -> None:
    case.version += 1
    case.save(update_fields=[*fields, "version"])
    if set(FACET_FIELDS).intersection(fields):
        refresh_facets(case)


def _audit(case: Complaint, *, actor: User | None, verb: Verb, data: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=case,
        country=case.country_id,
        data={"reference": case.reference, **data},
    )


def _investigator_only(roles: set[Role]) -> bool:
    return roles & (transitions.WORKERS | transitions.SUPERVISORS) == {Role.INVESTIGATOR}


def _refusal(actor: User, case: Complaint, name: str) -> CaseError | None:
    """Why ``actor`` may not take transition ``name`` on ``case`` now, or None if they may: the
    lifecycle's rule for their roles, narrowed for investigators (their own cases only) and for
    reviews (decided outside the unit that handled the case)."""
    roles = roles_of(actor)
    if not transitions.allowed(name, status=case.status, actor=ActorKind.STAFF, roles=roles):
        if name in transitions.TRANSITIONS and case.status in transitions.TRANSITIONS[name].sources:
            return Forbidden()
        return TransitionNotAllowed()
    if (
        name in transitions.OWN_CASE_ONLY
        and _investigator_only(roles)
        and case.handling_officer_id != actor.pk
    ):
        return Forbidden(_("Only the officer the case is assigned to can do this."))
    if name in transitions.REVIEW_DECISIONS:
        handled_by_actor = any(
            m.unit_id is not None and m.unit_id == case.handling_unit_id
            for m in memberships_of(actor)
        )
        if handled_by_actor and not roles & {Role.NATIONAL_ADMIN, Role.OVERSIGHT_OFFICER}:
            return Forbidden(_("A review is decided outside the unit that handled the case."))
    return None


def _staff_check(actor: User, case: Complaint, name: str) -> None:
    refusal = _refusal(actor, case, name)
    if refusal is not None:
        raise refusal


def transitions_for(user: User, case: Complaint) -> list[str]:
    """The transitions ``user`` may send for ``case`` now (assignment has its own call)."""
    return [
        name
        for name in transitions.TRANSITIONS
        if name not in OWN_CALLS and _refusal(user, case, name) is None
    ]


def apply_transition(
    case: Complaint,
    *,
    name: str,
    actor: User | None,
    message: str = "",
    now: dt.datetime | None = None,
    also_saved: tuple[str, ...] = (),
) -> None:
    """Move a locked case along ``name`` (the caller checked who may) and record it;
    ``also_saved`` names other fields the caller changed on the case."""
    transition = transitions.TRANSITIONS[name]
    now = now or timezone.now()
    old = case.status
    case.status = transition.target
    fields = ["status", *also_saved]
    if transition.target == Status.ASSIGNED and case.acknowledged_at is None:
        case.acknowledged_at = now
        fields.append("acknowledged_at")
    if transition.target in transitions.DECIDED | {Status.WITHDRAWN}:
        case.resolved_at = now
        fields.append("resolved_at")
    if transition.target == Status.CLOSED:
        case.closed_at = now
        case.appeal_until = now + dt.timedelta(days=_appeal_days(case.country_id))
        fields += ["closed_at", "appeal_until"]
    _bump(case, *fields)
    add_event(
        case,
        type=EventType.STATUS,
        actor=actor,
        public=transition.public,
        from_status=old,
        to_status=case.status,
        body=message,
        data={"transition": name},
    )
    _audit(
        case,
        actor=actor,
        verb=Verb.COMPLAINT_TRANSITION,
        data={"transition": name, "old": old, "new": case.status},
    )


def _appeal_days(country: str) -> int:
    policy = country_config(country).policy
    return policy.appeal_days if policy else 30


def complaint_transition(
    *, actor: User, complaint_id: int, version: int, name: str, message: str = ""
) -> Complaint:
    if name not in transitions.TRANSITIONS or name in OWN_CALLS:
        raise TransitionNotAllowed()
    if len(message) > MESSAGE_MAX:
        raise InvalidInput(fields={"message": _("The message is too long.")})
    with locked_case(actor=actor, complaint_id=complaint_id, version=version) as case:
        _staff_check(actor, case, name)
        apply_transition(case, name=name, actor=actor, message=message.strip())
        if message.strip() and transitions.TRANSITIONS[name].public:
            _notify_filer(case)
    return case


def complaint_assign(*, actor: User, complaint_id: int, version: int, officer: User) -> Complaint:
    """Give the case to an officer of the handling unit (or reassign it). A registered case
    becomes assigned; a case already being worked keeps its status."""
    with locked_case(actor=actor, complaint_id=complaint_id, version=version) as case:
        roles = roles_of(actor)
        if not roles & transitions.SUPERVISORS:
            raise Forbidden()
        if case.status not in transitions.OPEN - {Status.RECEIVED}:
            raise TransitionNotAllowed()
        if not cases_for(officer).filter(pk=case.pk).exists() or not roles_of(officer) & (
            transitions.WORKERS | transitions.SUPERVISORS
        ):
            raise InvalidInput(fields={"officer": _("This officer cannot work on this case.")})
        if any(m.unit_id == case.unit_complained_about_id for m in memberships_of(officer)):
            raise InvalidInput(
                fields={"officer": _("This officer belongs to the unit complained about.")}
            )
        previous = case.handling_officer_id
        case.handling_officer = officer
        if case.status == Status.REGISTERED:
            apply_transition(case, name="assign", actor=actor, also_saved=("handling_officer",))
        else:
            _bump(case, "handling_officer")
        add_event(
            case,
            type=EventType.ASSIGNED,
            actor=actor,
            public=False,
            data={"officer": officer.pk, "previous": previous},
        )
        _audit(
            case,
            actor=actor,
            verb=Verb.COMPLAINT_ASSIGNED,
            data={"old": previous, "new": officer.pk},
        )
    return case


def complaint_note(*, actor: User, complaint_id: int, body: str) -> Complaint:
    """An internal note: never shown to the filer. Notes do not change the case's version."""
    body = body.strip()
    if not body or len(body) > MESSAGE_MAX:
        raise InvalidInput(fields={"body": _("Write the note (at most 20,000 characters).")})
    with locked_case(actor=actor, complaint_id=complaint_id, version=None) as case:
        if not roles_of(actor) - {Role.SECRETARIAT_ANALYST}:
            raise Forbidden()
        event = add_event(case, type=EventType.NOTE, actor=actor, public=False, body=body)
        _audit(case, actor=actor, verb=Verb.COMPLAINT_NOTE, data={"event": event.pk})
    return case


def complaint_message(
    *, actor: User, complaint_id: int, version: int, body: str, question: bool
) -> Complaint:
    """A message to the filer: a question (the case then awaits their answer) or a response."""
    body = body.strip()
    if not body or len(body) > MESSAGE_MAX:
        raise InvalidInput(fields={"body": _("Write the message (at most 20,000 characters).")})
    if question:
        return complaint_transition(
            actor=actor,
            complaint_id=complaint_id,
            version=version,
            name="request_info",
            message=body,
        )
    with locked_case(actor=actor, complaint_id=complaint_id, version=version) as case:
        if case.status not in transitions.OPEN | transitions.DECIDED:
            raise TransitionNotAllowed()
        if not roles_of(actor) & (transitions.WORKERS | transitions.SUPERVISORS):
            raise Forbidden()
        _bump(case)
        event = add_event(case, type=EventType.RESPONSE, actor=actor, public=True, body=body)
        _audit(case, actor=actor, verb=Verb.COMPLAINT_MESSAGE, data={"event": event.pk})
        _notify_filer(case)
    return case


@dataclass(frozen=True)
class LabelChanges:
    kind: str | None = None
    category: str | None = None
    grave: bool | None = None
    vulnerable: list[str] | None = None


def complaint_correct_labels(
    *, actor: User, complaint_id: int, version: int, changes: LabelChanges
) -> Complaint:
    """An officer corrects triage labels. The priority and deadlines follow the new labels, a
    case that becomes grave enters the oversight queue, and each correction is kept for training."""
    errors = {}
    if changes.kind is not None and changes.kind not in Kind.values:
        errors["kind"] = _("Unknown kind.")
    if changes.category is not None and changes.category not in Category.values:
        errors["category"] = _("Unknown category.")
    if changes.vulnerable is not None and not set(changes.vulnerable) <= set(Vulnerable.values):
        errors["vulnerable"] = _("Unknown vulnerable group.")
    if errors:
        raise InvalidInput(fields=errors)
    with locked_case(actor=actor, complaint_id=complaint_id, version=version) as case:
        roles = roles_of(actor)
        if not roles & (transitions.WORKERS | transitions.SUPERVISORS):
            raise Forbidden()
        if _investigator_only(roles) and case.handling_officer_id != actor.pk:
            raise Forbidden(_("Only the officer the case is assigned to can do this."))
        old: dict[str, Any] = {
            "kind": case.kind,
            "category": case.category,
            "grave": case.grave,
            "vulnerable": case.vulnerable,
        }
        new = dict(old)
        for name in old:
            value = getattr(changes, name)
            if value is not None:
                new[name] = sorted(value) if name == "vulnerable" else value
        changed = {name for name in old if new[name] != old[name]}
        if not changed:
            return case
        now = timezone.now()
        LabelCorrection.objects.bulk_create(
            LabelCorrection(
                complaint=case,
                label=name,
                old_value=old[name],
                new_value=new[name],
                triage_version=case.triage_version,
                officer=actor,
                created_at=now,
            )
            for name in sorted(changed)
        )
        became_grave = bool(new["grave"]) and not case.grave
        case.kind, case.category, case.grave = new["kind"], new["category"], bool(new["grave"])
        case.vulnerable_mask = vulnerable_mask(new["vulnerable"])
        case.priority = derive_priority(
            kind=case.kind, category=case.category, grave=case.grave, vulnerable=new["vulnerable"]
        )
        case.priority_rank = PRIORITY_RANK[case.priority]
        case.label_sources = {**case.label_sources, **{name: "officer" for name in changed}}
        config = country_config(case.country_id)
        case.ack_due_at, case.resolve_due_at = deadlines(
            config.calendar, config.deadline_rules[case.priority], case.received_at
        )
        case.oversight = case.oversight or case.grave
        _bump(
            case,
            "kind",
            "category",
            "grave",
            "vulnerable_mask",
            "priority",
            "priority_rank",
            "label_sources",
            "ack_due_at",
            "resolve_due_at",
            "oversight",
        )
        add_event(
            case,
            type=EventType.LABELS,
            actor=actor,
            public=False,
            data={"old": {k: old[k] for k in changed}, "new": {k: new[k] for k in changed}},
        )
        _audit(
            case,
            actor=actor,
            verb=Verb.COMPLAINT_LABELS,
            data={"old": {k: old[k] for k in changed}, "new": {k: new[k] for k in changed}},
        )
        if became_grave:
            from insaf.complaints.services.notify import notify_oversight

            notify_oversight(case)
    return case


@dataclass(frozen=True)
class Identity:
    role: str
    name: str
    national_id: str
    phone: str
    email: str
    address: str


def identity_reveal(*, actor: User, complaint_id: int, reason: str) -> list[Identity]:
    """Show the identities on a case: an explicit, reasoned, audited act, refused to anyone in the
    unit complained about and to roles without personal data."""
    reason = reason.strip()
    if len(reason) < 10:
        raise InvalidInput(fields={"reason": _("Say why you need to see the identity.")})
    with locked_case(actor=actor, complaint_id=complaint_id, version=None) as case:
        if not can_see_identity(actor, case):
            raise Forbidden(_("You may not see who filed this case."))
        people = list(Person.objects.filter(complaint=case).order_by("pk"))
        add_event(
            case,
            type=EventType.IDENTITY_REVEALED,
            actor=actor,
            public=False,
            body=reason,
        )
        _audit(case, actor=actor, verb=Verb.IDENTITY_REVEALED, data={"reason": reason})
    return [
        Identity(
            role=person.role,
            **{
                field: decrypt(getattr(person, f"{field}_enc"), context=identity_context(field))
                for field in IDENTITY_FIELDS
            },
        )
        for person in people
    ]


def _notify_filer(case: Complaint) -> None:
    from insaf.complaints.services.notify import notify_filer_updated

    notify_filer_updated(case)
