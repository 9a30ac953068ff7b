"""Audit of authentication: logins, failed logins and logouts (Django's own auth signals)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from insaf.accounts.models import User
from insaf.accounts.services import user_country
from insaf.audit.services import ANONYMOUS, audit_record
from insaf.audit.verbs import Verb

USERNAME_MAX = 150


def client_address(request: HttpRequest | None) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


@receiver(user_logged_in)
def audit_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    with transaction.atomic():
        audit_record(
            actor=user,
            verb=Verb.LOGIN,
            target=user,
            country=user_country(user),
            data={"ip": client_address(request)},
        )


@receiver(user_logged_out)
def audit_logout(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is None:
        return
    with transaction.atomic():
        audit_record(actor=user, verb=Verb.LOGOUT, target=user, country=user_country(user))


@receiver(user_login_failed)
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the username is kept; the password never leaves the form.
    username = str(credentials.get("username", ""))[:USERNAME_MAX]
    known = User.objects.filter(username=username).first()
    with transaction.atomic():
        audit_record(
            actor=None,
            actor_label=ANONYMOUS,
            verb=Verb.LOGIN_FAILED,
            target=known,
            country=user_country(known),
            data={"username": username, "ip": client_address(request)},
        )
