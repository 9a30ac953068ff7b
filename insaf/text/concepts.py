"""Concepts: what a text talks about (bribery, beating, passports ...), found by their terms.

A concept's terms are kept as data (``data/concepts/*.csv``, see its README) in Modern Standard
Arabic, the dialects, Arabizi, English and French. A term matches words of a text whose analysed
forms meet its own (``word_terms``: stems, alternative stems, consonant skeletons, the Arabic forms
of Arabizi words, English and French stems), so "ضربوني" matches "وضربوه", "darbouni" and
"ضربوني" meet through their skeleton, and a term of several words matches them next to each other.
Words of the same script must share a stem; a skeleton only joins Arabic script to Latin script
(Arabic words with different stems often share one). A word the analyser drops (a stop word such
as "في") matches the same word, folded.

Pure Python, like the rest of ``insaf.text``; triage (insaf/triage) turns the matches into
features and evidence.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple, cast

from insaf.text.analysis import word_spans, word_terms
from insaf.text.arabizi import ROOT_KEY, SKELETON_ARABIC, SKELETON_ARABIZI
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


class LexiconError(ValueError):
    """A lexicon file that does not follow the format (the message names the file and line)."""


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
    stems: frozenset[str]
    skeletons: frozenset[str]
    arabic: bool
    folded: str
    keys: frozenset[str]  # what it is looked up by (_keys)
    need: frozenset[str]  # as a term's word: a text's word must have one of these keys


@lru_cache(maxsize=131072)
def _word(word: str) -> _Word:
    forms = word_terms(word)
    stems = frozenset(t for t in forms if not t.startswith(_SKELETONS))
    skeletons = frozenset(t for t in forms if t.startswith(_SKELETONS))
    folded = fold(word).lower()
    keys = stems | skeletons | {"=" + folded}
    if folded[:1] in ("و", "ف"):
        keys |= {"=" + folded[1:]}  # a stop word after و or ف
    need = stems | skeletons or frozenset({"=" + folded})
    return _Word(stems, skeletons, bool(_ARABIC.search(word)), folded, keys, need)


def _meet(term: _Word, word: _Word, ending: bool) -> bool:
    if not term.stems and not term.skeletons:  # a stop word, perhaps after و or ف
        return word.folded == term.folded or (
            word.folded[:1] in ("و", "ف") and word.folded[1:] == term.folded
        )
    if ending and not word.folded.endswith(term.folded[-2:]):
        return False
    if term.stems & word.stems:
        return True
    return term.arabic != word.arabic and bool(term.skeletons & word.skeletons)


class Lexicon:
    """Terms indexed by the look-up keys of their anchor word (the longest with forms)."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms: list[Term] = []
        self._words: list[tuple[_Word, ...]] = []
        self._first: dict[str, list[int]] = {}
        self._cache: dict[str, _Starting] = {}
        self._anchor: list[int] = []
        self._candidates: list[_Candidate] = []
        seen: set[tuple[str, tuple[_Word, ...]]] = set()
        for term in terms:
            words = tuple(_word(term.text[a:b]) for a, b in word_spans(term.text))
            if not words or (term.concept, words) in seen:
                continue
            seen.add((term.concept, words))
            index = len(self.terms)
            self.terms.append(term)
            self._words.append(words)
            # Found by its longest word with forms, the rarest in texts ("une rançon" by
            # "rançon", not by "une"; "je suis allée" by "allée"); a term of stop words only by
            # its first word, folded.
            formed = [i for i, w in enumerate(words) if w.stems or w.skeletons]
            anchor = max(formed, key=lambda i: (len(words[i].folded), -i)) if formed else 0
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

    def _starting(self, word: str) -> _Starting:
        """The terms whose anchor word meets ``word``, longest first (cached per word)."""
        found = self._cache.get(word)
        if found is None:
            analysed = _word(word)
            indices: set[int] = set()
            for key in analysed.keys:
                indices.update(self._first.get(key, ()))
            met = sorted(
                (
                    i
                    for i in indices
                    if _meet(
                        self._words[i][self._anchor[i]],
                        analysed,
                        self.terms[i].concept in ENDING_CONCEPTS,
                    )
                ),
                key=lambda i: (-len(self._words[i]), i),
            )
            candidates = tuple(self._candidates[i] for i in met)
            gates: dict[int, set[str]] = {}
            for candidate in candidates:
                for offset, part in candidate.rest:
                    gates.setdefault(offset, set()).update(part.need)
            singles: dict[str, _Candidate] = {}
            for candidate in candidates:
                if not candidate.rest:
                    singles.setdefault(candidate.term.concept, candidate)
            found = _Starting(
                candidates,
                tuple(singles.values()),
                tuple((offset, frozenset(keys)) for offset, keys in gates.items()),
            )
            if len(self._cache) > 200_000:
                self._cache.clear()
            self._cache[word] = found
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
    ) -> list[Match]:
        """Every match of a term in ``text`` (at most one per concept and anchor word), in
        order of position; ``spans``: the text's ``word_spans``, and ``words`` the words at
        them, when the caller has them."""
        spans = word_spans(text) if spans is None else spans
        words = [text[a:b] for a, b in spans] if words is None else words
        found: list[Match] = []
        analysed: list[_Word] = []  # each word's forms, made when a longer term needs them
        count = len(spans)
        cached = list(map(self._cache.get, words))
        starts = (
            cast(list[_Starting], cached)
            if None not in cached
            else [self._starting(word) for word in words]
        )
        for position in [i for i, start in enumerate(starts) if start.all]:
            start = starts[position]
            candidates = start.single
            if start.gates:
                # Terms of several words only when a neighbour has a key one of them needs.
                if not analysed:
                    analysed = list(map(_word, words))
                for offset, keys in start.gates:
                    near = position + offset
                    if 0 <= near < count and not keys.isdisjoint(analysed[near].keys):
                        candidates = start.all
                        break
            if not candidates:
                continue
            if candidates is start.single:  # one per concept already
                stop = spans[position]
                found += [Match(c.term.concept, c.term, stop[0], stop[1]) for c in candidates]
                continue
            done: set[str] = set()
            for term, anchor, length, rest, ending in candidates:
                concept = term.concept
                if concept in done:
                    continue
                first = position - anchor
                if rest:
                    if first < 0 or first + length > count:
                        continue
                    if not all(
                        not part.need.isdisjoint(analysed[position + offset].keys)
                        and _meet(part, analysed[position + offset], ending)
                        for offset, part in rest
                    ):
                        continue
                done.add(concept)
                found.append(Match(concept, term, spans[first][0], spans[first + length - 1][1]))
        found.sort(key=_START)
        return found


