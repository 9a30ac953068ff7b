"""Template context shared by every page: the node, its mode and the demo warning."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language_bidi

from insaf.accounts.access import roles_of
from insaf.accounts.roles import DASHBOARD_ROLES, LEXICON_ROLES


def node(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    return {
        "INSAF_MODE": settings.INSAF_MODE,
        "INSAF_COUNTRY": settings.INSAF_COUNTRY,
        "INSAF_DEMO": settings.DEMO,
        "SECOND_FACTOR_OFF": not settings.INSAF_REQUIRE_2FA,
        "LANGUAGE_DIR": "rtl" if get_language_bidi() else "ltr",
        "SEES_DASHBOARD": bool(roles_of(user) & DASHBOARD_ROLES) if user else False,
        "EDITS_LEXICON": bool(roles_of(user) & LEXICON_ROLES) if user else False,
    }
