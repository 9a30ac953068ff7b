"""The Django admin writes through the audited services and lists only what selectors allow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from insaf.accounts.admin import MembershipAdmin, UserAdmin
from insaf.accounts.models import Membership, User
from insaf.accounts.roles import Role
from insaf.accounts.services import user_update
from insaf.audit.admin import EventAdmin
from insaf.audit.models import Event
from insaf.audit.verbs import Verb
from insaf.core.models import Holiday
from tests.conftest import Org, sign_in_with_second_factor


def _verified_client(user: User) -> Client:
    return sign_in_with_second_factor(Client(), user)


@pytest.fixture
def superuser(jordan: Org) -> User:
    user = jordan.staff[Role.SYSTEM_ADMIN]
    return user_update(actor=None, user=user, is_staff=True, is_superuser=True)


def test_adding_a_user_is_audited(superuser: User) -> None:
    client = _verified_client(superuser)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "new-officer",
            "password1": "a-long-enough-pass-123",
            "password2": "a-long-enough-pass-123",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="new-officer")
    assert user.check_password("a-long-enough-pass-123")
    event = Event.objects.get(verb=Verb.USER_CREATED, target_id=str(user.pk))
    assert event.actor == superuser


def test_changing_access_flags_is_audited(superuser: User, jordan: Org) -> None:
    officer = jordan.staff[Role.INVESTIGATOR]
    client = _verified_client(superuser)
    response = client.post(
        f"/admin/accounts/user/{officer.pk}/change/",
        {
            "username": officer.username,
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "is_staff": "on",
        },
    )
    assert response.status_code == 302
    event = Event.objects.filter(verb=Verb.USER_CHANGED, target_id=str(officer.pk)).latest("seq")
    assert event.data == {"old": {"is_staff": False}, "new": {"is_staff": True}}
    assert event.actor == superuser
    assert event.country_id == "JO"


def test_password_change_in_the_admin_is_audited(superuser: User, jordan: Org) -> None:
    officer = jordan.staff[Role.INVESTIGATOR]
    client = _verified_client(superuser)
    response = client.post(
        f"/admin/accounts/user/{officer.pk}/password/",
        {
            "password1": "another-long-pass-456",
            "password2": "another-long-pass-456",
            "usable_password": "true",
            "set-password": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    officer.refresh_from_db()
    assert officer.check_password("another-long-pass-456")
    event = Event.objects.filter(verb=Verb.USER_PASSWORD_SET).latest("seq")
    assert event.actor == superuser and event.target_id == str(officer.pk)
    assert event.data == {"usable": True}
    assert "another-long-pass-456" not in str(event.data)


def test_grant_and_revoke_through_the_admin_are_audited(superuser: User, jordan: Org) -> None:
    client = _verified_client(superuser)
    officer = jordan.staff[Role.INVESTIGATOR]
    response = client.post(
        "/admin/accounts/membership/add/",
        {
            "user": officer.pk,
            "role": Role.UNIT_HEAD,
            "country": "JO",
            "unit": jordan.sibling_unit.pk,
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=officer, role=Role.UNIT_HEAD)
    assert membership.agency == jordan.agency  # filled in from the unit
    granted = Event.objects.filter(verb=Verb.MEMBERSHIP_GRANTED).latest("seq")
    assert granted.actor == superuser and granted.target_id == str(membership.pk)

    response = client.post(f"/admin/accounts/membership/{membership.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    revoked = Event.objects.filter(verb=Verb.MEMBERSHIP_REVOKED).latest("seq")
    assert revoked.data["old"]["role"] == Role.UNIT_HEAD


def test_a_grant_that_does_not_fit_the_role_is_refused(superuser: User, jordan: Org) -> None:
    client = _verified_client(superuser)
    client.cookies["django_language"] = "en"
    before = Event.objects.count()
    response = client.post(
        "/admin/accounts/membership/add/",
        {"user": jordan.staff[Role.INVESTIGATOR].pk, "role": Role.INTAKE_OFFICER, "country": "JO"},
    )
    assert response.status_code == 200
    assert "This role works inside a unit" in response.content.decode()
    assert Event.objects.count() == before
    assert not Membership.objects.filter(role=Role.INTAKE_OFFICER, unit__isnull=True).exists()


def test_adding_a_holiday_through_the_admin_is_audited(superuser: User) -> None:
    client = _verified_client(superuser)
    response = client.post(
        "/admin/core/holiday/add/", {"country": "JO", "date": "2026-05-25", "name": "عيد الاستقلال"}
    )
    assert response.status_code == 302
    holiday = Holiday.objects.get(country="JO", date=dt.date(2026, 5, 25))
    event = Event.objects.filter(verb=Verb.HOLIDAY_ADDED).latest("seq")
    assert event.target_id == str(holiday.pk) and event.actor == superuser


def test_audit_events_cannot_be_changed_in_the_admin(superuser: User) -> None:
    client = _verified_client(superuser)
    event = Event.objects.first()
    assert event is not None
    assert client.post(f"/admin/audit/event/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/audit/event/add/").status_code == 403


@pytest.mark.parametrize(
    "model_admin,model",
    [(UserAdmin, User), (MembershipAdmin, Membership), (EventAdmin, Event)],
)
def test_admin_lists_are_scoped_for_non_superusers(
    jordan: Org, egypt: Org, model_admin: type, model: type
) -> None:
    head = jordan.staff[Role.UNIT_HEAD]
    request = RequestFactory().get("/admin/")
    request.user = head
    listed = model_admin(model, admin.site).get_queryset(request)
    everything = model.objects.all()  # type: ignore[attr-defined]
    assert listed.count() < everything.count()
    if model is User:
        assert set(listed) == set(User.objects.filter(memberships__unit=jordan.unit))
    if model is Event:
        assert not listed.exists()


def test_user_update_records_only_what_changed(jordan: Org) -> None:
    officer = jordan.staff[Role.INTAKE_OFFICER]
    before = Event.objects.count()
    user_update(actor=None, user=officer, is_active=True, email="")
    assert Event.objects.count() == before
    with pytest.raises(ValueError, match="password"):
        user_update(actor=None, user=officer, password="x")


@pytest.mark.parametrize(
    "path", ["/admin/core/unit/", "/admin/core/agency/", "/admin/core/holiday/"]
)
def test_reference_data_admin_is_scoped_for_non_superusers(
    jordan: Org, egypt: Org, path: str
) -> None:
    from insaf.core.admin import AgencyAdmin, HolidayAdmin, UnitAdmin
    from insaf.core.models import Agency, Unit

    model_admin, model = {
        "/admin/core/unit/": (UnitAdmin, Unit),
        "/admin/core/agency/": (AgencyAdmin, Agency),
        "/admin/core/holiday/": (HolidayAdmin, Holiday),
    }[path]
    Holiday.objects.create(country=egypt.country, date=dt.date(2026, 7, 23), name="Revolution")
    request = RequestFactory().get(path)
    request.user = jordan.staff[Role.NATIONAL_ADMIN]
    listed = model_admin(model, admin.site).get_queryset(request)
    country_of = {
        Unit: "agency__country_id",
        Agency: "country_id",
        Holiday: "country_id",
    }[model]
    assert not listed.filter(**{country_of: "EG"}).exists()
    assert model.objects.filter(**{country_of: "EG"}).exists()
