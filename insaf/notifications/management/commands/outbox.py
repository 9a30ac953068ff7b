"""``insaf outbox send`` (for cron, when no background worker runs) and ``insaf outbox status``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from insaf.core.commands import InsafCommand, display_width, pad
from insaf.notifications.models import Channel, OutboxMessage, OutboxStatus
from insaf.notifications.sending import send_due

AUDIENCE = "audience"


class Command(InsafCommand):
    summary = gettext_lazy("Send the notifications that are due; count them by status.")
    help = gettext_lazy(
        "The notification outbox: send what is due, or count messages by status and channel."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser(
            "send", help=_("Send the messages that are due (retries included) and print a report.")
        )
        send.add_argument(
            "--limit",
            type=int,
            default=100,
            help=_("Send at most this many messages (default 100)."),
        )
        sub.add_parser(
            "status",
            help=_("Count the messages by status and channel (messages to an audience apart)."),
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
        # Headings and statuses in the command's language, each column as wide as its words.
        status = _("Status")
        headings = [
            *(str(label) for label in Channel.labels),
            pgettext("outbox status column", "Audience"),
            _("Total"),
        ]
        labels = [str(label) for label in OutboxStatus.labels]
        first = max(10, *(display_width(text) + 2 for text in [status, *labels]))
        widths = [max(9, display_width(heading) + 2) for heading in headings]

        def line(label: str, cells: list[Any]) -> str:
            return pad(label, first) + "".join(
                pad(str(cell), width, right=True) for cell, width in zip(cells, widths, strict=True)
            )

        self.stdout.write(line(status, headings))
        for value, label in zip(OutboxStatus.values, labels, strict=True):
            numbers = [counts.get((value, column), 0) for column in columns]
            self.stdout.write(line(label, [*numbers, sum(numbers)]))
