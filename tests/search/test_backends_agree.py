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
from insaf.search.models import SearchEntry
from insaf.search.query import QueryError, parse
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
