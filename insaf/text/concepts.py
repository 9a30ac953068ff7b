"""Concepts: what a text talks about (bribery, beating, passports ...), found by their terms.

A concept's terms are kept as data (``data/concepts/*.csv``, see its README) in Modern Standard
Arabic, the dialects, Arabizi, English and French. A term matches words of a text whose analysed
forms meet its own (``word_terms``: stems, alternative stems, consonant skeletons, the Arabic forms
of Arabizi words, English and French stems), so "ضربوني" matches "وضربوه", "darbouni" and
"ضربوني" meet through their skeleton, and a term of several words matches them next to each other.
Words of the same script must share a stem; Arabic script meets Arabizi through the Arabic forms
of Arabizi words and their skeletons (of three consonants or more); English and French terms meet
only Latin words (``_meet`` and data/concepts/README.md say exactly how). A word the analyser
drops (a stop word such as "في") matches the same word, folded.

Pure Python, like the rest of ``insaf.text``; triage (insaf/triage) turns the matches into
features and evidence.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple, cast

from insaf.language import gettext_noop
from insaf.text import stopwords
from insaf.text.analysis import (
    clitic_stems,
    document_language,
    english_forms,
    word_spans,
    word_terms,
)
from insaf.text.arabizi import ROOT_KEY, SKELETON_ARABIC, SKELETON_ARABIZI, has_arabizi_digits
from insaf.text.normalize import fold

LANGS = frozenset(
    {"ar", "ar-eg", "ar-gulf", "ar-lev", "ar-iq", "ar-ma", "ar-ye", "arabizi", "en", "fr"}
)
COLUMNS = ("concept", "lang", "term", "note")
_SKELETONS = (SKELETON_ARABIC, SKELETON_ARABIZI, ROOT_KEY)
# Concepts whose terms carry their meaning in a word's ending, which stemming removes (the
# feminine ة of "موظفة", "زوجتي" beside "زوجي", French "allée"): a word of their terms must also
# end as the term's word does (its last two letters, folded).
ENDING_CONCEPTS = frozenset({"woman"})
_ARABIC = re.compile("[\u0600-\u06ff]")


def terms_digest(terms: Iterable[Term]) -> str:
    """A short digest of a set of terms (their order does not matter): two lexicons with the same
    digest find the same concepts in a text."""
    digest = hashlib.sha256()
    for line in sorted({f"{t.concept}|{t.lang}|{t.text}" for t in terms}):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()[:16]


class LexiconError(ValueError):
    """A lexicon file that does not follow the format (the message names the file and line).

    ``str()`` is the message in English. ``message`` is its template, in Django's catalogues, and
    ``params`` fills it: Django code shows ``gettext(error.message) % error.params``, in the
    reader's language (``insaf concepts load`` does)."""

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message % params)


@dataclass(frozen=True)
class Term:
    concept: str
    lang: str
    text: str


class Match(NamedTuple):
    concept: str
    term: Term
    start: int  # character offsets of the matched words in the text
    end: int


@dataclass(frozen=True)
class _Word:
    """A word's analysed forms, by kind."""

    arabic: bool  # written in Arabic script
    stems: frozenset[str]  # in its own script (Latin words: the word and its en/fr stems)
    translits: frozenset[str]  # a Latin word's Arabic forms, read as arabizi
    skeletons: frozenset[str]  # consonant skeletons (marked) of at least MIN_SKELETON letters
    folded: str
    keys: frozenset[str]  # what a text's word is looked up by, read as written
    arabizi_keys: frozenset[str]  # ... and, for a Latin word, read as arabizi
    arabizi_digits: bool  # a Latin word with the digits only arabizi has
    function: bool  # a Latin word that is a function word in arabizi (stopwords.ARABIZI)


MIN_SKELETON = 3  # shorter skeletons join unrelated words ("fel", "kia", "les")


# The words that, after و or ف, the stemmer leaves on and the matcher reads off ("وما").
_FUNCTION_WORDS = stopwords.ARABIC | stopwords.NEGATIONS


