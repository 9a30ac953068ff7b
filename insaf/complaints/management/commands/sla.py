"""``insaf sla sweep``: the deadline sweep, for cron where no background worker runs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from insaf.complaints.sla import sla_sweep
from insaf.core.commands import InsafCommand


class Command(InsafCommand):
    summary = gettext_lazy("Escalate overdue cases.")
    help = gettext_lazy(
        "Deadlines. 'sweep' escalates overdue cases (running it twice escalates nothing twice)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("sweep", help=_("Escalate the cases whose deadlines have passed."))

    def handle(self, *args: Any, **options: Any) -> None:
        report = sla_sweep()
        levels = pgettext("list separator", ", ").join(
            _("level %(level)s: %(count)s") % {"level": level, "count": count}
            for level, count in report.escalated.items()
        )
        self.stdout.write(
            ngettext(
                "Examined %(count)s overdue case; escalated %(total)s (%(levels)s).",
                "Examined %(count)s overdue cases; escalated %(total)s (%(levels)s).",
                report.examined,
            )
            % {"count": report.examined, "total": report.total, "levels": levels}
        )
