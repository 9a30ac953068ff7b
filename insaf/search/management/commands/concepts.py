"""``insaf concepts``: the concept lexicon shared by triage and search.

insaf concepts load            # copy data/concepts into the database (then edit it on the
                               # lexicon page, /work/lexicon/); safe to run again
insaf concepts export [DIR]    # write the lexicon in use as CSV (one file per concept in DIR
                               # with the concepts' names in DIR/meta/names.csv, or the terms
                               # on standard output), for review
insaf concepts status          # where the lexicon is read from, its revision and size
insaf concepts propose         # mine the labels officers accepted for proposed terms (the
                               # background jobs do it every night), shown on the lexicon page
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from insaf.core.commands import InsafCommand
from insaf.search import lexicon, proposals
from insaf.text.concepts import LexiconError


class Command(InsafCommand):
    summary = gettext_lazy(
        "The concept lexicon: load it into the database, export it, say where it is read from."
    )
    reads_lexicon = True
    help = gettext_lazy(
        "The concept lexicon: `insaf concepts load` copies data/concepts into the database, "
        "`insaf concepts export [DIR]` writes it as CSV, `insaf concepts status` tells where it "
        "is read from, `insaf concepts propose` proposes terms from the labels officers "
        "accepted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load", "export", "status", "propose"])
        parser.add_argument(
            "folder", nargs="?", help=_("export: a folder for one file per concept")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "load":
            try:
                added, kept = lexicon.lexicon_load(actor=None)
            except LexiconError as error:
                raise CommandError(lexicon.file_problem(error)) from None
            self.stdout.write(
                ngettext(
                    "Loaded %(count)s term (already in the database: %(kept)s).",
                    "Loaded %(count)s terms (already in the database: %(kept)s).",
                    added,
                )
                % {"count": added, "kept": kept}
            )
        elif action == "export":
            self._export(options["folder"])
        elif action == "propose":
            count = proposals.refresh()
            self.stdout.write(
                ngettext(
                    "%(count)s proposed term to review on the lexicon page.",
                    "%(count)s proposed terms to review on the lexicon page.",
                    count,
                )
                % {"count": count}
            )
        else:
            terms = lexicon.lexicon_terms()
            concepts = len({t.concept for t in terms})
            # Two counts in one sentence: each with its noun in the form its number needs.
            figures: dict[str, Any] = {
                "terms": ngettext("%(count)s term in use", "%(count)s terms in use", len(terms))
                % {"count": len(terms)},
                "concepts": ngettext("%(count)s concept", "%(count)s concepts", concepts)
                % {"count": concepts},
                "revision": lexicon.revision(),
            }
            if lexicon.in_database():
                message = _(
                    # Translators: %(terms)s is "N terms in use" and %(concepts)s "N concepts".
                    "Lexicon read from the database: %(terms)s, %(concepts)s, "
                    "revision %(revision)s."
                )
            else:
                message = _(
                    # Translators: %(terms)s is "N terms in use" and %(concepts)s "N concepts".
                    "Lexicon read from %(folder)s: %(terms)s, %(concepts)s, revision %(revision)s."
                )
                figures["folder"] = str(lexicon.folder())
            self.stdout.write(message % figures)

    def _export(self, folder: str | None) -> None:
        if folder is None:
            self.stdout.write(lexicon.export_csv(), ending="")
            return
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        concepts = sorted({t.concept for t in lexicon.lexicon_terms()})
        for concept in concepts:
            (target / f"{concept}.csv").write_text(lexicon.export_csv(concept), encoding="utf-8")
        (target / "meta").mkdir(exist_ok=True)
        (target / "meta" / "names.csv").write_text(lexicon.names_csv(), encoding="utf-8")
        written = len(concepts) + 1
        self.stdout.write(
            ngettext(
                "Wrote %(count)s file to %(folder)s.",
                "Wrote %(count)s files to %(folder)s.",
                written,
            )
            % {"count": written, "folder": target}
        )