def _clitic_forms(folded: str) -> set[str]:
    """A word's forms that the light stemmer does not give: a function word of two letters after
    و or ف ("وما": ما, "ولا", "فمش"; the stemmer keeps three letters at least, and "وقف" is not
    "قف"). (The noun after a contracted على, "عالمخابرات", is among the word's stems already.)"""
    if len(folded) == 3 and folded[0] in ("و", "ف") and folded[1:] in _FUNCTION_WORDS:
        return word_terms(folded[1:])
    return set()


@lru_cache(maxsize=131072)
def _word(word: str, clitics: bool = False) -> _Word:
    """``clitics``: a text's word, also read without the clitics the stemmer leaves on
    (``_clitic_forms``); a term's word is read as written ("وقف" is not "قف")."""
    forms = word_terms(word)
    folded = fold(word).lower()
    # Arabic letters, not digits: "١٥" is 15, as a term writes it.
    arabic = bool(_ARABIC.search(folded))
    if arabic and clitics:
        forms = forms | _clitic_forms(folded)
    skeletons = frozenset(
        t for t in forms if t.startswith(_SKELETONS) and len(t) - 1 >= MIN_SKELETON
    )
    plain = [t for t in forms if not t.startswith(_SKELETONS)]
    translits: frozenset[str] = frozenset()
    if arabic:
        stems = frozenset(plain)
    else:
        stems = frozenset(t for t in plain if not _ARABIC.search(t))
        translits = frozenset(t for t in plain if _ARABIC.search(t))
    keys = stems | {"=" + folded}
    if folded[:1] in ("و", "ف"):
        keys |= {"=" + folded[1:]}  # a stop word after و or ف
    arabizi_keys = keys if arabic else keys | translits | skeletons
    digits = not arabic and has_arabizi_digits(folded)
    function = not arabic and folded in stopwords.ARABIZI
    return _Word(arabic, stems, translits, skeletons, folded, keys, arabizi_keys, digits, function)


# How a term's word meets a text's words, by the term's language and script.
ARABIC, LATIN, ARABIZI = "arabic", "latin", "arabizi"


class _TermWord(NamedTuple):
    word: _Word
    kind: str  # ARABIC (Arabic script), LATIN (English or French), ARABIZI (Latin script)
    need: frozenset[str]  # a text's word must have one of these keys
    formed: bool  # it has forms to meet (else it is a stop word, met by its folded spelling)
    # A term of one word meets a Latin word read as arabizi through an Arabic form of three
    # letters or more, and not at all when the word is a function word (stopwords.ARABIZI):
    # shorter forms and function words meet too many words ("الحجة" and "7aga", a thing;
    # "التعيين" and "ta3", of; "الكانتين" and "kont", was). A word of a longer term has its
    # neighbours to vouch for it ("kanet 7amel" meets "kent 7emel").
    alone: bool = True


def _term_word(word: str, lang: str) -> _TermWord:
    analysed = _word(word)
    if analysed.arabic:
        # A term is written as a dictionary form: its leading ب ل ك ف or عال are its own letters
        # ("كهربوه" is not "هرب", which "وهرب" would meet).
        extra = clitic_stems(word)
        if extra:
            stems = analysed.stems - extra
            analysed = replace(analysed, stems=stems, keys=analysed.keys - extra)
        kind, need = ARABIC, analysed.stems | analysed.skeletons
    elif lang in ("en", "fr"):
        if lang == "en":
            # Not stemmed as French, where "visit" would meet "visa" (vis) and "cell" "cela"; a
            # French term keeps both stems: the English one joins inflections that French
            # stemming parts ("remercie", remerc, and "remercier", remerci).
            analysed = replace(analysed, stems=analysed.stems & english_forms(word))
        kind, need = LATIN, analysed.stems
    else:
        kind = ARABIZI
        need = analysed.stems | analysed.translits | analysed.skeletons
    return _TermWord(analysed, kind, need or frozenset({"=" + analysed.folded}), bool(need))


