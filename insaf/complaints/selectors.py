"""Reads of cases, always given the acting user, built on insaf/accounts/access.py.

Who sees which cases:
- national administrators, system administrators and human-rights oversight officers: every case
  of their country;
- unit staff (intake, investigators, unit heads, centre officers): the cases their unit handles or
  reviews, and the cases they filed themselves;
- an agency-wide membership: the cases handled by that agency's units;
- the secretariat analyst: none (aggregate figures only).
Nobody sees, through a unit membership, a case that complains about their own unit. Identities are
never shown to anyone in the unit complained about, whatever else they hold.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from insaf.accounts.access import memberships_of
from insaf.accounts.roles import PERSONAL_DATA_ROLES, Role
from insaf.complaints.errors import NotFound
from insaf.complaints.models import Complaint

COUNTRY_WIDE = frozenset({Role.NATIONAL_ADMIN, Role.SYSTEM_ADMIN, Role.OVERSIGHT_OFFICER})


def cases_for(user: Any) -> QuerySet[Complaint]:
    scope = Q(pk__in=[])
    for m in memberships_of(user):
        if m.role == Role.SECRETARIAT_ANALYST or m.country_id is None:
            continue
        if m.role in COUNTRY_WIDE:
            scope |= Q(country_id=m.country_id)
        elif m.unit_id is not None:
            own = Q(handling_unit_id=m.unit_id) | Q(reviewing_unit_id=m.unit_id)
            own |= Q(created_by_id=user.pk)
            scope |= own & ~Q(unit_complained_about_id=m.unit_id)
        elif m.agency_id is not None:
            scope |= Q(handling_unit__agency_id=m.agency_id) & ~Q(
                unit_complained_about__agency_id=m.agency_id
            )
    return Complaint.objects.filter(scope)


def case_for(user: Any, reference: str) -> Complaint:
    """One case by reference, or NotFound when it does not exist or the user may not see it (the
    two look the same, so references cannot be probed)."""
    case = cases_for(user).filter(reference=reference).select_related("country").first()
    if case is None:
        raise NotFound()
    return case


def can_see_identity(user: Any, case: Complaint) -> bool:
    """Never anyone with a membership in the unit complained about (or in its agency, for an
    agency-wide membership), nor a role without personal data."""
    memberships = memberships_of(user)
    target = case.unit_complained_about
    if target is not None:
        for m in memberships:
            if m.unit_id == target.pk or (m.unit_id is None and m.agency_id == target.agency_id):
                return False
    return any(m.role in PERSONAL_DATA_ROLES for m in memberships)


def queue_for(user: Any) -> QuerySet[Complaint]:
    """Open cases in the user's scope, most urgent first: by priority, vulnerable groups first
    within a priority, then by the resolution deadline."""
    from insaf.complaints.transitions import OPEN

    return (
        cases_for(user)
        .filter(status__in=OPEN)
        .annotate(
            vulnerable_first=Case(
                When(vulnerable_mask__gt=0, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("priority_rank", "vulnerable_first", "resolve_due_at", "id")
        .select_related("handling_unit", "handling_officer")
    )


def oversight_queue_for(user: Any) -> QuerySet[Complaint]:
    return queue_for(user).filter(oversight=True)
