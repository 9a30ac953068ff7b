"""``insaf triage``: label texts, train the classifier, evaluate it.

insaf triage < in.jsonl > out.jsonl     one JSON line in, one out, in order; no database
insaf triage train [--no-corrections]  rebuild the model from data/triage/train.jsonl and the
                                       officers' corrections, and make it the one in use (in
                                       INSAF_TRIAGE_DIR and, published, in the database: every
                                       application server takes it from there)
insaf triage models                    the models published in the database, and the one in use
insaf triage use VERSION               put a published model back in use
insaf triage prune --keep N            delete the published models but the N newest and the
                                       one in use
insaf triage evaluate FILE.jsonl       precision, recall and F1 per label, the category
                                       confusion matrix
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from insaf.core.commands import InsafCommand
from insaf.triage.engine import TriageResult

BATCH = 256


class Command(InsafCommand):
    summary = gettext_lazy("Label complaints; train, evaluate and choose the triage model.")
    help = gettext_lazy(
        "Triage. Without an action: read JSON lines {id, text} on stdin and write one line of "
        "labels per input, in order (needs no database). 'train' rebuilds the model; 'evaluate "
        "FILE.jsonl' measures it on labelled texts; 'models' lists the models published in the "
        "database, 'use VERSION' puts one back in use and 'prune --keep N' deletes old ones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action")
        train = sub.add_parser("train", help=_("Rebuild the model and make it the one in use."))
        train.add_argument(
            "--no-corrections",
            action="store_true",
            help=_("Train on the repository's development set only."),
        )
        train.add_argument("--user", help=_("Username of the administrator (for the audit log)."))
        sub.add_parser("models", help=_("List the models published in the database."))
        use = sub.add_parser("use", help=_("Put a published model back in use."))
        use.add_argument("version")
        use.add_argument("--user", help=_("Username of the administrator (for the audit log)."))
        prune = sub.add_parser(
            "prune", help=_("Delete the published models but the newest and the one in use.")
        )
        prune.add_argument(
            "--keep", type=int, required=True, help=_("How many of the newest to keep (1 or more).")
        )
        prune.add_argument("--user", help=_("Username of the administrator (for the audit log)."))
        evaluate = sub.add_parser("evaluate", help=_("Measure the model on labelled JSON lines."))
        evaluate.add_argument("file", type=Path)
        evaluate.add_argument("--json", action="store_true", help=_("Print the figures as JSON."))

    def execute(self, *args: Any, **options: Any) -> Any:
        # Only training reads the lexicon's files (a model carries the terms it was trained with).
        self.reads_lexicon = options.get("action") == "train"
        return super().execute(*args, **options)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options.get("action")
        if action == "train":
            self._train(options)
        elif action == "evaluate":
            self._evaluate(options)
        elif action == "models":
            self._models()
        elif action == "use":
            self._use(options)
        elif action == "prune":
            self._prune(options)
        else:
            label_stream(sys.stdin, self.stdout)

    def _train(self, options: dict[str, Any]) -> None:
        from insaf.triage.model import evaluate, read_jsonl
        from insaf.triage.store import publish, train_and_install, training_file, training_items

        with_corrections = not options["no_corrections"]
        actor = self.active_user(options["user"])  # a database error: InsafCommand's message
        try:
            items, corrected = training_items(with_corrections=with_corrections)
        except DatabaseError as error:
            raise CommandError(
                _(
                    "The corrections could not be read (%(error)s); use --no-corrections to "
                    "train on the development set alone."
                )
                % {"error": error}
            ) from None
        model, path = train_and_install(items)
        self.stdout.write(
            _(
                "Trained %(version)s on %(count)s texts (%(corrected)s officers' corrections); "
                "written to %(path)s and in use."
            )
            % {"version": model.version, "count": len(items), "corrected": corrected, "path": path}
        )
        try:
            publish(model, path, actor=actor)
        except DatabaseError as error:
            self.stderr.write(
                _(
                    "Not published in the database (%(error)s): only processes that read "
                    "%(folder)s use it; run `insaf migrate`, then train again to share it."
                )
                % {"error": error, "folder": path.parent}
            )
        else:
            self.stdout.write(
                _("Published in the database: every application server uses it from now on.")
            )
        test = training_file().with_name("test.jsonl")
        if test.exists():
            truth = read_jsonl(test)
            result = evaluate(truth, model.predict([t.text for t in truth]))
            self.stdout.write(_("On the held-out test split (%(file)s):") % {"file": test.name})
            for line in result.lines(_)[:5]:
                self.stdout.write("  " + line)

    def _evaluate(self, options: dict[str, Any]) -> None:
        from insaf.triage.model import evaluate, read_jsonl
        from insaf.triage.store import current_model

        path: Path = options["file"]
        model = current_model()
        if model is None:
            raise CommandError(_("No triage model is installed: run `insaf triage train` first."))
        try:
            truth = read_jsonl(path)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(
                _("%(path)s: not labelled JSON lines (%(error)s).") % {"path": path, "error": error}
            ) from None
        result = evaluate(truth, model.predict([t.text for t in truth]))
        if options["json"]:
            self.stdout.write(json.dumps(result.__dict__, ensure_ascii=False, indent=2))
            return
        self.stdout.write(_("model %(version)s") % {"version": model.version})
        for line in result.lines(_):
            self.stdout.write(line)

    def _models(self) -> None:
        from insaf.triage.store import published

        rows = published()
        if not rows:
            self.stdout.write(_("No model is published in the database: run `insaf triage train`."))
            return
        for row, in_use in rows:
            line = _(
                "%(version)s  published %(published)s  trained on %(count)s texts  %(size)s MB"
            ) % {
                "version": row.version,
                "published": row.published_at.strftime("%Y-%m-%d %H:%M UTC"),
                "count": row.trained_on,
                "size": f"{row.size / 1e6:.1f}",
            }
            self.stdout.write(line + ("  " + _("(in use)") if in_use else ""))

    def _use(self, options: dict[str, Any]) -> None:
        from insaf.triage.store import use

        try:
            row = use(options["version"], actor=self.active_user(options["user"]))
        except LookupError:
            raise CommandError(
                _("No model %(version)s is published in the database (see `insaf triage models`).")
                % {"version": options["version"]}
            ) from None
        self.stdout.write(
            _("%(version)s is in use: every application server takes it within %(seconds)s s.")
            % {"version": row.version, "seconds": settings.INSAF_TRIAGE_REFRESH}
        )

    def _prune(self, options: dict[str, Any]) -> None:
        from insaf.triage.store import prune

        keep: int = options["keep"]
        if keep < 1:
            raise CommandError(_("--keep must be 1 or more (the newest model is always kept)."))
        deleted = prune(keep, actor=self.active_user(options["user"]))
        if not deleted:
            self.stdout.write(_("No model to delete."))
            return
        self.stdout.write(
            ngettext(
                "Deleted %(count)s model: %(versions)s.",
                "Deleted %(count)s models: %(versions)s.",
                len(deleted),
            )
            % {"count": len(deleted), "versions": pgettext("list separator", ", ").join(deleted)}
        )


def _inputs(stream: TextIO) -> Iterator[tuple[Any, str | None, str | None]]:
    """(id, text, error) per input line."""
    for line in stream:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            yield None, None, "not valid JSON"
            continue
        if not isinstance(row, dict):
            yield None, None, "not a JSON object"
            continue
        text = row.get("text")
        if not isinstance(text, str) or not text.strip():
            yield row.get("id"), None, "no text"
            continue
        yield row.get("id"), text, None


def _output(identifier: Any, result: TriageResult) -> dict[str, Any]:
    return {
        "id": identifier,
        "language": result.language,
        "kind": str(result.kind),
        "category": str(result.category),
        "grave": result.grave,
        "vulnerable": list(result.vulnerable),
        "priority": str(result.priority),
        "confidence": result.confidence,
        "evidence": result.evidence,
    }


def label_stream(source: TextIO, out: Any) -> None:
    """Label every line of ``source``, in batches (the model labels a batch at once)."""
    from insaf.triage.engine import triage_many

    pending: list[tuple[Any, str | None, str | None]] = []

    def flush() -> None:
        texts = [text for _id, text, error in pending if error is None and text is not None]
        nothing: list[str | None] = [None] * len(texts)
        labelled = iter(triage_many(texts, languages=nothing, kinds=nothing))
        for identifier, _text, error in pending:
            row = (
                {"id": identifier, "error": error} if error else _output(identifier, next(labelled))
            )
            out.write(json.dumps(row, ensure_ascii=False))
        pending.clear()

    for item in _inputs(source):
        pending.append(item)
        if len(pending) >= BATCH:
            flush()
    flush()
