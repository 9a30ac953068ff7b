"""The home page, languages, the admin and the security headers, through Django's test client."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from insaf.accounts.models import User

pytestmark = pytest.mark.django_db
HOME = reverse("core:home")


def test_home_is_arabic_and_right_to_left_by_default(client: Client) -> None:
    response = client.get(HOME, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html
    assert response["Content-Language"] == "ar"
    assert "الأردن" in html  # the node's country, by its Arabic short name


@pytest.mark.parametrize("language,name", [("en", "Jordan"), ("fr", "Jordanie")])
def test_switching_language_sticks(client: Client, language: str, name: str) -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": HOME})
    assert response.status_code == 302
    page = client.get(HOME).content.decode()
    assert f'<html lang="{language}" dir="ltr">' in page
    assert "bootstrap.min.css" in page and "bootstrap.rtl.min.css" not in page
    assert name in page


def test_unknown_language_falls_back_to_arabic(client: Client) -> None:
    client.cookies["django_language"] = "de"
    assert '<html lang="ar" dir="rtl">' in client.get(HOME).content.decode()


def test_security_headers(client: Client) -> None:
    response = client.get(HOME)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_session_cookie_is_secure_outside_the_demo(client: Client, analyst: User) -> None:
    client.post(
        reverse("accounts:login"), {"username": "analyst", "password": "a-long-test-password"}
    )
    cookie = client.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"]


def test_health(client: Client) -> None:
    assert client.get(reverse("core:health")).content == b"ok"


def test_admin_requires_sign_in(client: Client) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302
    login = client.get(response["Location"])
    assert login.status_code == 302
    assert login["Location"].startswith(reverse("accounts:login"))


def test_demo_banner_absent_in_production(client: Client) -> None:
    assert "demo-warning" not in client.get(HOME).content.decode()
