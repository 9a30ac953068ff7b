"""The case lifecycle: the one state machine every status change goes through.

    received → registered → assigned → in progress ⇄ awaiting information
    in progress → resolved | not upheld | referred        (a decision)
    any open status → withdrawn                           (by the filer, or staff on their behalf)
    any open status → closed                              (merged into the case it duplicates)
    decision or withdrawn → closed
    closed → under review (appeal, within the country's period)
    under review → review upheld | review overturned → closed

Each transition names who may take it: the filer, the system, or staff holding one of the listed
roles. Staff must also reach the case through the selectors (insaf/complaints/selectors.py); an
investigator acts only on cases assigned to them; a review is decided outside the unit that handled
the case. docs/LIFECYCLE.md draws the same machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from insaf.accounts.roles import Role
from insaf.complaints.enums import Status


class ActorKind(StrEnum):
    STAFF = "staff"
    FILER = "filer"
    SYSTEM = "system"


OPEN = frozenset(
    {
        Status.RECEIVED,
        Status.REGISTERED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.AWAITING_INFO,
    }
)
DECIDED = frozenset({Status.RESOLVED, Status.NOT_UPHELD, Status.REFERRED})
REVIEWED = frozenset({Status.REVIEW_UPHELD, Status.REVIEW_OVERTURNED})
# Statuses in which the resolution deadline no longer runs.
STOPPED = DECIDED | REVIEWED | {Status.WITHDRAWN, Status.CLOSED, Status.UNDER_REVIEW}

WORKERS = frozenset({Role.INVESTIGATOR, Role.UNIT_HEAD, Role.CENTRE_OFFICER})
SUPERVISORS = frozenset({Role.UNIT_HEAD, Role.NATIONAL_ADMIN, Role.OVERSIGHT_OFFICER})
REVIEWERS = frozenset({Role.UNIT_HEAD, Role.NATIONAL_ADMIN, Role.OVERSIGHT_OFFICER})


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[Status]
    target: Status
    actors: frozenset[ActorKind]
    roles: frozenset[Role] = frozenset()
    # Shown on the filer's public timeline.
    public: bool = True


def _t(
    name: str,
    sources: set[Status] | frozenset[Status],
    target: Status,
    *actors: ActorKind,
    roles: frozenset[Role] = frozenset(),
    public: bool = True,
) -> Transition:
    return Transition(name, frozenset(sources), target, frozenset(actors), roles, public)


STAFF, FILER, SYSTEM = ActorKind.STAFF, ActorKind.FILER, ActorKind.SYSTEM

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        # Registration routes the case and sets its deadlines: intake does it, in the same
        # transaction as the filing (insaf/complaints/services/intake.py).
        _t("register", {Status.RECEIVED}, Status.REGISTERED, SYSTEM),
        _t("assign", {Status.REGISTERED}, Status.ASSIGNED, STAFF, roles=SUPERVISORS),
        _t("start", {Status.ASSIGNED}, Status.IN_PROGRESS, STAFF, roles=WORKERS | SUPERVISORS),
        _t(
            "request_info",
            {Status.IN_PROGRESS},
            Status.AWAITING_INFO,
            STAFF,
            roles=WORKERS | SUPERVISORS,
        ),
        _t(
            "receive_info",
            {Status.AWAITING_INFO},
            Status.IN_PROGRESS,
            FILER,
            STAFF,
            roles=WORKERS | SUPERVISORS | {Role.INTAKE_OFFICER},
        ),
        _t("resolve", {Status.IN_PROGRESS}, Status.RESOLVED, STAFF, roles=WORKERS | SUPERVISORS),
        _t(
            "not_uphold",
            {Status.IN_PROGRESS},
            Status.NOT_UPHELD,
            STAFF,
            roles=WORKERS | SUPERVISORS,
        ),
        _t("refer", {Status.IN_PROGRESS}, Status.REFERRED, STAFF, roles=WORKERS | SUPERVISORS),
        _t(
            "withdraw",
            OPEN,
            Status.WITHDRAWN,
            FILER,
            STAFF,
            roles=SUPERVISORS | {Role.INTAKE_OFFICER},
        ),
        # A duplicate is closed into the case it repeats (insaf/search/similar.py links them).
        _t(
            "merge",
            OPEN,
            Status.CLOSED,
            STAFF,
            roles=SUPERVISORS | {Role.INTAKE_OFFICER},
        ),
        _t(
            "close",
            DECIDED | REVIEWED | {Status.WITHDRAWN},
            Status.CLOSED,
            STAFF,
            SYSTEM,
            roles=SUPERVISORS,
        ),
        _t("appeal", {Status.CLOSED}, Status.UNDER_REVIEW, FILER),
        _t("uphold", {Status.UNDER_REVIEW}, Status.REVIEW_UPHELD, STAFF, roles=REVIEWERS),
        _t("overturn", {Status.UNDER_REVIEW}, Status.REVIEW_OVERTURNED, STAFF, roles=REVIEWERS),
    ]
}

# Transitions an investigator may take only on a case assigned to them.
OWN_CASE_ONLY = frozenset(
    {"start", "request_info", "receive_info", "resolve", "not_uphold", "refer"}
)
# Transitions decided by a review, which the unit that handled the case may not take.
REVIEW_DECISIONS = frozenset({"uphold", "overturn"})


def allowed(
    name: str, *, status: Status | str, actor: ActorKind, roles: set[Role] | frozenset[Role]
) -> bool:
    """Whether an actor of this kind, holding these roles, may take the transition from this
    status (scope, ownership and review independence are checked by the service)."""
    transition = TRANSITIONS.get(name)
    if transition is None or status not in transition.sources or actor not in transition.actors:
        return False
    return actor != ActorKind.STAFF or bool(set(roles) & transition.roles)


def available(
    *, status: Status | str, actor: ActorKind, roles: set[Role] | frozenset[Role]
) -> list[str]:
    return [name for name in TRANSITIONS if allowed(name, status=status, actor=actor, roles=roles)]