def _meet(term: _TermWord, word: _Word, arabizi: bool, ending: bool) -> bool:
    """Whether a text's word meets a term's word. ``arabizi``: the text's Latin words are read as
    arabizi. Arabic script meets Arabic script through stems; a term in English or French meets
    Latin words through their stems only; an arabizi word meets an Arabic term through its Arabic
    forms or its skeleton, and an arabizi term meets an Arabic word only through its Arabic forms
    (the lexicon's Arabic terms are there for Arabic words)."""
    t = term.word
    if not t.stems and not t.skeletons and not t.translits:  # a stop word, after و or ف or not
        return word.folded == t.folded or (
            word.folded[:1] in ("و", "ف") and word.folded[1:] == t.folded
        )
    if ending and not word.folded.endswith(t.folded[-2:]):
        return False
    if term.kind == ARABIC:
        if word.arabic:
            return not t.stems.isdisjoint(word.stems)
        return arabizi and _meets_arabizi(t.stems, term, word)
    if term.kind == LATIN:
        return not word.arabic and not t.stems.isdisjoint(word.stems)
    if word.arabic:
        return not t.translits.isdisjoint(word.stems)
    if not t.stems.isdisjoint(word.stems):
        return True
    return arabizi and _meets_arabizi(t.translits, term, word)


def _meets_arabizi(forms: frozenset[str], term: _TermWord, word: _Word) -> bool:
    """Whether a Latin word read as arabizi meets a term's word through the term's Arabic
    ``forms`` (an Arabic term's stems, an arabizi term's transliterations) or its skeletons; a
    term of one word only through a form of three letters or more, and never a function word
    (see ``_TermWord.alone``)."""
    skeletons = term.word.skeletons
    if term.alone:
        return not word.function and (
            any(len(s) >= 3 for s in forms & word.translits)
            or not skeletons.isdisjoint(word.skeletons)
        )
    return not forms.isdisjoint(word.translits) or not skeletons.isdisjoint(word.skeletons)


