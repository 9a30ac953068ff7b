"""Where the concept lexicon comes from, and the audited changes national administrators make.

Until ``insaf concepts load`` copies data/concepts into the database, the lexicon is the files
(reviewed like code). After it, the database is the lexicon: the lexicon page adds terms and
switches them off or on, each change audited and raising ``LexiconRevision``; ``insaf concepts
export`` writes it back to files in the same format, for linguists to review. Search reloads on a
new revision; triage uses the change at its next ``insaf triage train``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insaf.audit.services import audit_record
from insaf.audit.verbs import Verb
from insaf.complaints.errors import InvalidInput
from insaf.search.models import ConceptTerm, LexiconRevision
from insaf.text import word_spans
from insaf.text.concepts import COLUMNS, LANGS, LexiconError, Term, read_terms

if TYPE_CHECKING:
    from insaf.accounts.models import User

TEXT_MAX = 200
NOTE_MAX = 300


def folder() -> Path:
    return Path(settings.INSAF_DATA_DIR) / "concepts"


def in_database() -> bool:
    return ConceptTerm.objects.exists()


def lexicon_terms() -> list[Term]:
    """The terms in use: the database's active terms once loaded, else the files'."""
    if not in_database():
        return read_terms(folder())
    return [
        Term(concept, lang, text)
        for concept, lang, text in ConceptTerm.objects.filter(active=True)
        .order_by("concept", "lang", "id")
        .values_list("concept", "lang", "text")
    ]


def file_problem(error: LexiconError | OSError | csv.Error) -> str:
    """What is wrong with a lexicon file (the error of ``read_terms`` or of the readers of
    data/concepts/meta: file, line, problem; or the file that cannot be opened), in the active
    language."""
    if isinstance(error, csv.Error):  # a field over csv's limit: the reader names no file
        return str(error)
    if isinstance(error, OSError):
        return _("%(file)s cannot be read: %(reason)s") % {
            "file": Path(error.filename).name if error.filename else folder().name,
            "reason": error.strerror or error,
        }
    return _(error.message) % error.params


def revision() -> int:
    row = LexiconRevision.objects.filter(pk=1).values_list("number", flat=True).first()
    return int(row or 0)


def _bump() -> None:
    now = timezone.now()
    row, _created = LexiconRevision.objects.select_for_update().get_or_create(pk=1)
    row.number += 1
    row.changed_at = now
    row.save(update_fields=["number", "changed_at"])


def lexicon_load(*, actor: User | None, source: Path | None = None) -> tuple[int, int]:
    """Copy the files' terms into the database: (added, already there). Safe to run again."""
    terms = read_terms(source or folder())
    now = timezone.now()
    existing = set(ConceptTerm.objects.values_list("concept", "lang", "text"))
    new = [t for t in dict.fromkeys(terms) if (t.concept, t.lang, t.text) not in existing]
    with transaction.atomic():
        ConceptTerm.objects.bulk_create(
            [ConceptTerm(concept=t.concept, lang=t.lang, text=t.text, changed_at=now) for t in new],
            batch_size=500,
        )
        _bump()
        audit_record(
            actor=actor,
            verb=Verb.LEXICON_LOADED,
            data={"added": len(new), "kept": len(terms) - len(new)},
        )
    return len(new), len(terms) - len(new)


def _known_concepts() -> set[str]:
    from insaf.search.concepts import read_names

    return set(read_names(folder() / "meta" / "names.csv"))


def _present(concept: str, lang: str, text: str) -> bool:
    """In the lexicon already (switched off included), wherever it is read from."""
    if in_database():
        return ConceptTerm.objects.filter(concept=concept, lang=lang, text=text).exists()
    return Term(concept, lang, text) in set(read_terms(folder()))


def concept_term_add(
    *, actor: User, concept: str, lang: str, text: str, note: str = ""
) -> ConceptTerm:
    text, note, concept = text.strip(), note.strip(), concept.strip()
    errors: dict[str, str] = {}
    if concept not in _known_concepts():
        errors["concept"] = _("Unknown concept.")
    if lang not in LANGS:
        errors["lang"] = _("Unknown language or dialect.")
    if not word_spans(text) or len(text) > TEXT_MAX or re.search(r"[\r\n]", text):
        errors["text"] = _("Write a word or a short phrase (at most %(max)d characters).") % {
            "max": TEXT_MAX
        }
    if len(note) > NOTE_MAX:
        errors["note"] = _("The note is too long.")
    if not errors and _present(concept, lang, text):
        errors["text"] = _("This term is already in the lexicon.")
    if errors:
        raise InvalidInput(fields=errors)
    if not in_database():
        lexicon_load(actor=actor)
    with transaction.atomic():
        term = ConceptTerm.objects.create(
            concept=concept,
            lang=lang,
            text=text,
            note=note,
            changed_at=timezone.now(),
            changed_by=actor,
        )
        _bump()
        audit_record(
            actor=actor,
            verb=Verb.LEXICON_TERM_ADDED,
            target=term,
            data={"concept": concept, "lang": lang, "text": text},
        )
    return term


def concept_term_switch(*, actor: User, term_id: int, active: bool) -> ConceptTerm:
    with transaction.atomic():
        term = ConceptTerm.objects.select_for_update().filter(pk=term_id).first()
        if term is None:
            raise InvalidInput(fields={"term": _("No such term.")})
        if term.active == active:
            return term
        term.active = active
        term.changed_at = timezone.now()
        term.changed_by = actor
        term.save(update_fields=["active", "changed_at", "changed_by"])
        _bump()
        audit_record(
            actor=actor,
            verb=Verb.LEXICON_TERM_CHANGED,
            target=term,
            data={"old": {"active": not active}, "new": {"active": active}},
        )
    return term


def export_csv(concept: str | None = None) -> str:
    """The lexicon in the files' format (header concept,lang,term,note), active terms only."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    if in_database():
        rows = ConceptTerm.objects.filter(active=True)
        if concept:
            rows = rows.filter(concept=concept)
        for row in rows.order_by("concept", "lang", "id"):
            writer.writerow([row.concept, row.lang, row.text, row.note])
    else:
        for term in read_terms(folder()):
            if not concept or term.concept == concept:
                writer.writerow([term.concept, term.lang, term.text, ""])
    return out.getvalue()
