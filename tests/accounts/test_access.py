"""Every role, in two countries: what each can and cannot read through the selectors."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from insaf.accounts import access
from insaf.accounts.models import User
from insaf.accounts.roles import Role
from insaf.accounts.services import user_create
from insaf.audit.models import Event
from insaf.core.models import Agency, Country, Unit
from tests.conftest import Org, make_staff

COUNTRY_WIDE_READERS = {Role.NATIONAL_ADMIN, Role.SYSTEM_ADMIN, Role.OVERSIGHT_OFFICER}
UNIT_ROLES = {Role.INTAKE_OFFICER, Role.INVESTIGATOR, Role.UNIT_HEAD, Role.CENTRE_OFFICER}
STAFF_ROLES = [role for role in Role if role != Role.SECRETARIAT_ANALYST]


@pytest.fixture
def world(jordan: Org, egypt: Org, analyst: User) -> dict[str, Org]:
    # A member of staff in a sibling unit and one in another agency, to test the unit boundary.
    make_staff("jo-sibling", Role.INVESTIGATOR, jordan, unit=jordan.sibling_unit)
    make_staff("jo-centre-2", Role.CENTRE_OFFICER, jordan, unit=jordan.other_unit)
    return {"JO": jordan, "EG": egypt}


def _names(users: object) -> set[str]:
    return {u.username for u in users}  # type: ignore[attr-defined]


def _staff_of(code: str) -> set[str]:
    return _names(User.objects.filter(memberships__country_id=code).distinct())


@pytest.mark.parametrize("code,other", [("JO", "EG"), ("EG", "JO")])
@pytest.mark.parametrize("role", STAFF_ROLES, ids=lambda r: r.value)
def test_staff_directory(world: dict[str, Org], code: str, other: str, role: Role) -> None:
    org = world[code]
    user = org.staff[role]
    seen = _names(access.staff_for(user))
    if role in COUNTRY_WIDE_READERS:
        assert seen == _staff_of(code)
    elif role == Role.UNIT_HEAD:
        in_unit = _names(User.objects.filter(memberships__unit=org.unit))
        assert seen == in_unit
        assert f"{code.lower()}-sibling" not in seen
    else:
        assert seen == set()
    assert not seen & _staff_of(other)
    assert "analyst" not in seen
    memberships = access.memberships_for(user)
    assert {m.country_id for m in memberships} <= {code}


@pytest.mark.parametrize("code,other", [("JO", "EG"), ("EG", "JO")])
@pytest.mark.parametrize("role", STAFF_ROLES, ids=lambda r: r.value)
def test_audit_trail(world: dict[str, Org], code: str, other: str, role: Role) -> None:
    user = world[code].staff[role]
    events = access.audit_events_for(user)
    if role in COUNTRY_WIDE_READERS:
        assert events.count() == Event.objects.filter(country_id=code).count() > 0
    else:
        assert not events.exists()
    assert not events.filter(country_id=other).exists()


@pytest.mark.parametrize("code,other", [("JO", "EG"), ("EG", "JO")])
@pytest.mark.parametrize("role", STAFF_ROLES, ids=lambda r: r.value)
def test_organisations(world: dict[str, Org], code: str, other: str, role: Role) -> None:
    org = world[code]
    user = org.staff[role]
    units = set(access.units_for(user))
    agencies = set(access.agencies_for(user))
    if role in UNIT_ROLES:
        assert units == {org.unit}
        assert agencies == {org.agency}
    else:
        assert units == set(Unit.objects.filter(agency__country_id=code))
        assert agencies == set(Agency.objects.filter(country_id=code))
    assert set(access.countries_for(user)) == {org.country}
    assert not access.units_for(user).filter(agency__country_id=other).exists()


@pytest.mark.parametrize("code", ["JO", "EG"])
@pytest.mark.parametrize("role", STAFF_ROLES, ids=lambda r: r.value)
def test_staff_roles_see_personal_data(world: dict[str, Org], code: str, role: Role) -> None:
    assert access.can_see_personal_data(world[code].staff[role])


def test_analyst_sees_no_personal_data(world: dict[str, Org], analyst: User) -> None:
    assert not access.can_see_personal_data(analyst)
    assert not access.staff_for(analyst).exists()
    assert not access.memberships_for(analyst).exists()
    assert not access.audit_events_for(analyst).exists()
    # Reference data is not personal: the region-wide analyst reads all of it.
    assert access.countries_for(analyst).count() == Country.objects.count() == 22
    assert access.units_for(analyst).count() == Unit.objects.count()


def test_analyst_scoped_to_one_country_still_sees_no_personal_data(world: dict[str, Org]) -> None:
    scoped = make_staff("analyst-jo", Role.SECRETARIAT_ANALYST, world["JO"])
    assert not access.staff_for(scoped).exists()
    assert not access.audit_events_for(scoped).exists()
    assert set(access.countries_for(scoped)) == {world["JO"].country}


def test_inactive_user_reads_nothing(world: dict[str, Org]) -> None:
    admin = world["JO"].staff[Role.NATIONAL_ADMIN]
    admin.is_active = False
    assert not access.staff_for(admin).exists()
    assert not access.audit_events_for(admin).exists()
    assert not access.units_for(admin).exists()
    assert not access.can_see_personal_data(admin)


def test_user_without_membership_reads_nothing(world: dict[str, Org]) -> None:
    nobody = user_create(actor=None, username="nobody", password="a-long-test-password")
    for selector in (access.staff_for, access.audit_events_for, access.units_for):
        assert not selector(nobody).exists()


def test_anonymous_reads_nothing(world: dict[str, Org]) -> None:
    anonymous = AnonymousUser()
    assert not access.staff_for(anonymous).exists()
    assert not access.audit_events_for(anonymous).exists()
    assert not access.countries_for(anonymous).exists()


def test_two_memberships_add_up(world: dict[str, Org]) -> None:
    """A unit head of one Jordanian unit who is also Egypt's oversight officer."""
    user = make_staff("two-hats", Role.UNIT_HEAD, world["JO"])
    from insaf.accounts.services import membership_grant

    membership_grant(
        actor=None, user=user, role=Role.OVERSIGHT_OFFICER, country=world["EG"].country
    )
    access.forget_memberships(user)
    seen = _names(access.staff_for(user))
    assert _staff_of("EG") <= seen
    assert f"jo-{Role.NATIONAL_ADMIN.value}" not in seen
    assert "jo-sibling" not in seen
    assert {e.country_id for e in access.audit_events_for(user)} == {"EG"}


def test_selectors_scope_in_the_query(
    world: dict[str, Org], django_assert_num_queries: object
) -> None:
    """One query for the memberships, one for the scoped list, however many staff exist."""
    admin = world["JO"].staff[Role.NATIONAL_ADMIN]
    access.forget_memberships(admin)
    with django_assert_num_queries(2):  # type: ignore[operator]
        list(access.staff_for(admin))
