"""The search benchmark's corpus and queries: valid import records, deterministic, in the mix of
the triage sample."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections import Counter

import pytest
from django.utils import timezone

from bench import search_corpus as corpus
from insaf.complaints.bulk import COMPLAINANT_FIELDS, FIELDS
from insaf.complaints.enums import Channel, Status
from insaf.complaints.services.intake import PersonInput, check_content
from insaf.core.normalise import normalise_phone

N = 4000


@pytest.fixture(scope="module")
def cases() -> list[tuple[dict, dict]]:
    return list(corpus.iter_cases(N, seed=0, units=[11, 12, 13]))


def test_records_are_valid_import_records(cases: list[tuple[dict, dict]]) -> None:
    now = timezone.now()
    for number, (record, _) in enumerate(cases[:300], start=1):
        assert set(record) <= FIELDS
        assert record["external_id"] == f"bench-{number:07d}"
        assert record["country"] == "JO"
        assert record["status"] in Status.values
        assert record["channel"] in Channel.values
        received = dt.datetime.fromisoformat(record["received_at"])
        assert dt.date(2019, 1, 1) <= received.date() < dt.date(2026, 11, 1)
        assert received.replace(tzinfo=dt.UTC) < now
        if "occurred_at" in record:
            assert dt.datetime.fromisoformat(record["occurred_at"]) <= received
        person = record.get("complainant")
        if person is not None:
            assert set(person) <= set(COMPLAINANT_FIELDS)
            if person.get("phone"):
                assert normalise_phone(person["phone"], calling_code="+962")
        occurred = record.get("occurred_at")
        errors = check_content(
            text=record["text"],
            anonymous=record["anonymous"],
            complainant=PersonInput(**person) if person is not None else None,
            kind=record["kind"],
            language=record["language"],
            subject=record.get("subject", ""),
            occurred_at=dt.datetime.fromisoformat(occurred).replace(tzinfo=dt.UTC)
            if occurred
            else None,
        )
        assert errors == {}, (record, errors)
        assert "<" not in record["text"], record["text"]  # every slot filled
        json.dumps(record, ensure_ascii=False)
    assert {record.get("unit_complained_about") for record, _ in cases} == {None, 11, 12, 13}


def test_same_seed_same_records_and_other_seed_other_records() -> None:
    first = list(corpus.iter_records(200, seed=5))
    assert first == list(corpus.iter_records(200, seed=5))
    assert first != list(corpus.iter_records(200, seed=6))
    assert list(corpus.iter_queries(50, seed=2)) == list(corpus.iter_queries(50, seed=2))


def _share(counter: Counter, key: object) -> float:
    return counter[key] / sum(counter.values())


def test_label_mix_follows_the_sample(cases: list[tuple[dict, dict]]) -> None:
    labels = [label for _, label in cases]
    kinds = Counter(label["kind"] for label in labels)
    total = sum(corpus.KIND_MIX.values())
    for kind, count in corpus.KIND_MIX.items():
        assert abs(_share(kinds, kind) - count / total) < 0.03, kind
    complaints = Counter(label["category"] for label in labels if label["kind"] == "complaint")
    total = sum(corpus.CATEGORY_MIX["complaint"].values())
    for category, count in corpus.CATEGORY_MIX["complaint"].items():
        assert abs(_share(complaints, category) - count / total) < 0.03, category
    grave = sum(label["grave"] for label in labels) / len(labels)
    assert 0.14 < grave < 0.22  # 8 of 45 in the sample
    with_group = sum(bool(label["vulnerable"]) for label in labels) / len(labels)
    assert 0.36 < with_group < 0.48  # 20 of 45
    assert all(
        not label["vulnerable"]
        for label in labels
        if label["kind"] in ("suggestion", "commendation")
    )
    assert all(record["kind"] == label["kind"] for record, label in cases)


def test_register_and_language_mix(cases: list[tuple[dict, dict]]) -> None:
    registers = Counter(label["register"] for _, label in cases)
    total = sum(corpus.REGISTER_MIX.values())
    for register, weight in corpus.REGISTER_MIX.items():
        assert abs(_share(registers, register) - weight / total) < 0.025, register
    languages = Counter(record["language"] for record, _ in cases)
    for language, registers_of in (("en", ["en"]), ("fr", ["fr"])):
        expected = sum(corpus.REGISTER_MIX[r] for r in registers_of) / total
        assert abs(_share(languages, language) - expected) < 0.02, language
    assert set(languages) == {"ar", "en", "fr"}


def test_texts_are_long_varied_and_noisy(cases: list[tuple[dict, dict]]) -> None:
    texts = [record["text"] for record, _ in cases]
    mean = sum(map(len, texts)) / len(texts)
    assert 400 <= mean <= 600
    words = Counter(word for text in texts for word in text.split())
    assert len(words) > 8000  # a long tail, not a tiny vocabulary
    # Zipf-like: a few very common words, most words rare.
    frequencies = sorted(words.values(), reverse=True)
    assert frequencies[0] > 50 * frequencies[len(frequencies) // 2]
    arabic = " ".join(
        text for (record, _), text in zip(cases, texts, strict=True) if record["language"] == "ar"
    )
    assert "ه " in arabic and "ة " in arabic
    assert any(ch in arabic for ch in "٠١٢٣٤٥٦٧٨٩")
    assert len(set(texts)) == len(texts)


def test_queries_shape() -> None:
    queries = list(corpus.iter_queries(1000, seed=1))
    assert len(queries) == 1000
    assert all(set(query) == {"q", "filters"} for query in queries)
    assert all(query["q"].strip() for query in queries)
    words = Counter(
        min(3, len(query["q"].replace("*", "").replace('"', "").split()))
        for query in queries
        if not any(op in query["q"] for op in ('"', " -", " OR "))
    )
    assert abs(_share(words, 1) - 0.6) < 0.08
    filtered = [query["filters"] for query in queries if query["filters"]]
    assert 0.24 < len(filtered) / len(queries) < 0.36
    allowed = {
        "status", "kind", "category", "priority", "grave", "vulnerable", "received_from",
        "received_to",
    }  # fmt: skip
    assert set(itertools.chain.from_iterable(filtered)) <= allowed
    for filters in filtered:
        if "received_to" in filters:
            assert filters["received_from"] <= filters["received_to"]
    phrases = sum(query["q"].startswith('"') for query in queries)
    assert 20 <= phrases <= 90
    assert any(query["q"].endswith("*") for query in queries)
    assert any(" OR " in query["q"] for query in queries)
    assert any(" -" in query["q"] for query in queries)
