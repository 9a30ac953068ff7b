"""The same corpus and queries match the same cases on SQLite and on PostgreSQL.

Each query runs on the database under test and through a plain-Python evaluator of the same parsed
query over the same analysed entries (tests/search/reference.py); the suite runs on both backends,
so both equal the evaluator and therefore each other. The corpus and queries are the development
set (tests/search/devset/), plus queries written for the syntax: phrases, exclusions, OR, prefixes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from insaf.complaints.bulk import import_file
from insaf.complaints.enums import Status
from insaf.complaints.models import Complaint, CountryPolicy
from insaf.search import fuzzy
from insaf.search.models import SearchEntry, SearchTerm
from insaf.search.query import QueryError, Term, parse
from insaf.search.services import Filters, matching
from insaf.triage.labels import Category, Kind, Priority, Vulnerable
from tests.search.reference import Document

pytestmark = pytest.mark.django_db

DEVSET = Path(__file__).parent / "devset"
SYNTAX = [
    '"مركز الشرطة"',
    '"الشرطه مركز"',
    "ضرب -مركز",
    'شرطة -"مركز الشرطة"',
    "رشوة OR واسطة",
    "سجن OR حبس OR توقيف",
    "تعذ*",
    "عذب*",
    "police OR شرطة",
    "commissa*",
    "3azab*",
    "-ضرب شرطة",
    "ابني OR ابنتي -مدرسة",
]


def queries() -> list[str]:
    lines = (DEVSET / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["query"] for line in lines if line.strip()] + SYNTAX


def test_backends_agree_with_the_reference(policy: CountryPolicy) -> None:
    report = import_file(DEVSET / "corpus.jsonl", country="JO")
    assert report.ok, report.errors[:3]
    entries = {
        entry.pk: Document(entry.body, entry.alt, entry.facets)
        for entry in SearchEntry.objects.all()
    }
    assert len(entries) == Complaint.objects.count() > 0
    matched_any = 0
    for text in queries():
        try:
            query = parse(text)
        except QueryError:
            continue
        expected = {pk for pk, doc in entries.items() if doc.matches(query)}
        found = set(matching(Complaint.objects.all(), query).values_list("pk", flat=True))
        assert found == expected, text
        matched_any += bool(expected)
    # Not vacuous: most queries find something.
    assert matched_any >= len(queries()) * 0.8
    # Filters narrow the match through the facet tokens; they must select exactly the cases the
    # same conditions in SQL select.
    filters = [
        Filters(status=(Status.REGISTERED,)),
        Filters(status=(Status.CLOSED, Status.REGISTERED), grave=False),
        Filters(kind=(Kind.PETITION,)),
        Filters(category=(Category.TORTURE_ILL_TREATMENT, Category.USE_OF_FORCE)),
        Filters(priority=(Priority.HIGH,), vulnerable=(Vulnerable.WOMAN, Vulnerable.CHILD)),
        Filters(grave=True),
    ]
    for text in ["شرطة", "ضرب OR تعذيب", "police", "سجن -زيارة"]:
        for f in filters:
            query = parse(text)
            plain = set(
                matching(f.apply(Complaint.objects.all()), query).values_list("pk", flat=True)
            )
            query.required.extend(f.terms())
            expected = {pk for pk, doc in entries.items() if doc.matches(query)}
            found = set(
                matching(f.apply(Complaint.objects.all()), query).values_list("pk", flat=True)
            )
            assert found == expected == plain, (text, f)


def _slips(word: str) -> list[str]:
    """Misspellings of a word: each letter dropped, and each letter doubled."""
    return [word[:i] + word[i + 1 :] for i in range(len(word))] + [
        word[:i] + word[i] + word[i:] for i in range(len(word))
    ]


def test_fuzzy_expansion_agrees_with_the_reference(policy: CountryPolicy) -> None:
    """Both databases find exactly the similar words that a brute-force comparison of the query
    word with every word of every entry finds, and the expanded queries match the same cases."""
    report = import_file(DEVSET / "corpus.jsonl", country="JO")
    assert report.ok, report.errors[:3]
    vocabulary = set(
        fuzzy.vocabulary_of(
            fuzzy.spellings_of(case.subject, case.place, case.text, case.language)
            for case in Complaint.objects.all()
        )
    )
    assert set(SearchTerm.objects.values_list("term", "token")) == vocabulary
    keys = {key for key, _ in vocabulary}
    words = sorted({t.word for text in queries() for t in _terms(text)})
    expanded_any = 0
    for word in [w for base in words for w in [base, *_slips(base)[:4]]]:
        key = fuzzy.spelling_key(word)
        best = sorted(
            (k for k in keys if k != key and fuzzy.similarity(key, k) >= fuzzy.THRESHOLD),
            key=lambda k: (-fuzzy.similarity(key, k), k),
        )[: fuzzy.MAX_SIMILAR]
        if not fuzzy.indexable(key):
            best = []
        expected = list(
            dict.fromkeys(token for k in best for t, token in sorted(vocabulary) if t == k)
        )
        assert fuzzy.similar_tokens(word) == expected, word
        expanded_any += bool(expected)
    assert expanded_any >= len(words)  # not vacuous: most words and slips have neighbours
    entries = {
        entry.pk: Document(entry.body, entry.alt, entry.facets)
        for entry in SearchEntry.objects.all()
    }
    for text in queries():
        try:
            query = fuzzy.expand(parse(text))
        except QueryError:
            continue
        if query is None:
            continue
        expected_cases = {pk for pk, doc in entries.items() if doc.matches(query)}
        found = set(matching(Complaint.objects.all(), query).values_list("pk", flat=True))
        assert found == expected_cases, text
    # A rebuild from the entries gives the vocabulary the indexing wrote.
    assert fuzzy.rebuild() == len(vocabulary)
    assert set(SearchTerm.objects.values_list("term", "token")) == vocabulary


def _terms(text: str) -> list[Term]:
    try:
        return [t for t in parse(text).terms() if not t.prefix]
    except QueryError:
        return []
