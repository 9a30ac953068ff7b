"""``insaf export``: write cases to CSV or JSONL, without identities unless asked and allowed.

See insaf/complaints/export.py. The data goes to ``--output`` (created readable by its owner only)
or to standard output; the summary goes to standard error.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insaf.complaints.export import FORMATS, ExportRefused, check_export, export_cases
from insaf.core.commands import InsafCommand


class _Stdout:
    """The command's standard output as a plain stream (no line endings added)."""

    def __init__(self, command: BaseCommand) -> None:
        self.command = command

    def write(self, text: str) -> None:
        self.command.stdout.write(text, ending="")


class Command(InsafCommand):
    summary = gettext_lazy("Export cases to CSV or JSON Lines, without identities by default.")
    help = gettext_lazy(
        "Export cases to CSV or JSONL. Identities are left out unless --with-identity is given "
        "with --user and --reason; the export is audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument(
            "--output", type=Path, help=_("File to write (default: standard output).")
        )
        parser.add_argument("--country", help=_("Only the cases of this country (ISO code)."))
        parser.add_argument(
            "--user",
            help=_(
                "Username of the member of staff exporting: only the cases they may see; "
                "required with --with-identity."
            ),
        )
        parser.add_argument(
            "--with-identity",
            action="store_true",
            help=_(
                "Add the complainant's name, phone, e-mail and national ID where this user may "
                "see them."
            ),
        )
        parser.add_argument(
            "--reason", default="", help=_("Why identities are exported (audited).")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.active_user(options["user"])
        arguments: dict[str, Any] = {
            "format": options["format"],
            "country": options["country"],
            "user": user,
            "with_identity": options["with_identity"],
            "reason": options["reason"],
        }
        try:
            check_export(
                format=arguments["format"],
                user=user,
                with_identity=arguments["with_identity"],
                reason=arguments["reason"],
                country=arguments["country"],
            )
        except ExportRefused as exc:
            raise CommandError(_("Export refused: %(reason)s") % {"reason": exc}) from None
        output: Path | None = options["output"]
        if output is None:
            report = export_cases(_Stdout(self), **arguments)
        else:
            try:
                descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                raise CommandError(
                    _("%(file)s exists: choose a new file.") % {"file": output}
                ) from None
            except OSError as exc:
                raise CommandError(f"{output}: {exc.strerror or exc}") from None
            with open(descriptor, "w", encoding="utf-8", newline="") as stream:
                report = export_cases(stream, **arguments)
        self.stderr.write(report.summary())
