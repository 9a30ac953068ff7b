"""``insaf outbox send`` (for cron, when no background worker runs) and ``insaf outbox status``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.db.models import Count
from django.utils.translation import gettext as _

from insaf.core.commands import InsafCommand
from insaf.notifications.models import Channel, OutboxMessage, OutboxStatus
from insaf.notifications.sending import send_due

AUDIENCE = "audience"


class Command(InsafCommand):
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
        sub.add_parser(
            "status",
            help="Count the messages by status and channel (messages to an audience apart).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "send":
            report = send_due(limit=options["limit"])
            self.stdout.write(_("Outbox: %(report)s.") % {"report": report})
        else:
            self._status()

    def _status(self) -> None:
        """Messages to one recipient by channel; messages to an audience (a role in a country,
        split into one message per person when sent) in a column of their own."""
        rows = OutboxMessage.objects.order_by()
        counts = {
            (row["status"], row["channel"]): row["n"]
            for row in rows.filter(audience="").values("status", "channel").annotate(n=Count("pk"))
        }
        for row in rows.exclude(audience="").values("status").annotate(n=Count("pk")):
            counts[(row["status"], AUDIENCE)] = row["n"]
        columns = [*Channel.values, AUDIENCE]
        self.stdout.write(f"{'status':<10}" + "".join(f"{c:>9}" for c in [*columns, "total"]))
        for status in OutboxStatus.values:
            numbers = [counts.get((status, column), 0) for column in columns]
            self.stdout.write(
                f"{status:<10}" + "".join(f"{n:>9}" for n in [*numbers, sum(numbers)])
            )
