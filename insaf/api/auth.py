"""Staff authentication for the API.

- ``Authorization: Bearer <token>``: an ApiToken (insaf/api/models.py). Tokens are 43 random
  url-safe characters after ``insaf_``; only their SHA-256 is stored, with the first characters
  kept as a prefix to tell tokens apart. A token acts as its user, with that user's memberships;
  a revoked or expired token, or one of a deactivated user, is refused.
- A signed-in Django session that owes no second factor (the same rule as the pages:
  insaf/accounts/middleware.py), with the CSRF token on unsafe methods.

A request that sends a bearer token is judged on the token alone (a wrong token is 401 even with
a session). Everything else is 401 ``unauthenticated``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from insaf.accounts.middleware import needs_second_factor
from insaf.accounts.models import User
from insaf.accounts.services import user_country
from insaf.api.errors import CsrfFailed, Unauthenticated
from insaf.api.models import ApiToken
from insaf.audit.services import audit_record
from insaf.audit.verbs import Verb

TOKEN_PREFIX = "insaf_"  # noqa: S105  (a marker, not a secret)
PREFIX_CHARS = len(TOKEN_PREFIX) + 6
# last_used_at is written at most this often per token, not on every request.
LAST_USED_PRECISION = dt.timedelta(minutes=5)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(
    *, user: User, name: str = "", expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user``: the row, and the token itself (shown once, never stored)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user,
            name=name.strip()[:100],
            prefix=token[:PREFIX_CHARS],
            digest=token_digest(token),
            created_at=timezone.now(),
            expires_at=expires_at,
        )
        audit_record(
            actor=None,
            verb=Verb.API_TOKEN_CREATED,
            target=row,
            country=user_country(user),
            data={"user": user.get_username(), "prefix": row.prefix, "name": row.name},
        )
    return row, token


def token_revoke(token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(
                actor=None,
                verb=Verb.API_TOKEN_REVOKED,
                target=token,
                country=user_country(token.user),
                data={"prefix": token.prefix},
            )
    return token


def user_for_token(token: str) -> User | None:
    """The active user a valid token acts as; None for anything else."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(token), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if row is None or not row.user.is_active or (row.expires_at and row.expires_at <= now):
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


class BearerToken(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        if not header:
            return None
        scheme, _sep, token = header.strip().partition(" ")
        if scheme.lower() != "bearer":
            raise Unauthenticated()
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = user_for_token(token)
        if user is None:
            raise Unauthenticated()
        request.user = user
        return user


class VerifiedSession(APIKeyCookie):
    """Django's session cookie, for a user who passed the second factor."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, once we know there is a session

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if not key or user is None or not user.is_authenticated or not user.is_active:
            return None
        # The same rule as the pages: a session that still owes its second factor is refused.
        if needs_second_factor(request):
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise CsrfFailed()
        return user  # type: ignore[no-any-return]


STAFF_AUTH = [BearerToken(), VerifiedSession()]


def acting_user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise Unauthenticated()
    return user
