"""``insaf sla sweep``: the deadline sweep, for cron where no background worker runs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from insaf.complaints.sla import sla_sweep


class Command(BaseCommand):
    help = "Deadlines. 'sweep' escalates overdue cases (running it twice escalates nothing twice)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("sweep", help="Escalate the cases whose deadlines have passed.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = sla_sweep()
        levels = ", ".join(f"level {k}: {v}" for k, v in report.escalated.items())
        self.stdout.write(
            f"Examined {report.examined} overdue cases; escalated {report.total} ({levels})."
        )
