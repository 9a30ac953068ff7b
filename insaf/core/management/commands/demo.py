"""``insaf demo``: load demonstration data for this node's country and print the logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from insaf.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load demonstration organisations and one staff user per role (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("insaf demo creates known passwords: run it only with INSAF_DEMO=1.")
        translation.activate("en")
        logins = load_demo(settings.INSAF_COUNTRY)
        self.stdout.write(
            f"Demo data loaded for {settings.INSAF_COUNTRY}. Logins (password "
            f"'{DEMO_PASSWORD}' for all):"
        )
        for login in logins:
            self.stdout.write(f"  {login.username:<14} {login.role.label:<34} {login.scope}")
        if not settings.INSAF_REQUIRE_2FA:
            self.stdout.write(
                self.style.WARNING(
                    "Two-factor login is switched off for the demo (INSAF_REQUIRE_2FA=0)."
                )
            )
