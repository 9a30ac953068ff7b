"""The words that decided a case's labels, marked in its text (no Django models).

Triage gives, per label, the words or phrases that led to it, as analysed text. Each word of the
case's own text goes through the same analyser and is marked when it shares a term with an
evidence word, so the officer sees the evidence where the filer wrote it, in the filer's spelling.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from insaf.text import word_spans, word_terms

MAX_CHARS = 20_000


@lru_cache(maxsize=20_000)
def _terms(word: str) -> frozenset[str]:
    return frozenset(word_terms(word))


@dataclass(frozen=True)
class Piece:
    text: str
    # The labels this word is evidence for ("grave", "category", "vulnerable.child"); empty for
    # plain text.
    labels: tuple[str, ...] = ()


def evidence_terms(evidence: dict[str, list[str]]) -> dict[str, frozenset[str]]:
    """Label → the analysed terms of its evidence words."""
    found: dict[str, frozenset[str]] = {}
    for label, phrases in evidence.items():
        terms: set[str] = set()
        for phrase in phrases:
            for start, end in word_spans(phrase):
                terms |= _terms(phrase[start:end])
        if terms:
            found[label] = frozenset(terms)
    return found


def marked(text: str, evidence: dict[str, list[str]]) -> list[Piece]:
    """The text cut into pieces: words that are evidence carry their labels."""
    by_label = evidence_terms(evidence)
    if not by_label:
        return [Piece(text)]
    pieces: list[Piece] = []
    position = 0
    for start, end in word_spans(text[:MAX_CHARS]):
        terms = _terms(text[start:end])
        labels = tuple(label for label, wanted in by_label.items() if terms & wanted)
        if not labels:
            continue
        if start > position:
            pieces.append(Piece(text[position:start]))
        pieces.append(Piece(text[start:end], labels))
        position = end
    if position < len(text):
        pieces.append(Piece(text[position:]))
    return pieces
