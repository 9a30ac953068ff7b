"""Highlighted snippets, cut from the original text of a case (no Django).

The index holds analysed tokens, so a database's own snippet function would show stems. Instead
each word of the original text goes through the analyser (cached: texts repeat their words) and is
marked when one of its tokens is a query term, so "التعذيب" is marked for the query "تعذيب" and
"3azaboni" for "عذبوني". The window with the most marked words is kept. The result is HTML: the
text escaped, the marked words in ``<mark>``.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from insaf.search.query import Query
from insaf.text import query_alternatives, word_spans, word_terms
from insaf.text.arabizi import ROOT_KEY

WINDOW = 32  # words
MAX_CHARS = 20_000  # longer texts are highlighted in their beginning only


@lru_cache(maxsize=50_000)
def _terms(word: str) -> frozenset[str]:
    # And its root key, which the index holds too: a case found by a word's root ("تعذيب",
    # "عذبوني") shows that word marked.
    roots = (t for t in query_alternatives(word) if t.startswith(ROOT_KEY))
    return frozenset(word_terms(word)).union(roots)


def _matcher(query: Query) -> tuple[frozenset[str], tuple[str, ...]]:
    exact: set[str] = set()
    prefixes: list[str] = []
    for term in query.terms():
        if term.prefix:
            prefixes.extend(term.tokens)
        else:
            exact.update(term.tokens)
    return frozenset(exact), tuple(prefixes)


def snippet(
    text: str,
    query: Query,
    *,
    window: int = WINDOW,
    spans: list[tuple[int, int]] | None = None,
) -> str:
    """``spans``: character ranges also to mark (the words a concept was found by)."""
    text = text[:MAX_CHARS]
    also = spans or []
    spans = word_spans(text)
    if not spans:
        return escape(text[:200])
    exact, prefixes = _matcher(query)
    marked = []
    for start, end in spans:
        terms = _terms(text[start:end])
        # (A loop of plain tests: it runs for every word of the ten texts a search shows.)
        hit = not exact.isdisjoint(terms)
        if not hit and prefixes:
            hit = any(t.startswith(prefixes) for t in terms)
        if not hit and also:
            hit = any(a <= start and end <= b for a, b in also)
        marked.append(hit)
    # The window of ``window`` words with the most marked words (the first such window).
    count = sum(marked[:window])
    best, best_count = 0, count
    for first in range(1, len(spans) - window + 1):
        count += marked[first + window - 1] - marked[first - 1]
        if count > best_count:
            best, best_count = first, count
    last = min(len(spans), best + window)
    begin = spans[best][0] if best > 0 else 0
    finish = spans[last - 1][1]
    parts = ["…" if begin > 0 else ""]
    position = begin
    for index in range(best, last):
        start, end = spans[index]
        if marked[index]:
            parts.append(escape(text[position:start]))
            parts.append(f"<mark>{escape(text[start:end])}</mark>")
            position = end
    parts.append(escape(text[position:finish]))
    if finish < len(text.rstrip()):
        parts.append("…")
    return "".join(parts)
