"""``insaf audit verify``: prove that the audit log is whole and unaltered."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from insaf.audit.models import Event
from insaf.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit log tools. 'verify' checks the hash chain from the first event to the last."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify",
            help="Check every event's hash and link; exit 1 naming the first broken event.",
        )
        verify.add_argument(
            "--head",
            help="A head hash recorded earlier: also fail unless that event is still in the chain "
            "(detects events removed from the end).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"Audit log broken at event #{result.broken_seq} (id {result.broken_id}): "
                f"{result.reason}. {result.verified} events before it verified.",
                returncode=1,
            )
        head = options.get("head")
        if head and not Event.objects.filter(hash=head).exists():
            raise CommandError(
                f"Audit log verified up to {result.verified} events, but the recorded head "
                f"{head} is no longer in it: events were removed from the end.",
                returncode=1,
            )
        self.stdout.write(f"Verified {result.verified} audit events. Head: {result.head}")
