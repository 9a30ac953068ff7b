"""``insaf search "QUERY"``: search cases from the command line; ``insaf search reindex``;
``insaf search status``.

    insaf search "تعذيب مركز" --limit 5
    insaf search "رشوة OR واسطة" --json --status registered --grave yes
    insaf search reindex            # rebuild the whole index, with a progress bar
    insaf search status             # entries written by an older analyser, lexicon or release?

The query language is the officers' (insaf/search/query.py). Without ``--user`` every case is
searched (whoever runs this holds the database anyway); with it, exactly that user's scope. With
``--json`` the output is a JSON array of {reference, external_id, score, snippet, exact, matched},
best first; ``matched`` says why a case found by meaning matched ("bribery — حق الشاي"), else
null.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from insaf.complaints.bulk import ProgressBar
from insaf.core.commands import InsafCommand
from insaf.search.indexing import entry_version, reindex, stale_entries
from insaf.search.models import SearchEntry
from insaf.search.query import QueryError
from insaf.search.services import Filters, search
from insaf.triage.labels import Category, Kind, Priority, Vulnerable

_TAGS = re.compile(r"</?mark>")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("Not a date (YYYY-MM-DD): %(value)s") % {"value": repr(value)}
        ) from None


def _unknown(name: str) -> str:
    """The message for a value of the filter ``name`` that is not one of its choices."""
    messages = {
        "status": _("Unknown status %(value)s; one of: %(allowed)s."),
        "kind": _("Unknown kind %(value)s; one of: %(allowed)s."),
        "category": _("Unknown category %(value)s; one of: %(allowed)s."),
        "priority": _("Unknown priority %(value)s; one of: %(allowed)s."),
        "group": _("Unknown group %(value)s; one of: %(allowed)s."),
    }
    return messages[name]


def _choices(values: list[str] | None, allowed: list[str], name: str) -> tuple[str, ...]:
    for value in values or []:
        if value not in allowed:
            raise CommandError(
                _unknown(name) % {"value": repr(value), "allowed": ", ".join(allowed)}
            )
    return tuple(values or ())


class Command(InsafCommand):
    summary = gettext_lazy("Search cases; rebuild the search index.")
    reads_lexicon = True
    help = gettext_lazy(
        'Search cases: insaf search "QUERY" [--limit N] [--json] [filters]. Words must all '
        'match; "exact phrase", -exclude, a OR b, prefix*. `insaf search reindex` rebuilds the '
        "index; `insaf search status` says whether it needs to."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "words",
            nargs="*",
            help=_(
                'The query (quote it); "reindex" to rebuild the index; "status" to count the '
                "entries an older analyser, lexicon or release wrote."
            ),
        )
        parser.add_argument(
            "--query", help=_("The query, when it is literally the word 'reindex' or 'status'.")
        )
        parser.add_argument("--limit", type=int, default=10, help=_("Results (1-100, default 10)."))
        parser.add_argument("--json", action="store_true", help=_("Print a JSON array."))
        parser.add_argument("--user", help=_("Search as this user (their scope only)."))
        parser.add_argument("--status", action="append", help=_("Only this status (repeatable)."))
        parser.add_argument("--kind", action="append", help=_("Only this kind (repeatable)."))
        parser.add_argument("--category", action="append", help=_("Only this category."))
        parser.add_argument("--priority", action="append", help=_("Only this priority."))
        parser.add_argument("--grave", choices=["yes", "no"], help=_("Only grave cases, or none."))
        parser.add_argument("--vulnerable", action="append", help=_("Only this vulnerable group."))
        parser.add_argument("--country", help=_("Only this country (ISO code)."))
        parser.add_argument("--unit", type=int, help=_("Only cases handled by this unit (id)."))
        parser.add_argument("--from", dest="received_from", help=_("Received on or after (date)."))
        parser.add_argument("--to", dest="received_to", help=_("Received on or before (date)."))
        parser.add_argument(
            "--workers", type=int, default=None, help=_("reindex: processes analysing text.")
        )
        parser.add_argument(
            "--no-progress", action="store_true", help=_("reindex: no progress bar.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        words: list[str] = options["words"]
        if options["query"] is None and words == ["reindex"]:
            self._reindex(options)
            return
        if options["query"] is None and words == ["status"]:
            self._status()
            return
        text = options["query"] if options["query"] is not None else " ".join(words)
        if not text.strip():
            raise CommandError(_('Give a query: insaf search "WORDS".'))
        from insaf.complaints.enums import Status

        filters = Filters(
            status=_choices(options["status"], list(Status.values), "status"),
            kind=_choices(options["kind"], list(Kind.values), "kind"),
            category=_choices(options["category"], list(Category.values), "category"),
            priority=_choices(options["priority"], list(Priority.values), "priority"),
            vulnerable=_choices(options["vulnerable"], list(Vulnerable.values), "group"),
            grave=None if options["grave"] is None else options["grave"] == "yes",
            country=(options["country"] or "").upper() or None,
            unit=options["unit"],
            received_from=_date(options["received_from"]) if options["received_from"] else None,
            received_to=_date(options["received_to"]) if options["received_to"] else None,
        )
        user = self.active_user(options["user"])
        if not 1 <= options["limit"] <= 100:
            raise CommandError(_("--limit must be between 1 and 100."))
        try:
            results = search(text, user=user, filters=filters, limit=options["limit"])
        except QueryError:
            raise CommandError(
                _("The query has no word to look for (only common words or exclusions).")
            ) from None
        rows: list[dict[str, Any]] = [
            {
                "reference": hit.complaint.reference,
                "external_id": hit.complaint.external_id,
                "score": round(hit.score, 6),
                "snippet": hit.snippet,
                "exact": hit.exact,
                "matched": hit.reason or None,
            }
            for hit in results.hits
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write(_("No case matches."))
        for row in rows:
            plain = html.unescape(_TAGS.sub("", row["snippet"]))
            if row["matched"]:
                why = "  " + _("(matched: %(reason)s)") % {"reason": row["matched"]}
            else:
                why = "" if row["exact"] else "  " + _("(similar spelling)")
            self.stdout.write(f"{row['reference']}  {row['score']:.3f}{why}  {plain}")

    def _status(self) -> None:
        total = SearchEntry.objects.count()
        stale = stale_entries()
        self.stdout.write(
            ngettext(
                "%(count)s case indexed; entries written now: version %(version)s.",
                "%(count)s cases indexed; entries written now: version %(version)s.",
                total,
            )
            % {"count": total, "version": entry_version()}
        )
        if stale:
            self.stdout.write(
                _(
                    "Written by an older analyser, lexicon or release: %(count)s (the "
                    "background jobs rewrite them; `insaf search reindex` does it at once)."
                )
                % {"count": stale}
            )
        else:
            self.stdout.write(_("Every entry is up to date."))

    def _reindex(self, options: dict[str, Any]) -> None:
        bar = None
        if not options["no_progress"]:
            draw = ProgressBar(
                lambda text: self.stderr.write(text, ending=""), tty=self.stderr.isatty()
            )

            def bar(done: int, total: int) -> None:
                draw("indexing", done, total)

        count = reindex(progress=bar, workers=options["workers"])
        self.stdout.write(
            ngettext("Indexed %(count)s case.", "Indexed %(count)s cases.", count)
            % {"count": count}
        )
