"""Dates in the country's time zone, Gregorian or Hijri (Umm al-Qura) as the user chose."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation

from insaf.accounts.models import User
from insaf.accounts.roles import Role
from insaf.audit.models import Event
from insaf.audit.verbs import Verb
from insaf.core.dates import hijri_text, when
from tests.conftest import Org, sign_in_with_second_factor

# 23:30 UTC on 28 November 2026 is already the 29th in Riyadh (UTC+3): 19 Jumada al-Akhirah 1448.
LATE = dt.datetime(2026, 11, 28, 23, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("day", "language", "text"),
    [
        (dt.date(2026, 11, 29), "ar", "19 جمادى الآخرة 1448 هـ"),
        (dt.date(2026, 11, 29), "en", "19 Jumada al-Akhirah 1448 AH"),
        (dt.date(2025, 3, 1), "ar", "1 رمضان 1446 هـ"),
    ],
)
def test_hijri_days(day: dt.date, language: str, text: str) -> None:
    assert hijri_text(day, language) == text


def test_out_of_range_days_stay_gregorian() -> None:
    assert hijri_text(dt.date(1900, 1, 1), "ar") is None
    with translation.override("en"):
        assert "1900" in when(dt.datetime(1900, 1, 1, 12, tzinfo=dt.UTC), "UTC", "hijri")


def test_the_local_day_decides() -> None:
    with translation.override("ar"):
        assert when(LATE, "Asia/Riyadh", "hijri") == "19 جمادى الآخرة 1448 هـ، 02:30"
        assert when(LATE, "Asia/Riyadh", "hijri", time=False) == "19 جمادى الآخرة 1448 هـ"
        assert when(LATE, "Asia/Riyadh") == "29 نوفمبر 2026، 02:30"
        assert when(LATE, "UTC") == "28 نوفمبر 2026، 23:30"


@pytest.mark.django_db
def test_a_user_chooses_hijri_dates(jordan: Org) -> None:
    user = jordan.staff[Role.UNIT_HEAD]
    client = sign_in_with_second_factor(Client(), user)
    page = client.get("/accounts/preferences/").content.decode()
    assert 'value="hijri"' in page
    chosen = {"calendar": "moon", "language": "ar"}
    assert client.post("/accounts/preferences/", chosen).status_code == 200
    assert User.objects.get(pk=user.pk).calendar == "gregorian"
    chosen["calendar"] = "hijri"
    assert client.post("/accounts/preferences/", chosen).status_code == 302
    assert User.objects.get(pk=user.pk).calendar == "hijri"
    assert Event.objects.filter(verb=Verb.USER_CHANGED, data__new__calendar="hijri").exists()
    assert "هـ" in client.get("/accounts/preferences/").content.decode()


@pytest.mark.django_db
def test_a_user_chooses_the_language_of_their_emails(jordan: Org) -> None:
    user = jordan.staff[Role.OVERSIGHT_OFFICER]
    assert user.language == "ar"  # the default language until they choose
    client = sign_in_with_second_factor(Client(), user)
    page = client.get("/accounts/preferences/").content.decode()
    assert 'name="language" value="fr"' in page
    refused = client.post("/accounts/preferences/", {"calendar": "gregorian", "language": "de"})
    assert refused.status_code == 200
    assert User.objects.get(pk=user.pk).language == "ar"
    chosen = {"calendar": "gregorian", "language": "fr"}
    assert client.post("/accounts/preferences/", chosen).status_code == 302
    assert User.objects.get(pk=user.pk).language == "fr"
    assert Event.objects.filter(verb=Verb.USER_CHANGED, data__new__language="fr").exists()
