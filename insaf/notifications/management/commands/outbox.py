"""``insaf outbox send`` (for cron, when no background worker runs) and ``insaf outbox status``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count

from insaf.notifications.models import Channel, OutboxMessage, OutboxStatus
from insaf.notifications.sending import send_due


class Command(BaseCommand):
    help = "The notification outbox: send what is due, or count messages by status and channel."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser(
            "send", help="Send the messages that are due (retries included) and print a report."
        )
        send.add_argument(
            "--limit",
            type=int,
            default=100,
            help="Send at most this many messages (default 100).",
        )
        sub.add_parser("status", help="Count the messages by status and channel.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "send":
            report = send_due(limit=options["limit"])
            self.stdout.write(f"Outbox: {report}.")
        else:
            self._status()

    def _status(self) -> None:
        counts = {
            (row["status"], row["channel"]): row["n"]
            for row in OutboxMessage.objects.values("status", "channel")
            .annotate(n=Count("pk"))
            .order_by()
        }
        channels = list(Channel.values)
        self.stdout.write(f"{'status':<10}" + "".join(f"{c:>8}" for c in [*channels, "total"]))
        for status in OutboxStatus.values:
            row = [counts.get((status, channel), 0) for channel in channels]
            self.stdout.write(f"{status:<10}" + "".join(f"{n:>8}" for n in [*row, sum(row)]))
