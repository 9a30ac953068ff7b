"""``insaf api token create|list|revoke``: API tokens for staff programs.

``create`` prints the token once; only its SHA-256 is stored, so a lost token cannot be shown
again (revoke it and create another).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from insaf.accounts.models import User
from insaf.api.auth import token_create, token_revoke
from insaf.api.models import ApiToken
from insaf.core.commands import InsafCommand


class Command(InsafCommand):
    summary = gettext_lazy("API tokens for staff: create, list, revoke.")
    help = gettext_lazy(
        "API tokens: 'token create USERNAME', 'token list [USERNAME]', 'token revoke PREFIX'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        resources = parser.add_subparsers(dest="resource", required=True)
        token = resources.add_parser("token", help=_("Bearer tokens acting as one staff user."))
        actions = token.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help=_("Create a token and print it once."))
        create.add_argument("username")
        create.add_argument("--name", default="", help=_("What the token is for."))
        create.add_argument(
            "--days",
            type=int,
            default=None,
            help=_("Expire after this many days (default: never)."),
        )
        listing = actions.add_parser("list", help=_("List tokens (prefixes, never the tokens)."))
        listing.add_argument("username", nargs="?")
        revoke = actions.add_parser("revoke", help=_("Revoke the token with this prefix."))
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options["username"], options["name"], options["days"])
        elif action == "list":
            self._list(options.get("username"))
        else:
            self._revoke(options["prefix"])

    def _create(self, username: str, name: str, days: int | None) -> None:
        user = User.objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(
                _("No active staff user named %(username)s.") % {"username": repr(username)}
            )
        if days is not None and days < 1:
            raise CommandError(_("--days must be 1 or more."))
        expires = timezone.now() + dt.timedelta(days=days) if days else None
        row, token = token_create(user=user, name=name, expires_at=expires)
        self.stdout.write(token)
        if row.expires_at:
            message = _(
                "Token %(prefix)s… for %(username)s, expires %(date)s. Store it now: it is not "
                "kept and cannot be shown again."
            )
        else:
            message = _(
                "Token %(prefix)s… for %(username)s. Store it now: it is not kept and cannot be "
                "shown again."
            )
        self.stderr.write(
            message
            % {
                "prefix": row.prefix,
                "username": user.username,
                "date": f"{row.expires_at:%Y-%m-%d}" if row.expires_at else "",
            }
        )

    def _list(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
        if username:
            tokens = tokens.filter(user__username=username)
        for row in tokens:
            # A token's state, in a context of its own: "revoked" alone is a column heading.
            if row.revoked_at:
                state = pgettext("API token", "revoked")
            elif row.expires_at and row.expires_at <= timezone.now():
                state = pgettext("API token", "expired")
            else:
                state = pgettext("API token", "active")
            if row.last_used_at:
                used = _("used %(when)s") % {"when": f"{row.last_used_at:%Y-%m-%d %H:%M}"}
            else:
                used = _("used never")
            self.stdout.write(
                f"{row.prefix:<14} {row.user.username:<20} {state:<8} {used:<21} {row.name}"
            )

    def _revoke(self, prefix: str) -> None:
        prefix = prefix.rstrip("…")
        matches = list(ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True))
        if len(matches) != 1:
            raise CommandError(
                _("%(count)s active tokens have the prefix %(prefix)s; give exactly one.")
                % {"count": len(matches), "prefix": repr(prefix)}
            )
        token_revoke(matches[0])
        self.stdout.write(_("Revoked %(prefix)s…") % {"prefix": prefix})
