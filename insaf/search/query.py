"""The officers' query language, parsed once and written out for each database (no Django).

    تعذيب مركز          both words (every word must match, in any form the analyser gives it)
    "مركز شرطة"          the exact phrase (the words next to each other, in that order)
    رشوة -مرور           exclude the cases with the word after "-" (also -"a phrase")
    رشوة OR واسطة         either (also "|", and the Arabic "أو"/"او", French "OU")
    عذب*                 any word starting with these letters (search by meaning: also the
                         concepts whose words start so, insaf/search/concepts.py)

Each query word passes through the same analyser as the documents (insaf.text): it becomes the
set of index tokens it may match (its stem, its Arabic form if it is Arabizi, ...), OR'ed.
``Query.fts5()`` writes an SQLite FTS5 MATCH expression and ``Query.tsquery()`` a PostgreSQL
``to_tsquery('simple', ...)`` text with the same meaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from insaf.text import prefix_form, query_alternatives, word_spans

OR_WORDS = frozenset({"OR", "|", "OU", "أو", "او"})
MIN_PREFIX = 2
MAX_ITEMS = 12

_CHUNK = re.compile(r'-?"[^"]*"?|\S+')


class QueryError(ValueError):
    """The query has nothing to look for (only stop words, only exclusions, or is empty)."""


@dataclass(frozen=True)
class Term:
    """One query word: any of ``tokens``; a prefix of any of them when ``prefix``."""

    tokens: tuple[str, ...]
    prefix: bool = False
    # The word as typed (fuzzy matching compares its spelling); not part of the term's meaning.
    word: str = field(default="", compare=False)


@dataclass(frozen=True)
class Phrase:
    words: tuple[Term, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Term | Phrase, ...]


Item = Term | Phrase | AnyOf


@dataclass
class Query:
    required: list[Item] = field(default_factory=list)
    excluded: list[Item] = field(default_factory=list)

    def terms(self) -> list[Term]:
        """Every term of the required part (for highlighting)."""
        found: list[Term] = []

        def walk(item: Item) -> None:
            if isinstance(item, Term):
                found.append(item)
            elif isinstance(item, Phrase):
                found.extend(item.words)
            else:
                for inner in item.items:
                    walk(inner)

        for item in self.required:
            walk(item)
        return found

    # SQLite FTS5 -------------------------------------------------------------------------------

    def fts5(self) -> str:
        expression = " AND ".join(_fts5(item) for item in self.required)
        for item in self.excluded:
            expression = f"({expression}) NOT {_fts5(item)}"
        return expression

    # PostgreSQL tsquery ------------------------------------------------------------------------

    def tsquery(self) -> str:
        parts = [_ts(item) for item in self.required]
        parts += [f"!{_ts(item)}" for item in self.excluded]
        return " & ".join(parts)


def _fts5_token(token: str, prefix: bool) -> str:
    quoted = '"' + token.replace('"', '""') + '"'
    return quoted + "*" if prefix else quoted


def _fts5(item: Item) -> str:
    if isinstance(item, Term):
        options = [_fts5_token(t, item.prefix) for t in item.tokens]
        return options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")"
    if isinstance(item, Phrase):
        # FTS5 phrases hold plain tokens, so a phrase word stands for its first form only.
        return '"' + " ".join(w.tokens[0].replace('"', '""') for w in item.words) + '"'
    return "(" + " OR ".join(_fts5(inner) for inner in item.items) + ")"


def _ts_token(token: str, prefix: bool) -> str:
    quoted = "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + ":*" if prefix else quoted


def _ts(item: Item) -> str:
    if isinstance(item, Term):
        options = [_ts_token(t, item.prefix) for t in item.tokens]
        return options[0] if len(options) == 1 else "(" + " | ".join(options) + ")"
    if isinstance(item, Phrase):
        # Within one stream, as in FTS5: the body is weight A and the alternate stream B, and a
        # tsvector concatenation would otherwise make the last body token adjoin the first one.
        return (
            "("
            + " | ".join(
                "("
                + " <-> ".join(_ts_token(w.tokens[0], False) + f":{weight}" for w in item.words)
                + ")"
                for weight in "AB"
            )
            + ")"
        )
    return "(" + " | ".join(_ts(inner) for inner in item.items) + ")"


def _words(text: str) -> list[str]:
    return [text[start:end] for start, end in word_spans(text)]


def _term(word: str, *, prefix: bool) -> Term | None:
    if prefix:
        stem = prefix_form(word)
        return Term((stem,), prefix=True) if len(stem) >= MIN_PREFIX else None
    tokens = tuple(dict.fromkeys(query_alternatives(word)))
    return Term(tokens, word=word) if tokens else None


def _item(chunk: str) -> list[Term | Phrase]:
    """The items one whitespace-separated chunk of the query gives (none for stop words)."""
    if chunk.startswith('"'):
        terms = [t for w in _words(chunk.strip('"')) if (t := _term(w, prefix=False))]
        if len(terms) > 1:
            return [Phrase(tuple(terms))]
        return list(terms)
    prefix = chunk.endswith("*")
    words = _words(chunk.rstrip("*"))
    items: list[Term | Phrase] = []
    for index, word in enumerate(words):
        term = _term(word, prefix=prefix and index == len(words) - 1)
        if term is not None:
            items.append(term)
    return items


def parse(text: str) -> Query:
    """Parse an officer's query; QueryError when nothing is left to look for."""
    query = Query()
    pending_or = False
    for chunk in _CHUNK.findall(text.strip()):
        if chunk in OR_WORDS:
            pending_or = bool(query.required)
            continue
        negated = chunk.startswith("-") and len(chunk) > 1
        items = _item(chunk[1:] if negated else chunk)
        if not items:
            continue
        if negated:
            query.excluded.extend(items)
            pending_or = False
            continue
        if pending_or and query.required:
            previous = query.required.pop()
            head = previous.items if isinstance(previous, AnyOf) else (previous,)
            query.required.append(AnyOf((*head, items[0])))
            query.required.extend(items[1:])
        else:
            query.required.extend(items)
        pending_or = False
    if not query.required:
        raise QueryError(text)
    del query.required[MAX_ITEMS:]
    del query.excluded[MAX_ITEMS:]
    return query
