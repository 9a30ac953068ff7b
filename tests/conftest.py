"""Personas and a small organisation tree in two countries, shared by the whole suite."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from insaf.accounts.models import Membership, User
from insaf.accounts.roles import COUNTRY_ROLES, Role
from insaf.accounts.services import membership_grant, user_create
from insaf.complaints.models import CountryPolicy
from insaf.core.enums import AgencyType, UnitType
from insaf.core.models import Agency, Country, Unit
from tests.servers import run_insaf

# Tests that share an expensive session fixture run in one worker when the suite runs in
# parallel (scripts/run_tests.py: pytest-xdist, --dist loadgroup): the browser tests' servers and
# Chromium, and the development set's model, so that the other workers go on with the rest instead
# of starting the same servers or waiting for the model. The model's group comes first: its worker
# trains (a minute or more) while the others take everything else.
SHARED_FIXTURE_GROUPS = {"chromium": "browser", "trained": "triage-model"}
FIRST_GROUP = "triage-model"


def _in_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")  # set by pytest-xdist in its worker processes


def _group(item: pytest.Item) -> str | None:
    names = getattr(item, "fixturenames", ())
    return next((g for fixture, g in SHARED_FIXTURE_GROUPS.items() if fixture in names), None)


def pytest_itemcollected(item: pytest.Item) -> None:
    # Marked as collected, before any plugin's reordering reads the marks.
    group = _group(item)
    if group is not None and _in_worker(item.config):
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _in_worker(config):
        items.sort(key=lambda item: _group(item) != FIRST_GROUP)  # stable: the rest keep order


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


@pytest.fixture(autouse=True)
def _sender_kick_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test may wake the notification sender at once (outside tests, once a second)."""
    from insaf.notifications import services

    monkeypatch.setattr(services, "_last_kick", 0.0)


@pytest.fixture(autouse=True)
def _fresh_country_config() -> Iterator[None]:
    """Each test's rows are rolled back, so no configuration cached by one may reach the next."""
    from insaf.complaints.config import forget
    from insaf.complaints.services.intake import forget_sequences

    forget()
    forget_sequences()
    yield
    forget()
    forget_sequences()


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
def oversight_unit(jordan: Org) -> Unit:
    return Unit.objects.create(
        agency=jordan.other_agency,
        code="oversight",
        type=UnitType.DEPARTMENT,
        name_ar="الرقابة",
        name_en="Oversight",
        name_fr="Contrôle",
    )


@pytest.fixture
def policy(jordan: Org, oversight_unit: Unit) -> CountryPolicy:
    """Cases go to the first unit by default, grave ones to the oversight unit."""
    return CountryPolicy.objects.create(
        country=jordan.country, intake_unit=jordan.unit, oversight_unit=oversight_unit
    )


@pytest.fixture
def analyst(db: None) -> User:
    return make_staff("analyst", Role.SECRETARIAT_ANALYST, None)


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        import psycopg

        db = settings.DATABASES["default"]
        name = f"insaf_concurrency_{uuid.uuid4().hex[:8]}"
        admin = f"host={db['HOST']} port={db['PORT'] or 5432} user={db['USER']} dbname=postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
        try:
            yield env
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
        yield env


def sign_in_with_second_factor(client: Client, user: User) -> Client:
    """Leave ``client`` signed in as the sign-in pages would: password and a confirmed TOTP
    device verified in the session."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


__all__ = ["Membership", "Org", "make_org", "make_staff", "run_insaf"]
