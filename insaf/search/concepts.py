"""Search by meaning: the concept lexicon (data/concepts, shared with triage) in the index and in
queries.

- **Indexing.** Each case's entry carries, in its alternate stream, a token per concept its text
  mentions (``zqxbribery``), found by the lexicon's matcher on the analysed text; its labels are
  already facet tokens (``zqccorruption``, ``zqvchild``, ``zqg1``).
- **Queries.** A query word (or run of words) that is a term of a concept stands also for that
  concept's token and for the label tokens the concept names (data/concepts/meta/names.csv), so
  "رشوه" finds "دهن السير" and a case labelled corruption that says neither. Search ranks these
  expanded matches after the cases that match the words as typed.
- **Reasons.** A case found through a concept says which, and by which of its words:
  "bribery — حق الشاي"; through a label only: "label: Corruption".

Context concepts (personnel, custody, metaphor, third party) shape triage but name no topic an
officer searches for; they are neither indexed nor expanded.
"""

from __future__ import annotations

import csv
import logging
import threading
import time
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from django.utils.translation import get_language, gettext, gettext_noop, override

from insaf.search.query import AnyOf, Item, Phrase, Query, Term
from insaf.text import document_language, prefix_form, word_spans
from insaf.text.arabizi import ROOT_KEY, has_arabizi_digits
from insaf.text.concepts import Lexicon, LexiconError, Match, lexicon_text, terms_digest
from insaf.text.concepts import Term as LexiconTerm

log = logging.getLogger(__name__)

CONTEXT_CONCEPTS = frozenset({"personnel", "custody", "metaphor", "third_party"})
# A query word ending in * names a concept when it has at least this many letters and starts the
# terms of at most this many concepts.
MIN_CONCEPT_PREFIX = 3
MAX_PREFIX_CONCEPTS = 3
NAME_LANGUAGES = ("ar", "en", "fr")
# Label kinds of names.csv → facet letters of the index (insaf/search/indexing.py).
LABEL_FACETS = {"category": "c", "vulnerable": "v", "grave": "g"}


def concept_token(concept: str) -> str:
    """The index token of a concept: letters only, so both databases keep it whole, and no word
    of any text analyses to it (the ``zq`` prefix, as for facets)."""
    return "zqx" + concept.replace("_", "")


@dataclass(frozen=True)
class Concept:
    code: str
    names: dict[str, str]  # language → name
    labels: tuple[tuple[str, str], ...]  # (facet letter, value), e.g. ("c", "corruption")
    # A label's own query words (meta/labels.csv): it stands for the label alone, no text
    # mentions it and it has no name of its own (the label's is shown).
    label_only: bool = False

    def name(self, language: str | None = None) -> str:
        language = (language or get_language() or "ar")[:2]
        return self.names.get(language) or self.names.get("en") or self.code


# What reading lexicon files that do not follow the format raises: a file and line's problem
# (LexiconError, LayerError), a file that cannot be opened, or CSV that cannot be parsed.
UNREADABLE = (LexiconError, OSError, csv.Error)


class LayerError(LexiconError):
    """A file of data/concepts/meta that does not follow the format, or a concept without a name
    (the message names the file, and the line where there is one). Its message is translated as
    LexiconError's are (``insaf.search.lexicon.file_problem``)."""


def read_names(path: Path) -> dict[str, Concept]:
    concepts: dict[str, Concept] = {}
    with lexicon_text(path) as handle:
        reader = csv.DictReader(handle)
        wanted = ["concept", *NAME_LANGUAGES, "labels"]
        if reader.fieldnames != wanted:
            raise LayerError(
                gettext_noop("%(file)s: the header must be %(columns)s"),
                file=path.name,
                columns=",".join(wanted),
            )
        for number, row in enumerate(reader, start=2):
            # DictReader fills a short row with None, and keeps a long row's extra cells
            # under None.
            if None in row or None in row.values():
                cells = [v for k, v in row.items() if k is not None and v is not None]
                raise LayerError(
                    gettext_noop("%(file)s, line %(line)s: %(count)s columns, not %(expected)s"),
                    file=path.name,
                    line=number,
                    count=len(cells) + len(row.get(None) or []),
                    expected=len(wanted),
                )
            code = row["concept"].strip()
            concepts[code] = Concept(
                code,
                {lang: row[lang].strip() for lang in NAME_LANGUAGES},
                parse_labels(row["labels"], path.name, number),
            )
    return concepts