_START = itemgetter(2)  # a Match's start


class _Candidate(NamedTuple):
    """A term that may start at a word: its anchor's offset in it, its length in words, the
    other words with their offsets from the anchor, and whether endings must agree."""

    term: Term
    anchor: int
    length: int
    rest: tuple[tuple[int, _Word], ...]
    ending: bool


class _Starting(NamedTuple):
    """The terms a word may anchor: all of them, longest first; those of one word; and per
    offset from the word, the keys a neighbour there needs for any longer term."""

    all: tuple[_Candidate, ...]
    single: tuple[_Candidate, ...]  # one per concept
    gates: tuple[tuple[int, frozenset[str]], ...]


def read_terms(folder: Path) -> list[Term]:
    """The terms of every ``*.csv`` file of ``folder``, checked (LexiconError on bad rows)."""
    terms: list[Term] = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None or tuple(h.strip() for h in header) != COLUMNS:
                raise LexiconError(f"{path.name}: the header must be {','.join(COLUMNS)}")
            for number, row in enumerate(reader, start=2):
                if not row or not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(COLUMNS):
                    raise LexiconError(f"{path.name}, line {number}: {len(row)} columns, not 4")
                concept, lang, text = (cell.strip() for cell in row[:3])
                if not re.fullmatch(r"[a-z][a-z_]*", concept):
                    raise LexiconError(f"{path.name}, line {number}: bad concept {concept!r}")
                if lang not in LANGS:
                    raise LexiconError(f"{path.name}, line {number}: unknown lang {lang!r}")
                if not word_spans(text):
                    raise LexiconError(f"{path.name}, line {number}: the term has no word")
                terms.append(Term(concept, lang, text))
    return terms
