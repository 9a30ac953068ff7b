"""Fuzzy matching of names and misspellings: the words of the index that are spelt like a query
word, by trigram similarity.

The vocabulary (``search_term``) holds every distinct word of the cases' body streams, as the
analyser left it (folded, light-stemmed), of MIN_LENGTH to MAX_LENGTH letters. It is written with
the entries, in the same transaction (``add_terms``; a word already known costs an index look-up
and nothing else), so a name is spelt-alike findable from the moment its case is committed.

Similarity is PostgreSQL pg_trgm's: a word's trigrams are the three-letter windows of the word
padded with two spaces in front and one behind, and the similarity of two words is the number of
trigrams they share over the number of distinct trigrams of both. PostgreSQL finds the candidates
with pg_trgm's ``%`` operator and its GIN index; SQLite with the table ``search_trigram`` (a
trigram, a term: written here for every new term), counting the shared trigrams. Both then keep
exactly the candidates whose similarity, computed here, reaches THRESHOLD, so the two databases
expand a query word to the same words (pg_trgm hashes non-ASCII trigrams, and a rare collision
can only add a candidate that the exact check removes again).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import lru_cache

from django.db import connection, transaction

from insaf.search.query import AnyOf, Item, Query, Term
from insaf.text import analyze_document, prefix_form

MIN_LENGTH = 4
MAX_LENGTH = 32
MAX_TOKEN = 64  # search_term.token's length
# pg_trgm's default similarity threshold. A one-letter slip in a five-letter Arabic stem shares
# three of its six trigrams with the right word (0.33); a higher threshold would miss it.
THRESHOLD = 0.3
# At most this many similar words are added to a query word, the most similar first.
MAX_SIMILAR = 5


def indexable(key: str) -> bool:
    """Whether a spelling belongs in the vocabulary: letters only (no numbers: a phone or ID
    number is never looked up by resemblance) and of a length trigrams can tell apart."""
    return MIN_LENGTH <= len(key) <= MAX_LENGTH and key.isalpha()


@lru_cache(maxsize=200_000)
def spelling_key(word: str) -> str:
    """What a word is compared by: folded, without an Arabic article (وال بال ...), as a query
    word ending in * is (``insaf.text.prefix_form``)."""
    return prefix_form(word)


def trigrams(word: str) -> frozenset[str]:
    """pg_trgm's trigrams of one word of letters (already folded by the analyser)."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(a: str, b: str) -> float:
    first, second = trigrams(a), trigrams(b)
    shared = len(first & second)
    return shared / (len(first) + len(second) - shared)


Spelling = tuple[str, str]  # (key, index token)


def vocabulary_of(documents: Iterable[Iterable[Spelling]]) -> list[Spelling]:
    """The distinct (key, token) pairs of some documents' spellings (``Analysis.spellings``),
    sorted: concurrent writers then meet each other's new rows in the same order and never
    deadlock."""
    distinct: set[Spelling] = set()
    for spellings in documents:
        distinct.update(spellings)  # most words repeat: the keys are made once per batch
    found: set[Spelling] = set()
    for form, token in distinct:
        key = spelling_key(form)
        if indexable(key) and len(token) <= MAX_TOKEN:
            found.add((key, token))
    return sorted(found)


def add_terms(pairs: list[Spelling]) -> None:
    """Add the (key, token) pairs the vocabulary does not hold yet (the caller's transaction)."""
    if not pairs:
        return
    keys = [key for key, _ in pairs]
    tokens = [token for _, token in pairs]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "INSERT INTO search_term (term, token) "
                "SELECT * FROM unnest(%s::text[], %s::text[]) "
                "ON CONFLICT (term, token) DO NOTHING",
                [keys, tokens],
            )
            return
        # SQLite: the new terms come back, and their trigrams are written beside them.
        cursor.execute(
            "INSERT INTO search_term (term, token) "
            "SELECT value ->> 0, value ->> 1 FROM json_each(%s) WHERE true "
            "ON CONFLICT (term, token) DO NOTHING RETURNING id, term",
            [json.dumps(pairs, ensure_ascii=False)],
        )
        added = cursor.fetchall()
        if added:
            cursor.executemany(
                "INSERT INTO search_trigram (trigram, term_id) VALUES (%s, %s)",
                [(gram, pk) for pk, term in added for gram in trigrams(term)],
            )