def parse_labels(specs: str, file: str, line: int) -> tuple[tuple[str, str], ...]:
    """The labels of names.csv's ``labels`` cell ("category:corruption vulnerable:child"), as
    (facet letter, value) pairs; LayerError naming the file and line for one not of the
    contract."""
    return tuple(_label(spec, file, line) for spec in specs.split())


def label_spec(label: tuple[str, str]) -> str:
    """ "category:corruption" from ("c", "corruption"): a label as names.csv writes it."""
    letter, value = label
    kind = next(kind for kind, facet in LABEL_FACETS.items() if facet == letter)
    return f"{kind}:{value}"


def _label(spec: str, file: str, line: int) -> tuple[str, str]:
    """("c", "corruption") from "category:corruption" (a label of the contract), else
    LayerError naming the file and line."""
    from insaf.triage.labels import Category, Vulnerable

    kind, _, value = spec.partition(":")
    valid = {
        "category": Category.values,
        "vulnerable": Vulnerable.values,
        "grave": ["1"],
    }.get(kind, [])
    if value not in valid:
        raise LayerError(
            gettext_noop("%(file)s, line %(line)s: bad label %(label)s"),
            file=file,
            line=line,
            label=repr(spec),
        )
    return LABEL_FACETS[kind], value


def label_concept(letter: str, value: str) -> str:
    """The code of the stand-in concept that a label's query words name."""
    return f"label_{letter}_{value}"


def _query_words(path: Path, key: str) -> Iterator[tuple[int, str, str, str]]:
    """The rows of a file of query words (header ``KEY,lang,term``): (line, key, lang, term),
    each with a language of the interface and a term of at least one word (else LayerError
    naming the line); none when there is no such file."""
    if not path.exists():
        return
    with lexicon_text(path) as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != [key, "lang", "term"]:
            raise LayerError(
                gettext_noop("%(file)s: the header must be %(columns)s"),
                file=path.name,
                columns=f"{key},lang,term",
            )
        for number, row in enumerate(reader, start=2):
            lang, term = (row["lang"] or "").strip(), (row["term"] or "").strip()
            if lang not in NAME_LANGUAGES or not term or not word_spans(term):
                raise LayerError(
                    gettext_noop(
                        "%(file)s, line %(line)s: a language (ar, en or fr) and a term are needed"
                    ),
                    file=path.name,
                    line=number,
                )
            yield number, (row[key] or "").strip(), lang, term


def read_labels(path: Path) -> tuple[list[LexiconTerm], dict[str, Concept]]:
    """The words that name a label in a query (meta/labels.csv: ``label,lang,term``), as terms
    of one stand-in concept per label; none when there is no such file."""
    terms: list[LexiconTerm] = []
    concepts: dict[str, Concept] = {}
    for line, label, lang, term in _query_words(path, "label"):
        letter, value = _label(label, path.name, line)
        code = label_concept(letter, value)
        concepts.setdefault(code, Concept(code, {}, ((letter, value),), label_only=True))
        terms.append(LexiconTerm(code, lang, term))
    return terms, concepts


def read_queries(path: Path, concepts: dict[str, Concept]) -> list[LexiconTerm]:
    """The words officers type for a concept (meta/queries.csv: ``concept,lang,term``), matched
    in queries only, never in texts: "medical care" means the concept in a query, but a text that
    says it may praise the care as well as deny it. None when there is no such file."""
    terms: list[LexiconTerm] = []
    for line, code, lang, term in _query_words(path, "concept"):
        if code not in concepts or code in CONTEXT_CONCEPTS:
            raise LayerError(
                gettext_noop("%(file)s, line %(line)s: unknown concept %(concept)s"),
                file=path.name,
                line=line,
                concept=repr(code),
            )
        terms.append(LexiconTerm(code, lang, term))
    return terms


