"""``insaf import FILE``: import historical cases from a JSONL or CSV file (see bulk.py).

Every record is checked before anything is written; bad records are listed by line number with the
field and the reason, and the command then exits with status 1 having imported nothing. Records
already imported (same country and external id) are skipped, so the command can be run again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from insaf.complaints.bulk import (
    BatchFailed,
    ImportFileError,
    ProgressBar,
    default_workers,
    import_file,
)
from insaf.core.commands import InsafCommand


class Command(InsafCommand):
    summary = gettext_lazy("Import historical cases from a JSON Lines or CSV file.")
    reads_lexicon = True
    help = gettext_lazy(
        "Import historical cases of this node's member state from a .jsonl or .csv file: checked "
        "first (nothing is imported if any record is bad), then written in batches; records "
        "already present are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, help=_("A .jsonl (one JSON object a line) or .csv file.")
        )
        parser.add_argument(
            "--country",
            help=_(
                "ISO code of the country imported: the country of records that name none; a "
                "record naming another country is an error."
            ),
        )
        parser.add_argument(
            "--user",
            help=_(
                "Username of the member of staff doing the import (recorded on the cases and in "
                "the audit log). Default: the system."
            ),
        )
        parser.add_argument(
            "--batch", type=int, default=1000, help=_("Cases per transaction (default 1000).")
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help=_("Processes preparing and writing batches (default: one per CPU, at most 4)."),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Check the file and count what would be imported; write nothing."),
        )
        parser.add_argument(
            "--no-progress", action="store_true", help=_("No progress bar on standard error.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            raise CommandError(_("--batch must be at least 1."))
        if options["workers"] < 1:
            raise CommandError(_("--workers must be at least 1."))
        user = self.active_user(options["user"])
        progress = None
        if not options["no_progress"]:
            progress = ProgressBar(
                lambda text: self.stderr.write(text, ending=""), tty=self.stderr.isatty()
            )
        try:
            report = import_file(
                options["file"],
                country=options["country"],
                user=user,
                batch_size=options["batch"],
                dry_run=options["dry_run"],
                progress=progress,
                workers=options["workers"],
            )
        except ImportFileError as exc:
            raise CommandError(str(exc), returncode=2) from None
        except BatchFailed as exc:
            raise CommandError(
                _(
                    "Import stopped: %(reason)s. The batches written before it stay imported; run "
                    "the same import again to finish (records already imported are skipped)."
                )
                % {"reason": exc},
                returncode=3,
            ) from None
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            hidden = report.error_count - len(report.errors)
            if hidden:
                self.stderr.write(
                    ngettext(
                        "... and %(count)s more error.", "... and %(count)s more errors.", hidden
                    )
                    % {"count": hidden}
                )
            # Two counts in one sentence: each with its noun in the form its number needs.
            errors = ngettext("%(count)s error", "%(count)s errors", report.error_count) % {
                "count": report.error_count
            }
            raise CommandError(
                ngettext(
                    # Translators: %(errors)s is "N errors", translated on its own.
                    "%(errors)s in %(count)s record: nothing was imported.",
                    "%(errors)s in %(count)s records: nothing was imported.",
                    report.records,
                )
                % {"errors": errors, "count": report.records},
                returncode=1,
            )
        self.stdout.write(report.summary())