class Lexicon:
    """Terms indexed by the look-up keys of their anchor word (the longest with forms)."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms: list[Term] = []
        self._words: list[tuple[_TermWord, ...]] = []
        self._first: dict[str, list[int]] = {}
        # Per way of reading Latin words (as written, as arabizi): word -> the terms it anchors.
        self._caches: tuple[dict[str, _Starting], dict[str, _Starting]] = ({}, {})
        self._anchor: list[int] = []
        self._candidates: list[_Candidate] = []
        seen: set[tuple[str, tuple[_TermWord, ...]]] = set()
        for term in terms:
            words = tuple(_term_word(term.text[a:b], term.lang) for a, b in word_spans(term.text))
            if len(words) > 1:
                words = tuple(w._replace(alone=False) for w in words)
            if not words or (term.concept, words) in seen:
                continue
            seen.add((term.concept, words))
            index = len(self.terms)
            self.terms.append(term)
            self._words.append(words)
            # Found by its longest word with forms, the rarest in texts ("une rançon" by
            # "rançon", not by "une"; "je suis allée" by "allée"); a term of stop words only by
            # its first word, folded.
            formed = [i for i, w in enumerate(words) if w.formed]
            anchor = max(formed, key=lambda i: (len(words[i].word.folded), -i)) if formed else 0
            self._anchor.append(anchor)
            self._candidates.append(self._candidate(index))
            for key in words[anchor].need:
                self._first.setdefault(key, []).append(index)

    @property
    def concepts(self) -> list[str]:
        return sorted({term.concept for term in self.terms})

    @classmethod
    def load(cls, folder: Path) -> Lexicon:
        return cls(read_terms(folder))

    def _starting(self, word: str, arabizi: bool) -> _Starting:
        """The terms whose anchor word meets ``word``, longest first (cached per word and way of
        reading Latin words)."""
        cache = self._caches[arabizi]
        found = cache.get(word)
        if found is None:
            analysed = _word(word, clitics=True)
            reads_arabizi = _reads_arabizi(analysed, arabizi)
            indices: set[int] = set()
            for key in analysed.arabizi_keys if reads_arabizi else analysed.keys:
                indices.update(self._first.get(key, ()))
            met = sorted(
                (
                    i
                    for i in indices
                    if _meet(
                        self._words[i][self._anchor[i]],
                        analysed,
                        reads_arabizi,
                        self.terms[i].concept in ENDING_CONCEPTS,
                    )
                ),
                key=lambda i: (-len(self._words[i]), i),
            )
            candidates = tuple(self._candidates[i] for i in met)
            longer = tuple(c for c in candidates if c.rest)
            # Each longer term behind the gate of its first other word: the keys that word
            # needs, at its offset from this one.
            gates: dict[int, dict[str, list[int]]] = {}
            for rank, candidate in enumerate(longer):
                offset, part = candidate.rest[0]
                table = gates.setdefault(offset, {})
                for key in part.need:
                    table.setdefault(key, []).append(rank)
            singles: dict[str, _Candidate] = {}
            for candidate in candidates:
                if not candidate.rest:
                    singles.setdefault(candidate.term.concept, candidate)
            found = _Starting(
                bool(candidates),
                longer,
                tuple(singles.values()),
                tuple(
                    (offset, frozenset(table), {k: tuple(v) for k, v in table.items()})
                    for offset, table in gates.items()
                ),
                analysed,
                reads_arabizi,
                analysed.arabizi_keys if reads_arabizi else analysed.keys,
            )
            if len(cache) > 200_000:
                cache.clear()
            cache[word] = found
        return found

    def _candidate(self, index: int) -> _Candidate:
        pattern = self._words[index]
        anchor = self._anchor[index]
        rest = tuple((offset - anchor, part) for offset, part in enumerate(pattern))
        return _Candidate(
            self.terms[index],
            anchor,
            len(pattern),
            tuple(pair for pair in rest if pair[0] != 0),
            self.terms[index].concept in ENDING_CONCEPTS,
        )

    def find(
        self,
        text: str,
        spans: list[tuple[int, int]] | None = None,
        words: list[str] | None = None,
        mode: str | None = None,
    ) -> list[Match]:
        """Every match of a term in ``text`` (at most one per concept and anchor word), in
        order of position. ``spans``: the text's ``word_spans``, ``words`` the words at them, and
        ``mode`` how its Latin words are read (``document_language``), when the caller has them."""
        spans = word_spans(text) if spans is None else spans
        words = [text[a:b] for a, b in spans] if words is None else words
        if mode is None:
            mode = document_language(words, text)[1]
        arabizi = mode == "arabizi"
        found: list[Match] = []
        count = len(spans)
        cached = list(map(self._caches[arabizi].get, words))
        starts = (
            cast(list[_Starting], cached)
            if None not in cached
            else [
                self._starting(word, arabizi) if start is None else start
                for word, start in zip(words, cached, strict=True)
            ]
        )
        for position in [i for i, start in enumerate(starts) if start.anchors]:
            start = starts[position]
            # Terms of several words only when the word at their first other word's offset has
            # a key it needs (a loop, not a comprehension: this runs for most words of a text).
            ranks: set[int] | None = None
            for offset, needed, table in start.gates:
                near = position + offset
                if 0 <= near < count:
                    keys = starts[near].keys
                    if not needed.isdisjoint(keys):
                        if ranks is None:
                            ranks = set()
                        for key in needed.intersection(keys):
                            ranks.update(table[key])
            if ranks is None:
                if start.single:  # one per concept already
                    stop = spans[position]
                    found += [Match(c.term.concept, c.term, stop[0], stop[1]) for c in start.single]
                continue
            candidates = [start.longer[rank] for rank in sorted(ranks)]
            candidates += start.single
            done: set[str] = set()
            for term, anchor, length, rest, ending in candidates:
                concept = term.concept
                if concept in done:
                    continue
                first = position - anchor
                if rest:
                    if first < 0 or first + length > count:
                        continue
                    # Every other word of the term meets its neighbour (a loop, not all() over
                    # a generator: this runs for most words of every text).
                    missing = False
                    for offset, part in rest:
                        other = starts[position + offset]
                        if part.need.isdisjoint(other.keys) or not _meet(
                            part, other.word, other.reads_arabizi, ending
                        ):
                            missing = True
                            break
                    if missing:
                        continue
                done.add(concept)
                found.append(Match(concept, term, spans[first][0], spans[first + length - 1][1]))
        found.sort(key=_START)
        return found


def _reads_arabizi(word: _Word, arabizi: bool) -> bool:
    """Whether a text's word is read as arabizi: a Latin word in a text of arabizi, or with the
    digits that only arabizi has ("3azabouni")."""
    return not word.arabic and (arabizi or word.arabizi_digits)


_START = itemgetter(2)  # a Match's start


class _Candidate(NamedTuple):
    """A term that may start at a word: its anchor's offset in it, its length in words, the
    other words with their offsets from the anchor, and whether endings must agree."""

    term: Term
    anchor: int
    length: int
    rest: tuple[tuple[int, _TermWord], ...]
    ending: bool


class _Starting(NamedTuple):
    """A text's word as the lexicon sees it: the terms it may anchor (those of several words,
    longest first, behind the gates their other words' keys make; those of one word), and what it
    offers as the neighbour of another word's term (its analysed forms, whether it is read as
    arabizi, its look-up keys)."""

    anchors: bool  # it may anchor a term
    longer: tuple[_Candidate, ...]  # the terms of several words, longest first
    single: tuple[_Candidate, ...]  # the terms of one word, one per concept
    # Per offset from the word, the keys a neighbour there must have for a longer term, each
    # with the ranks in ``longer`` of the terms whose first other word needs it.
    gates: tuple[tuple[int, frozenset[str], dict[str, tuple[int, ...]]], ...]
    word: _Word
    reads_arabizi: bool
    keys: frozenset[str]


def lexicon_text(path: Path) -> io.StringIO:
    """A lexicon file's text, for ``csv`` to read, without the byte-order mark that spreadsheets
    write at the start of "CSV UTF-8"; LexiconError naming the line of its first bytes that are
    not UTF-8 (a file saved in another encoding). OSError when it cannot be read."""
    data = path.read_bytes()
    try:
        return io.StringIO(data.decode("utf-8-sig"), newline="")
    except UnicodeDecodeError as error:
        raise LexiconError(
            gettext_noop("%(file)s, line %(line)s: not valid UTF-8"),
            file=path.name,
            line=data.count(b"\n", 0, error.start) + 1,
        ) from None


def read_terms(folder: Path) -> list[Term]:
    """The terms of every ``*.csv`` file of ``folder``, checked (LexiconError on bad rows)."""
    terms: list[Term] = []
    for path in sorted(folder.glob("*.csv")):
        with lexicon_text(path) as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None or tuple(h.strip() for h in header) != COLUMNS:
                raise LexiconError(
                    gettext_noop("%(file)s: the header must be %(columns)s"),
                    file=path.name,
                    columns=",".join(COLUMNS),
                )
            for number, row in enumerate(reader, start=2):
                if not row or not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(COLUMNS):
                    raise LexiconError(
                        gettext_noop(
                            "%(file)s, line %(line)s: %(count)s columns, not %(expected)s"
                        ),
                        file=path.name,
                        line=number,
                        count=len(row),
                        expected=len(COLUMNS),
                    )
                concept, lang, text = (cell.strip() for cell in row[:3])
                if not re.fullmatch(r"[a-z][a-z_]*", concept):
                    raise LexiconError(
                        gettext_noop("%(file)s, line %(line)s: bad concept %(concept)s"),
                        file=path.name,
                        line=number,
                        concept=repr(concept),
                    )
                if lang not in LANGS:
                    raise LexiconError(
                        gettext_noop("%(file)s, line %(line)s: unknown lang %(lang)s"),
                        file=path.name,
                        line=number,
                        lang=repr(lang),
                    )
                if not word_spans(text):
                    raise LexiconError(
                        gettext_noop("%(file)s, line %(line)s: the term has no word"),
                        file=path.name,
                        line=number,
                    )
                terms.append(Term(concept, lang, text))
    return terms