Meta = tuple[dict[str, Concept], tuple[list[LexiconTerm], dict[str, Concept]], list[LexiconTerm]]


def read_meta(folder: Path) -> Meta:
    """The files of data/concepts/meta, checked: the concepts' names, the labels' query words,
    the concepts' query words (LexiconError naming the file and line; OSError when one cannot be
    opened)."""
    names = read_names(folder / "names.csv")
    return names, read_labels(folder / "labels.csv"), read_queries(folder / "queries.csv", names)


def check_named(
    terms: Sequence[LexiconTerm], concepts: dict[str, Concept], folder: Path | None = None
) -> None:
    """LayerError when a concept of ``terms`` that search uses has no names (a concept misspelt
    in a file of terms, or one added there and not to names.csv). With ``folder``, the files the
    terms were read from: the error names the first row of such a concept, where the misspelling
    usually is."""
    missing = {t.concept for t in terms if t.concept not in CONTEXT_CONCEPTS} - set(concepts)
    if not missing:
        return
    found = _first_row(folder, missing) if folder is not None else None
    if found is not None:
        raise LayerError(
            gettext_noop(
                "%(file)s, line %(line)s: the concept %(concept)s has no names in %(names)s"
            ),
            file=found[0],
            line=found[1],
            concept=repr(found[2]),
            names="meta/names.csv",
        )
    raise LayerError(
        gettext_noop("%(file)s: no names for %(concepts)s"),
        file="names.csv",
        concepts=", ".join(sorted(missing)),
    )


def _first_row(folder: Path, concepts: set[str]) -> tuple[str, int, str] | None:
    """(file, line, concept): the first row of the terms' files (read before, so well formed)
    whose concept is one of ``concepts``."""
    for path in sorted(folder.glob("*.csv")):
        with lexicon_text(path) as handle:
            for number, row in enumerate(csv.reader(handle), start=1):
                if number > 1 and row and row[0].strip() in concepts:
                    return path.name, number, row[0].strip()
    return None


class Layer:
    """The lexicon and the concepts' names and labels, as search uses them."""

    def __init__(
        self,
        terms: list[LexiconTerm],
        concepts: dict[str, Concept],
        labels: tuple[list[LexiconTerm], dict[str, Concept]] = ([], {}),
        queries: Sequence[LexiconTerm] = (),
    ) -> None:
        # The lexicon as given (context concepts included), to know whether concepts that
        # another matcher found (triage's) can be taken as they are (tokens_from).
        self.source = terms_digest(terms)
        check_named(terms, concepts)
        terms = [t for t in terms if t.concept not in CONTEXT_CONCEPTS]
        self.lexicon = Lexicon(terms)
        self.concepts = concepts
        # Queries also name a concept by its name in any language ("واسطة", "disparition"):
        # texts seldom use the bare name (the lexicon avoids such ambiguous single words), but an
        # officer who types it means the concept.
        names = [
            LexiconTerm(code, lang, name)
            for code, concept in self.concepts.items()
            if code not in CONTEXT_CONCEPTS
            for lang, name in concept.names.items()
            if name
        ]
        # And a label by the words officers use for it ("استخدام القوة": use_of_force), and a
        # concept by theirs ("medical care": medical_denial).
        label_terms, label_concepts = labels
        self.concepts = {**label_concepts, **concepts}
        self.query_lexicon = Lexicon([*terms, *names, *label_terms, *queries])
        # A query word ending in * names the concepts whose one-word terms start with it.
        self._starts = sorted(
            {
                (prefix_form(term.text), term.concept)
                for term in self.query_lexicon.terms
                if len(word_spans(term.text)) == 1
            }
        )

    def named_by_prefix(self, prefix: str) -> set[str]:
        """The concepts a query word ending in * names (``prefix``: its ``prefix_form``): those
        with a one-word term that starts with it ("passp*": documents). None for a prefix shorter
        than MIN_CONCEPT_PREFIX letters, or that starts the terms of more than
        MAX_PREFIX_CONCEPTS concepts: too vague to stand for a meaning."""
        if len(prefix) < MIN_CONCEPT_PREFIX:
            return set()
        found: set[str] = set()
        at = bisect_left(self._starts, (prefix, ""))
        while at < len(self._starts) and self._starts[at][0].startswith(prefix):
            found.add(self._starts[at][1])
            at += 1
        return found if len(found) <= MAX_PREFIX_CONCEPTS else set()

    def found(self, text: str, language: str | None = None) -> list[Match]:
        """The concepts' matches in a text; ``language`` as for ``document_language`` (the
        case's language, which sets how its Latin-script words are read)."""
        spans = word_spans(text)
        words = [text[a:b] for a, b in spans]
        mode = document_language(words, text, language)[1]
        return self.lexicon.find(text, spans, words, mode)

    def tokens_of(self, text: str, language: str | None = None) -> list[str]:
        """The concept tokens of a case's text, for its index entry: one per mention, so that
        a text that keeps coming back to a concept ranks above one that mentions it once."""
        return [concept_token(m.concept) for m in self.found(text, language)]

    def tokens_from(self, concepts: Sequence[str], lexicon: str) -> list[str] | None:
        """``tokens_of`` from the concepts that triage found in the same text, one per mention
        (it reads the text in the same way: the case's language is what triage gave), when its
        lexicon (``terms_digest``) is the one this layer was built from; else None, and the
        caller asks ``tokens_of``. Intake and the import save that second look at the text."""
        if not lexicon or lexicon != self.source:
            return None
        return [concept_token(c) for c in concepts if c not in CONTEXT_CONCEPTS]

    def label_tokens(self, concept: str) -> list[str]:
        from insaf.search.indexing import facet_token

        found = self.concepts.get(concept)
        return [facet_token(letter, value) for letter, value in found.labels] if found else []