def clear() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM search_trigram")
        cursor.execute("DELETE FROM search_term")


def rebuild(progress: Callable[[int, int], None] | None = None) -> int:
    """Refill the vocabulary from every case's text (``insaf search reindex`` fills it as it
    goes; the migration that creates it calls this: plain SQL, no models). Returns the number of
    (key, token) pairs."""
    with transaction.atomic(), connection.cursor() as cursor:
        clear()
        cursor.execute("SELECT count(*) FROM complaints_complaint")
        total, done, last = int(cursor.fetchone()[0]), 0, 0
        while True:
            cursor.execute(
                "SELECT id, subject, place, text, language FROM complaints_complaint "
                "WHERE id > %s ORDER BY id LIMIT 2000",
                [last],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            add_terms(vocabulary_of(spellings_of(*row[1:]) for row in rows))
            done += len(rows)
            if progress:
                progress(done, total)
        cursor.execute("SELECT count(*) FROM search_term")
        return int(cursor.fetchone()[0])


def spellings_of(subject: str, place: str, text: str, language: str) -> list[Spelling]:
    from insaf.search.indexing import indexed_text

    return analyze_document(indexed_text(subject, place, text), language or None).spellings


def similar_tokens(word: str) -> list[str]:
    """The index tokens of the vocabulary's spellings most like ``word`` (a query word, folded;
    at least THRESHOLD similar, the MAX_SIMILAR most similar spellings, ``word`` excluded), most
    similar first."""
    key = spelling_key(word)
    if not indexable(key):
        return []
    grams = trigrams(key)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with transaction.atomic():
                # Slightly below THRESHOLD: pg_trgm computes in single precision.
                cursor.execute(
                    "SELECT set_config('pg_trgm.similarity_threshold', %s, true)",
                    [str(THRESHOLD - 0.001)],
                )
                cursor.execute("SELECT term, token FROM search_term WHERE term %% %s", [key])
                candidates = cursor.fetchall()
        else:
            # A spelling as similar as THRESHOLD shares at least that share of the key's trigrams.
            marks = ", ".join(["%s"] * len(grams))
            cursor.execute(
                "SELECT term, token FROM search_term WHERE id IN ("  # noqa: S608 - placeholders
                f"SELECT term_id FROM search_trigram WHERE trigram IN ({marks}) "
                "GROUP BY term_id HAVING count(*) >= %s)",
                [*sorted(grams), math.ceil(THRESHOLD * len(grams) - 1e-9)],
            )
            candidates = cursor.fetchall()
    scores: dict[str, float] = {}
    for term, _ in candidates:
        if term != key and term not in scores:
            scores[term] = similarity(key, term)
    best = sorted(
        (t for t, score in scores.items() if score >= THRESHOLD), key=lambda t: (-scores[t], t)
    )[:MAX_SIMILAR]
    rank = {term: n for n, term in enumerate(best)}
    chosen = sorted(
        ((rank[term], token) for term, token in candidates if term in rank),
    )
    return list(dict.fromkeys(token for _, token in chosen))


def _expand_term(term: Term) -> Term:
    if term.prefix or not term.tokens:
        return term
    found = [t for t in similar_tokens(term.word) if t not in term.tokens] if term.word else []
    return replace(term, tokens=(*term.tokens, *found)) if found else term


def _expand(item: Item) -> Item:
    if isinstance(item, Term):
        return _expand_term(item)
    if isinstance(item, AnyOf):
        return AnyOf(tuple(_expand_term(i) if isinstance(i, Term) else i for i in item.items))
    return item  # a phrase is exact


def expand(query: Query) -> Query | None:
    """``query`` with each of its words (not phrases, prefixes or exclusions) also matching the
    vocabulary's similar words; None when no word has any."""
    required = [_expand(item) for item in query.required]
    if required == query.required:
        return None
    return Query(required=required, excluded=list(query.excluded))
