"""Second factor: a signed-in user who can see personal data must pass TOTP before anything else."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from insaf.accounts.access import can_see_personal_data

# Paths a half-signed-in user may still reach: the second-factor pages, logout, assets, language.
# The API answers an unverified session itself, with a JSON 401 (insaf/api/auth.py).
_OPEN_PREFIXES = ("/static/", "/i18n/", "/api/")


def needs_second_factor(request: HttpRequest) -> bool:
    user = request.user
    if not settings.INSAF_REQUIRE_2FA or not user.is_authenticated:
        return False
    # django-otp's middleware adds is_verified() to the user object.
    if user.is_verified():  # type: ignore[attr-defined]
        return False
    return bool(user.is_superuser or user.is_staff or can_see_personal_data(user))


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The open paths first: they need no look-up of the session's user (a public API call
        # has no session at all).
        if not request.path.startswith(_OPEN_PREFIXES) and needs_second_factor(request):
            allowed = (
                reverse("accounts:two_factor"),
                reverse("accounts:logout"),
            )
            if request.path not in allowed:
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('accounts:two_factor')}?{query}")
        return self.get_response(request)