_lock = threading.Lock()
# (the lexicon revision it was built from, when that was last checked, the layer); the revision
# is None when the last build failed: the layer is then the one kept, and the next check builds.
_layer: tuple[int | None, float, Layer] | None = None
CHECK_SECONDS = 30.0
# The layer without concepts, for a process that could not read the lexicon and has none before.
_unread: Layer | None = None


def layer(*, fresh: bool = False) -> Layer:
    """The layer in use, rebuilt when the lexicon's revision changes (checked every 30 s, or now
    with ``fresh``: the background rewrite of stale entries, which would otherwise write a few
    with the lexicon before a change).

    A lexicon that cannot be read (data/concepts edited by hand into a wrong shape) stops neither
    intake nor search: the error is logged, naming the file, the line and the problem, and the
    process keeps the layer it built before, or, when it has none, uses one without concepts
    (search by the words alone, entries indexed without concepts); the next check reads the files
    again. The system check of insaf/search/checks.py refuses such files before a deployment."""
    global _layer
    from insaf.search.lexicon import revision

    now = time.monotonic()
    held = _layer
    if held is not None and not fresh and now - held[1] < CHECK_SECONDS:
        return held[2]
    with _lock:
        current = revision()
        if _layer is not None and _layer[0] == current:
            _layer = (current, now, _layer[2])
        else:
            try:
                _layer = (current, now, _build())
            except UNREADABLE as error:
                _layer = (None, now, _unreadable(error))
        return _layer[2]


def _build() -> Layer:
    from insaf.search.lexicon import concept_names, folder, lexicon_terms

    names = concept_names()
    meta = folder() / "meta"
    return Layer(
        lexicon_terms(),
        names,
        read_labels(meta / "labels.csv"),
        read_queries(meta / "queries.csv", names),
    )


