"""Where the concept lexicon comes from, and the audited changes national administrators make.

Until ``insaf concepts load`` copies data/concepts into the database, the lexicon is the files
(reviewed like code). After it, the database is the lexicon: the lexicon page adds terms and
switches them off or on, renames concepts, changes the labels they stand for and adds concepts,
each change audited and raising ``LexiconRevision``; ``insaf concepts export`` writes it back to
files in the same format, for linguists to review. Search reloads on a new revision; triage uses
the change at its next ``insaf triage train``.

The concepts' names and labels (data/concepts/meta/names.csv) are loaded with the terms; a
database whose terms were loaded before concepts could be edited reads them from the file until
``insaf concepts load`` runs again or a concept is changed on the page. The query words of
meta/labels.csv and meta/queries.csv stay files.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insaf.audit.services import audit_record
from insaf.audit.verbs import Verb
from insaf.complaints.errors import InvalidInput
from insaf.search.models import ConceptTerm, LexiconConcept, LexiconRevision, TermProposal
from insaf.text import word_spans
from insaf.text.concepts import COLUMNS, LANGS, LexiconError, Term, read_terms

if TYPE_CHECKING:
    from insaf.accounts.models import User
    from insaf.search.concepts import Concept

TEXT_MAX = 200
NOTE_MAX = 300
NAME_MAX = 80
# A concept's code: lower-case Latin letters in words joined by "_" (its index token keeps the
# letters only: insaf.search.concepts.concept_token).
CODE = re.compile(r"[a-z]+(?:_[a-z]+)*\Z")
CODE_MAX = 40


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
    """Copy the files' terms, and the concepts' names and labels, into the database: (terms
    added, terms already there). Safe to run again: a concept already in the database keeps its
    names and labels."""
    from insaf.search.concepts import label_spec, read_names

    base = source or folder()
    terms = read_terms(base)
    names = read_names(base / "meta" / "names.csv")
    now = timezone.now()
    existing = set(ConceptTerm.objects.values_list("concept", "lang", "text"))
    new = [t for t in dict.fromkeys(terms) if (t.concept, t.lang, t.text) not in existing]
    known = set(LexiconConcept.objects.values_list("code", flat=True))
    concepts = [
        LexiconConcept(
            code=c.code,
            name_ar=c.names["ar"],
            name_en=c.names["en"],
            name_fr=c.names["fr"],
            labels=" ".join(label_spec(label) for label in c.labels),
            changed_at=now,
        )
        for c in names.values()
        if c.code not in known
    ]
    with transaction.atomic():
        ConceptTerm.objects.bulk_create(
            [ConceptTerm(concept=t.concept, lang=t.lang, text=t.text, changed_at=now) for t in new],
            batch_size=500,
        )
        LexiconConcept.objects.bulk_create(concepts)
        _bump()
        audit_record(
            actor=actor,
            verb=Verb.LEXICON_LOADED,
            data={
                "added": len(new),
                "kept": len(terms) - len(new),
                "concepts_added": len(concepts),
            },
        )
    return len(new), len(terms) - len(new)


def concept_names() -> dict[str, Concept]:
    """The concepts with their names and labels: the database's once loaded, else the files'
    (LexiconError or OSError when those cannot be read)."""
    from insaf.search.concepts import Concept, parse_labels, read_names

    rows = list(LexiconConcept.objects.order_by("id"))
    if not rows:
        return read_names(folder() / "meta" / "names.csv")
    return {
        row.code: Concept(
            row.code,
            {"ar": row.name_ar, "en": row.name_en, "fr": row.name_fr},
            parse_labels(row.labels, "names", row.pk),
        )
        for row in rows
    }


def _known_concepts() -> set[str]:
    return set(concept_names())


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
        # A proposal of these words has been taken up (the next refresh would drop it too).
        TermProposal.objects.filter(status=TermProposal.OPEN, text=text).delete()
    return term


def proposal_dismiss(*, actor: User, proposal_id: int) -> TermProposal:
    """An administrator dismisses a proposed term: it is not proposed again."""
    with transaction.atomic():
        proposal = TermProposal.objects.select_for_update().filter(pk=proposal_id).first()
        if proposal is None:
            raise InvalidInput(fields={"proposal": _("No such proposal.")})
        if proposal.status == TermProposal.DISMISSED:
            return proposal
        proposal.status = TermProposal.DISMISSED
        proposal.dismissed_by = actor
        proposal.updated_at = timezone.now()
        proposal.save(update_fields=["status", "dismissed_by", "updated_at"])
        audit_record(
            actor=actor,
            verb=Verb.LEXICON_PROPOSAL_DISMISSED,
            target=proposal,
            data={"label": proposal.label, "text": proposal.text, "cases": proposal.cases},
        )
    return proposal


def proposals_for(concept: Concept) -> list[TermProposal]:
    """The open proposals for the labels ``concept`` stands for, the most frequent first."""
    from insaf.search.concepts import label_spec

    labels = [label_spec(label) for label in concept.labels if label[0] in ("c", "v")]
    if not labels:
        return []
    return list(TermProposal.objects.filter(status=TermProposal.OPEN, label__in=labels))


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


def _concept_fields(
    names: dict[str, str],
    labels: list[str],
    known: dict[str, Concept],
    *,
    other_than: str | None,
) -> tuple[dict[str, str], str, dict[str, str]]:
    """The names stripped, the labels as names.csv writes them, and what is wrong (field →
    message): each name given, short, on one line, and no other concept's (of ``known``) in its
    language; each label one of the contract."""
    from insaf.search.concepts import LayerError, parse_labels

    errors: dict[str, str] = {}
    names = {lang: (names.get(lang) or "").strip() for lang in ("ar", "en", "fr")}
    taken = {
        (lang, name.casefold())
        for code, concept in known.items()
        if code != other_than
        for lang, name in concept.names.items()
    }
    for lang, name in names.items():
        if not name or len(name) > NAME_MAX or re.search(r"[\r\n]", name):
            errors[f"name_{lang}"] = _("Give a name of at most %(max)d characters.") % {
                "max": NAME_MAX
            }
        elif (lang, name.casefold()) in taken:
            errors[f"name_{lang}"] = _("Another concept has this name.")
    spec = " ".join(dict.fromkeys(labels))
    try:
        parse_labels(spec, "names", 0)
    except LayerError:
        errors["labels"] = _("Unknown label.")
    return names, spec, errors


def _ensure_loaded(actor: User) -> None:
    """Load the files first when the database does not hold the lexicon, or holds its terms but
    not yet its concepts (terms loaded before concepts could be edited)."""
    if not in_database() or not LexiconConcept.objects.exists():
        lexicon_load(actor=actor)


def concept_add(
    *, actor: User, code: str, names: dict[str, str], labels: list[str]
) -> LexiconConcept:
    """A new concept, with its names and the labels a query naming it also stands for; it finds
    cases once terms are added to it."""
    from insaf.search.concepts import CONTEXT_CONCEPTS, concept_token

    code = code.strip()
    known = concept_names()
    names, spec, errors = _concept_fields(names, labels, known, other_than=None)
    if not CODE.match(code) or len(code) > CODE_MAX or code.startswith("label_"):
        errors["code"] = _(
            "Use lower-case Latin letters, words joined by _ (at most %(max)d characters)."
        ) % {"max": CODE_MAX}
    else:
        tokens = {concept_token(c) for c in (*known, *CONTEXT_CONCEPTS)}
        if concept_token(code) in tokens:
            errors["code"] = _("A concept with this code is already in the lexicon.")
    if errors:
        raise InvalidInput(fields=errors)
    _ensure_loaded(actor)
    try:
        with transaction.atomic():
            concept = LexiconConcept.objects.create(
                code=code,
                name_ar=names["ar"],
                name_en=names["en"],
                name_fr=names["fr"],
                labels=spec,
                changed_at=timezone.now(),
                changed_by=actor,
            )
            _bump()
            audit_record(
                actor=actor,
                verb=Verb.LEXICON_CONCEPT_ADDED,
                target=concept,
                data={"code": code, "names": names, "labels": spec},
            )
    except IntegrityError:  # another administrator added the same code meanwhile
        raise InvalidInput(
            fields={"code": _("A concept with this code is already in the lexicon.")}
        ) from None
    return concept


def concept_change(
    *, actor: User, code: str, names: dict[str, str], labels: list[str]
) -> LexiconConcept:
    """A concept's names and labels changed (its code and terms stay)."""
    from insaf.search.concepts import CONTEXT_CONCEPTS

    known = concept_names()
    if code not in known:
        raise InvalidInput(fields={"code": _("Unknown concept.")})
    names, spec, errors = _concept_fields(names, labels, known, other_than=code)
    if spec and code in CONTEXT_CONCEPTS:
        errors["labels"] = _(
            "A context concept (personnel, custody, metaphor, third party) shapes triage and "
            "stands for no label in search."
        )
    if errors:
        raise InvalidInput(fields=errors)
    _ensure_loaded(actor)
    with transaction.atomic():
        concept = LexiconConcept.objects.select_for_update().get(code=code)
        old = {
            "names": {"ar": concept.name_ar, "en": concept.name_en, "fr": concept.name_fr},
            "labels": concept.labels,
        }
        new = {"names": names, "labels": spec}
        if old == new:
            return concept
        concept.name_ar, concept.name_en, concept.name_fr = names["ar"], names["en"], names["fr"]
        concept.labels = spec
        concept.changed_at = timezone.now()
        concept.changed_by = actor
        concept.save()
        _bump()
        audit_record(
            actor=actor,
            verb=Verb.LEXICON_CONCEPT_CHANGED,
            target=concept,
            data={"old": old, "new": new},
        )
    return concept


def names_csv() -> str:
    """The concepts' names and labels in the format of data/concepts/meta/names.csv."""
    from insaf.search.concepts import NAME_LANGUAGES, label_spec

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["concept", *NAME_LANGUAGES, "labels"])
    for code, concept in concept_names().items():
        writer.writerow(
            [
                code,
                *(concept.names[lang] for lang in NAME_LANGUAGES),
                " ".join(label_spec(label) for label in concept.labels),
            ]
        )
    return out.getvalue()


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
