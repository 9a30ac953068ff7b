"""Selectors: every read of protected data starts here, given the acting user.

A membership grants a scope: a whole country, one agency, or one unit. What a user may read is the
union of what their memberships grant, and only for the roles that may read that kind of data
(insaf/accounts/roles.py). A user with no membership, or an inactive user, reads nothing. The
secretariat analyst reads no personal data at all: no staff, no audit trail (and, in later apps, no
case); only reference data and aggregate figures.

Scoping happens inside the query (a WHERE clause), never by filtering results afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from insaf.accounts.models import Membership, User
from insaf.accounts.roles import (
    AUDIT_READER_ROLES,
    PERSONAL_DATA_ROLES,
    STAFF_READER_ROLES,
    Role,
)
from insaf.audit.models import Event
from insaf.core.models import Agency, Country, Holiday, Unit

_CACHE_ATTR = "_insaf_memberships"


def memberships_of(user: Any) -> list[Membership]:
    """The acting user's memberships, loaded once per user object (one query per request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached: list[Membership] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user).select_related("country", "agency", "unit")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user: Any) -> None:
    """Drop the per-object cache (after a membership of this user object changed)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user: Any) -> set[Role]:
    return {Role(m.role) for m in memberships_of(user)}


def can_see_personal_data(user: Any) -> bool:
    return bool(roles_of(user) & PERSONAL_DATA_ROLES)


def has_role(user: Any, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def _scope_q(
    memberships: Iterable[Membership],
    *,
    country: str,
    agency: str | None,
    unit: str | None,
) -> Q:
    """OR together the scope of each membership, expressed with the given lookups.

    ``country``/``agency``/``unit`` are the lookup paths from the queried model to the country,
    agency and unit ids; ``None`` means the model does not reach that level, so a narrower
    membership grants nothing on it.
    """
    query = Q(pk__in=[])
    for membership in memberships:
        if membership.country_id is None:
            continue
        if membership.unit_id is not None:
            if unit is not None:
                query |= Q(**{unit: membership.unit_id})
        elif membership.agency_id is not None:
            if agency is not None:
                query |= Q(**{agency: membership.agency_id})
        else:
            query |= Q(**{country: membership.country_id})
    return query


def _with_roles(user: Any, roles: frozenset[Role]) -> list[Membership]:
    return [m for m in memberships_of(user) if m.role in roles]


# --- Reference data (not personal; every active member of staff may read it) -------------------


def countries_for(user: Any) -> QuerySet[Country]:
    """Member states in the user's scope; the secretariat analyst's scope is the whole region."""
    memberships = memberships_of(user)
    if any(m.country_id is None for m in memberships):
        return Country.objects.all()
    return Country.objects.filter(pk__in={m.country_id for m in memberships})


def agencies_for(user: Any) -> QuerySet[Agency]:
    memberships = memberships_of(user)
    if any(m.country_id is None for m in memberships):
        return Agency.objects.all()
    scope = _scope_q(memberships, country="country_id", agency="pk", unit=None)
    # A unit membership makes the unit's own agency visible too.
    scope |= Q(pk__in=[m.unit.agency_id for m in memberships if m.unit is not None])
    return Agency.objects.filter(scope)


def units_for(user: Any) -> QuerySet[Unit]:
    memberships = memberships_of(user)
    if any(m.country_id is None for m in memberships):
        return Unit.objects.all()
    scope = _scope_q(memberships, country="agency__country_id", agency="agency_id", unit="pk")
    return Unit.objects.filter(scope)


def holidays_for(user: Any) -> QuerySet[Holiday]:
    return Holiday.objects.filter(country__in=countries_for(user))


# --- Personal data -------------------------------------------------------------------------------


def staff_for(user: Any) -> QuerySet[User]:
    """Staff whose memberships fall inside the scope of the user's staff-reading memberships."""
    scope = _scope_q(
        _with_roles(user, STAFF_READER_ROLES),
        country="memberships__country_id",
        agency="memberships__agency_id",
        unit="memberships__unit_id",
    )
    return User.objects.filter(scope).distinct()


def memberships_for(user: Any) -> QuerySet[Membership]:
    scope = _scope_q(
        _with_roles(user, STAFF_READER_ROLES),
        country="country_id",
        agency="agency_id",
        unit="unit_id",
    )
    return Membership.objects.filter(scope)


def audit_events_for(user: Any) -> QuerySet[Event]:
    """Audit events of the countries where the user holds an audit-reading role."""
    countries = {
        m.country_id
        for m in _with_roles(user, AUDIT_READER_ROLES)
        if m.country_id is not None and m.agency_id is None and m.unit_id is None
    }
    return Event.objects.filter(country_id__in=countries)