def _unreadable(error: LexiconError | OSError | csv.Error) -> Layer:
    """The layer to use when the lexicon cannot be read (``error``, logged): the one built
    before, else one without concepts."""
    global _unread
    from insaf.search.lexicon import file_problem, folder

    if _layer is None:
        _unread = _unread or Layer([], {})
        kept = _unread
    else:
        kept = _layer[2]
    with override("en"):
        problem = file_problem(error)
    log.error(
        "The concept lexicon in %s cannot be read (%s): %s until it is corrected; read again "
        "in %d s.",
        folder(),
        problem,
        "search and intake go on without concepts"
        if kept is _unread
        else "search and intake keep the lexicon read before",
        CHECK_SECONDS,
    )
    return kept


def warm() -> None:
    """Build the layer now (a web worker at start-up), if the database answers."""
    from django.db import DatabaseError

    try:
        layer()
    except DatabaseError:  # not migrated yet: the first search or filing builds it
        pass


def forget() -> None:
    """Drop the layer (tests that change the lexicon's source)."""
    global _layer
    _layer = None


# --- Queries -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expansion:
    """The typed query with each concept word also standing for its concept and labels."""

    query: Query
    # concept → the words of the query that named it
    concepts: dict[str, str]
    # The expanded query without the plain words that name no concept ("رشوة الزرقاء" → bribery
    # alone), and those words; None when every word named a concept or none did.
    loose: Query | None = None
    dropped: tuple[str, ...] = ()
    # The typed query without the root keys of the words that name a concept (None: the same
    # as typed): "كسور" (fractures) finds "كسروا الزجاج" (they broke the glass: the root only)
    # with the cases found by meaning, not among the exact matches; so does "حامل" (pregnant)
    # find "أتحمل" (I bear).
    exact: Query | None = None
    # The typed words whose root key only the tiers by meaning keep.
    roots: tuple[str, ...] = ()


def _query_matches(text: str, words: list[str]) -> list[Match]:
    """The concept terms in the query, read as typed and, for Latin words, also as Arabizi
    ("tadwira")."""
    lexicon = layer().query_lexicon
    found = lexicon.find(text)
    spans = word_spans(text)
    mode = document_language([text[a:b] for a, b in spans], text)[1]
    # Latin words in lower case may be Arabizi ("tadwira"); a capitalised one is a name. A query
    # that an English or French term already met is in that language: its other words are read
    # as Arabizi only when they have Arabizi's digits ("elderly" is not الدريل, a drill; nor
    # "perdu" بارودة, a rifle).
    if mode != "arabizi" and any(w.isascii() and w.islower() for w in words):
        seen = {(m.concept, m.start) for m in found}
        latin = any(m.term.lang in ("en", "fr") for m in found)
        extra = lexicon.find(text, spans, [text[a:b] for a, b in spans], "arabizi")
        found += [
            m
            for m in extra
            if (m.concept, m.start) not in seen
            and (not latin or any(map(has_arabizi_digits, text[m.start : m.end].split())))
        ]
    return found


def _item_words(item: Item) -> list[Term] | None:
    if isinstance(item, Term):
        return [item]
    if isinstance(item, Phrase):
        return list(item.words)
    return None  # an OR group: left as typed


def _positions(text: str, words: list[str]) -> list[int] | None:
    """Where each word (in order) starts in the query as typed, or None."""
    starts, position = [], 0
    for word in words:
        at = text.find(word, position)
        if at < 0:
            return None
        starts.append(at)
        position = at + len(word)
    return starts


