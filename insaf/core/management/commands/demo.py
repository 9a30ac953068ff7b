"""``insaf demo``: load demonstration data for this node's country and print the logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insaf.core.commands import InsafCommand, display_width, pad
from insaf.core.demo import DEMO_PASSWORD, load_demo


class Command(InsafCommand):
    summary = gettext_lazy("Load the demonstration data (with INSAF_DEMO=1).")
    help = gettext_lazy(
        "Load demonstration organisations and one staff user per role (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError(
                _("insaf demo creates known passwords: run it only with INSAF_DEMO=1.")
            )
        logins = load_demo(settings.INSAF_COUNTRY)
        self.stdout.write(
            _("Demo data loaded for %(country)s. Logins (password '%(password)s' for all):")
            % {"country": settings.INSAF_COUNTRY, "password": DEMO_PASSWORD}
        )
        # Roles are named in the command's language: their column is as wide as the longest.
        roles = [str(login.role.label) for login in logins]
        user_width = max(len(login.username) for login in logins)
        role_width = max(display_width(role) for role in roles)
        for login, role in zip(logins, roles, strict=True):
            self.stdout.write(
                f"  {login.username:<{user_width}}  {pad(role, role_width)}  {login.scope}"
            )
        if not settings.INSAF_REQUIRE_2FA:
            self.stdout.write(
                self.style.WARNING(
                    _("Two-factor login is switched off for the demo (INSAF_REQUIRE_2FA=0).")
                )
            )
