"""Personas and a small organisation tree in two countries, shared by the whole suite."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from insaf.accounts.models import Membership, User
from insaf.accounts.roles import COUNTRY_ROLES, Role
from insaf.accounts.services import membership_grant, user_create
from insaf.core.enums import AgencyType, UnitType
from insaf.core.models import Agency, Country, Unit


@dataclass
class Org:
    """One country's tree: two agencies, the first with two units, the second with one."""

    country: Country
    agency: Agency
    other_agency: Agency
    unit: Unit
    sibling_unit: Unit
    other_unit: Unit
    staff: dict[Role, User] = field(default_factory=dict)


def make_org(code: str) -> Org:
    country = Country.objects.get(pk=code)
    agency = Agency.objects.create(
        country=country,
        code="psd",
        type=AgencyType.PUBLIC_SECURITY,
        name_ar="الأمن العام",
        name_en="Public security",
        name_fr="Sûreté publique",
    )
    other = Agency.objects.create(
        country=country,
        code="corrections",
        type=AgencyType.CORRECTIONS,
        name_ar="الإصلاح",
        name_en="Corrections",
        name_fr="Correction",
    )

    def unit(agency: Agency, code: str, kind: str) -> Unit:
        return Unit.objects.create(
            agency=agency, code=code, type=kind, name_ar=code, name_en=code, name_fr=code
        )

    return Org(
        country=country,
        agency=agency,
        other_agency=other,
        unit=unit(agency, "station-1", UnitType.POLICE_STATION),
        sibling_unit=unit(agency, "station-2", UnitType.POLICE_STATION),
        other_unit=unit(other, "centre-1", UnitType.CORRECTION_CENTRE),
    )


def make_staff(username: str, role: Role, org: Org | None, *, unit: Unit | None = None) -> User:
    """A user with one membership: unit roles in ``unit`` (default the org's first unit),
    country roles in the org's country, the analyst region-wide when ``org`` is None."""
    user = user_create(actor=None, username=username, password="a-long-test-password")
    if role == Role.SECRETARIAT_ANALYST or org is None:
        membership_grant(actor=None, user=user, role=role, country=org.country if org else None)
    elif role in COUNTRY_ROLES:
        membership_grant(actor=None, user=user, role=role, country=org.country)
    else:
        membership_grant(
            actor=None, user=user, role=role, country=org.country, unit=unit or org.unit
        )
    return user


@pytest.fixture
def jordan(db: None) -> Org:
    org = make_org("JO")
    for role in Role:
        if role != Role.SECRETARIAT_ANALYST:
            org.staff[role] = make_staff(f"jo-{role.value}", role, org)
    return org


@pytest.fixture
def egypt(db: None) -> Org:
    org = make_org("EG")
    for role in Role:
        if role != Role.SECRETARIAT_ANALYST:
            org.staff[role] = make_staff(f"eg-{role.value}", role, org)
    return org


@pytest.fixture
def analyst(db: None) -> User:
    return make_staff("analyst", Role.SECRETARIAT_ANALYST, None)


__all__ = ["Membership", "Org", "make_org", "make_staff"]