def expand(typed: Query, text: str | None = None) -> Expansion | None:
    """The query with its concept words expanded, or None when no word names a concept.
    ``text``: the query as typed, so that terms with words the parser drops match ("pot-de-vin",
    "lack of care"); without it, the kept words are read alone."""
    # The words of the required items, in order, with the item each comes from.
    words: list[str] = []
    owner: list[int] = []
    for index, item in enumerate(typed.required):
        terms = _item_words(item)
        if not terms or any(t.prefix or not t.word for t in terms):
            continue
        for term in terms:
            words.append(term.word)
            owner.append(index)
    # The words typed with a * that name concepts ("passp*"), and those concepts' words.
    prefixes: dict[int, set[str]] = {}
    prefix_words: dict[str, str] = {}
    for index, item in enumerate(typed.required):
        if isinstance(item, Term) and item.prefix and item.tokens:
            starting = layer().named_by_prefix(item.tokens[0])
            if starting:
                prefixes[index] = starting
                prefix_words.update(dict.fromkeys(starting, item.tokens[0] + "*"))
    if not words and not prefixes and not any(isinstance(i, AnyOf) for i in typed.required):
        return None
    starts = _positions(text, words) if text else None
    if text is None or starts is None:
        text = " ".join(words)
        starts = _positions(text, words) or []
    # Each word belongs to the longest term that covers it ("اختفاء قسري" is a disappearance,
    # not a child because "قسري" alone might be read as قاصر).
    found = _query_matches(text, words) if words else []
    matches = sorted(found, key=lambda m: -(m.end - m.start))
    taken: dict[int, tuple[int, int]] = {}  # word → the span of the term that took it
    groups: dict[tuple[int, ...], set[str]] = {}  # the words of a term → its concepts
    covered: dict[str, str] = {}
    for match in matches:
        inside = tuple(i for i, s in enumerate(starts) if match.start <= s < match.end)
        if not inside or any(
            taken.get(i, (match.start, match.end)) != (match.start, match.end) for i in inside
        ):
            continue
        items = [owner[i] for i in inside]
        if len(set(items)) > 1 and any(isinstance(typed.required[o], Phrase) for o in items):
            continue  # across a phrase's edge
        first_words = [i for i, o in enumerate(owner) if o in set(items)]
        if first_words != list(inside):
            continue  # part of a phrase only
        for i in inside:
            taken[i] = (match.start, match.end)
        groups.setdefault(inside, set()).add(match.concept)
        covered.setdefault(match.concept, text[match.start : match.end])
    # A label's own words add nothing where a concept of the same words stands for that label.
    current = layer()
    for inside, concepts in groups.items():
        known = [current.concepts[c] for c in concepts if c in current.concepts]
        carried = {label for c in known if not c.label_only for label in c.labels}
        groups[inside] = {
            c.code for c in known if not (c.label_only and set(c.labels) <= carried)
        } | (concepts - set(current.concepts))
    kept_concepts: set[str] = set().union(*groups.values())
    covered = {c: words for c, words in covered.items() if c in kept_concepts}
    # An OR group: each of its words alone.
    alternatives: dict[int, AnyOf] = {}
    for index, item in enumerate(typed.required):
        if isinstance(item, AnyOf):
            inner: list[Term | Phrase] = []
            for option in item.items:
                expanded = _alone(option, covered) if isinstance(option, Term) else None
                inner.append(expanded or option)
            if inner != list(item.items):
                alternatives[index] = AnyOf(tuple(inner))
    for concept, typed_word in prefix_words.items():
        covered.setdefault(concept, typed_word)
    if not groups and not alternatives and not prefixes:
        return None
    # item → (the items its group spans, the group's concepts); a group's first item carries it.
    by_first: dict[int, tuple[list[int], set[str]]] = {}
    for inside, concepts in groups.items():
        items = sorted({owner[i] for i in inside})
        by_first[items[0]] = (items, concepts)
    skip: set[int] = set()
    required: list[Item] = []
    rootless: dict[int, Term] = {}  # typed words that name a concept, without their root key
    rooted: list[str] = []  # of those, the words whose root key the exact tier leaves out
    kept: list[Item] = []  # the loose query: ``required`` less the words that name no concept
    dropped: list[str] = []
    for index, item in enumerate(typed.required):
        if index in skip:
            continue
        if index in alternatives:
            required.append(alternatives[index])
            kept.append(alternatives[index])
            continue
        if index in prefixes and isinstance(item, Term):
            # The words that start so, or the concepts they name.
            either = AnyOf((item, Term(_tokens(prefixes[index]))))
            required.append(either)
            kept.append(either)
            continue
        if index not in by_first:
            required.append(item)
            if isinstance(item, Term) and _droppable(item):
                dropped.append(item.word)
            else:
                kept.append(item)
            continue
        items, concepts = by_first[index]
        tokens = list(_tokens(concepts))
        if len(items) == 1 and isinstance(item, Term):
            strict = _without_root(item)
            if strict != item:
                rootless[index] = strict
                rooted.append(item.word)
            named: Item = replace(item, tokens=tuple(dict.fromkeys(item.tokens + tuple(tokens))))
        elif len(items) == 1 and isinstance(item, Phrase):
            named = AnyOf((item, Term(tuple(dict.fromkeys(tokens)))))
        else:
            # Several typed words that together are one term: the words next to each other, or
            # the concept (the words apart were matched as typed already).
            joined = tuple(t for i in items for t in (_item_words(typed.required[i]) or []))
            named = AnyOf((Phrase(joined), Term(tuple(dict.fromkeys(tokens)))))
            skip.update(items[1:])
        required.append(named)
        kept.append(named)
    loose = None
    if dropped and kept:
        loose = Query(required=kept, excluded=typed.excluded)
    exact = None
    if rootless:
        exact = Query(
            required=[rootless.get(i, item) for i, item in enumerate(typed.required)],
            excluded=typed.excluded,
        )
    return Expansion(
        Query(required=required, excluded=typed.excluded),
        covered,
        loose,
        tuple(dropped),
        exact,
        tuple(rooted),
    )


