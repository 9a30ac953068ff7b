"""A plain-Python evaluator of parsed queries over analysed entries: the meaning both databases
must agree with. A test runs each query on the database under test and here, and wants the same
cases; run on SQLite and on PostgreSQL, it shows the two backends agree with each other."""

from __future__ import annotations

from insaf.search.query import AnyOf, Item, Phrase, Query, Term


class Document:
    def __init__(self, body: str, alt: str, facets: str = "") -> None:
        self.streams = [body.split(), alt.split()]
        self.tokens = set(self.streams[0]) | set(self.streams[1]) | set(facets.split())

    def has(self, term: Term) -> bool:
        if term.prefix:
            return any(t.startswith(p) for t in self.tokens for p in term.tokens)
        return any(t in self.tokens for t in term.tokens)

    def has_phrase(self, phrase: Phrase) -> bool:
        words = [w.tokens[0] for w in phrase.words]
        for stream in self.streams:
            for start in range(len(stream) - len(words) + 1):
                if stream[start : start + len(words)] == words:
                    return True
        return False

    def matches_item(self, item: Item) -> bool:
        if isinstance(item, Term):
            return self.has(item)
        if isinstance(item, Phrase):
            return self.has_phrase(item)
        assert isinstance(item, AnyOf)
        return any(self.matches_item(inner) for inner in item.items)

    def matches(self, query: Query) -> bool:
        return all(self.matches_item(i) for i in query.required) and not any(
            self.matches_item(i) for i in query.excluded
        )