def _without_root(term: Term) -> Term:
    """A typed word that names a concept, for the exact tier: without its root key (a case that
    shares only the root with it is found with the concept's cases, by meaning)."""
    tokens = tuple(t for t in term.tokens if not t.startswith(ROOT_KEY))
    return replace(term, tokens=tokens) if tokens and tokens != term.tokens else term


def _droppable(term: Term) -> bool:
    """A query word that may be left out of the loose form: not a prefix, not a word with digits
    (a number, a cell, a plate is what the officer wants), unless its digits are arabizi letters
    ("mo3amala")."""
    if term.prefix or not term.word:
        return False
    return not any(ch.isdigit() for ch in term.word) or has_arabizi_digits(term.word.lower())


def _tokens(concepts: set[str]) -> tuple[str, ...]:
    tokens: list[str] = []
    current = layer()
    for concept in sorted(concepts):
        found = current.concepts.get(concept)
        if found is None or not found.label_only:
            tokens.append(concept_token(concept))
        tokens += current.label_tokens(concept)
    return tuple(tokens)


def _alone(term: Term, covered: dict[str, str]) -> Term | None:
    """One word of an OR group with the concepts it names by itself, or None."""
    if term.prefix or not term.word:
        return None
    concepts = {
        m.concept
        for m in _query_matches(term.word, [term.word])
        if m.end - m.start == len(term.word)
    }
    if not concepts:
        return None
    for concept in concepts:
        covered.setdefault(concept, term.word)
    return replace(term, tokens=tuple(dict.fromkeys(term.tokens + _tokens(concepts))))


def reason(
    text: str, facets: set[str], concepts: dict[str, str], language: str | None = None
) -> tuple[str, list[tuple[int, int]]]:
    """Why a case found through ``concepts`` matched, and where: "bribery — حق الشاي" (the
    concept's name and the case's own words, whose spans are returned for highlighting), else the
    concept's name and the label the case carries."""
    current = layer()
    matches = [m for m in current.found(text, language) if m.concept in concepts]
    if matches:
        first = matches[0]
        name = current.concepts[first.concept].name()
        return f"{name} — {text[first.start : first.end]}", [(m.start, m.end) for m in matches]
    for concept in concepts:
        info = current.concepts.get(concept)
        if info is None:
            continue
        for (letter, value), token in zip(info.labels, current.label_tokens(concept), strict=True):
            if token in facets:
                if info.label_only:
                    return label_name(letter, value), []
                return f"{info.name()} — {label_name(letter, value)}", []
    return "", []


def label_name(letter: str, value: str) -> str:
    from insaf.triage.labels import Category, Vulnerable

    if letter == "c" and value in Category.values:
        return str(Category(value).label)
    if letter == "v" and value in Vulnerable.values:
        return str(Vulnerable(value).label)
    if letter == "g":
        return gettext("Grave human-rights allegation")
    return value
