"""The case-search development set (tests/search/devset): well-formed, consistent, importable.

No database: the records are checked with the import's own field list and its database-free
content checks (``check_content``); the country, units and the import itself need the database
and are covered by the import tests.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from insaf.complaints.bulk import EXTERNAL_ID_MAX, FIELDS
from insaf.complaints.services.intake import LANGUAGES, SUBJECT_MAX, check_content
from insaf.triage.labels import Kind

DEVSET = Path(__file__).parent / "devset"
CORPUS = DEVSET / "corpus.jsonl"
QUERIES = DEVSET / "queries.jsonl"

MIN_RECORDS = 300
MIN_QUERIES = 60
TEXT_MIN, TEXT_MAX = 40, 1200
RELEVANT_MIN, RELEVANT_MAX = 1, 25
RECORD_KEYS = {"external_id", "country", "kind", "language", "subject", "text", "anonymous"}
QUERY_KEYS = {"id", "query", "relevant", "note"}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            assert line.strip(), f"{path.name}, line {number}: blank line"
            value = json.loads(line)
            assert isinstance(value, dict), f"{path.name}, line {number}: not a JSON object"
            rows.append(value)
    return rows


@pytest.fixture(scope="module")
def corpus() -> list[dict[str, Any]]:
    return read_jsonl(CORPUS)


@pytest.fixture(scope="module")
def queries() -> list[dict[str, Any]]:
    return read_jsonl(QUERIES)


def test_files_are_utf8_json_lines() -> None:
    for path in (CORPUS, QUERIES):
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), f"{path.name} starts with a BOM"
        assert raw.endswith(b"\n"), f"{path.name} does not end with a newline"
        raw.decode("utf-8")


def test_corpus_size_and_unique_ids(corpus: list[dict[str, Any]]) -> None:
    assert len(corpus) >= MIN_RECORDS
    ids = Counter(record["external_id"] for record in corpus)
    assert not [name for name, count in ids.items() if count > 1]


def test_records_have_the_import_fields(corpus: list[dict[str, Any]]) -> None:
    for record in corpus:
        name = record.get("external_id")
        assert set(record) == RECORD_KEYS, name
        assert set(record) <= FIELDS, name
        assert isinstance(name, str)
        assert name.startswith("dev-")
        assert 0 < len(name) <= EXTERNAL_ID_MAX
        assert record["country"] == "JO", name
        assert record["kind"] in Kind.values, name
        assert record["language"] in LANGUAGES, name
        assert record["anonymous"] is True, name
        assert isinstance(record["subject"], str), name
        assert 0 < len(record["subject"].strip()) <= SUBJECT_MAX, name


def test_text_lengths(corpus: list[dict[str, Any]]) -> None:
    wrong = [
        (record["external_id"], len(record["text"]))
        for record in corpus
        if not TEXT_MIN <= len(record["text"]) <= TEXT_MAX
        or record["text"] != record["text"].strip()
    ]
    assert not wrong


def test_records_pass_the_import_content_checks(corpus: list[dict[str, Any]]) -> None:
    failures = {}
    for record in corpus:
        errors = check_content(
            text=record["text"],
            anonymous=record["anonymous"],
            complainant=None,
            kind=record["kind"],
            language=record["language"],
            subject=record["subject"],
            occurred_at=None,
        )
        if errors:
            failures[record["external_id"]] = errors
    assert not failures


def test_corpus_mix(corpus: list[dict[str, Any]]) -> None:
    languages = Counter(record["language"] for record in corpus)
    assert languages["ar"] > languages["en"] + languages["fr"]
    assert languages["en"] > 0
    assert languages["fr"] > 0
    assert set(Counter(record["kind"] for record in corpus)) == set(Kind.values)


def test_no_two_records_are_identical(corpus: list[dict[str, Any]]) -> None:
    texts = Counter(record["text"] for record in corpus)
    assert not [text[:40] for text, count in texts.items() if count > 1]


def test_queries_size_and_unique_ids(queries: list[dict[str, Any]]) -> None:
    assert len(queries) >= MIN_QUERIES
    ids = Counter(query["id"] for query in queries)
    assert not [name for name, count in ids.items() if count > 1]
    texts = Counter(query["query"] for query in queries)
    assert not [text for text, count in texts.items() if count > 1]


def test_queries_are_well_formed(queries: list[dict[str, Any]]) -> None:
    for query in queries:
        assert set(query) == QUERY_KEYS, query.get("id")
        assert isinstance(query["query"], str)
        assert query["query"].strip(), query["id"]
        assert isinstance(query["note"], str)
        assert query["note"].strip(), query["id"]
        relevant = query["relevant"]
        assert isinstance(relevant, list), query["id"]
        assert RELEVANT_MIN <= len(relevant) <= RELEVANT_MAX, query["id"]
        assert len(set(relevant)) == len(relevant), query["id"]


def test_every_relevant_record_exists(
    corpus: list[dict[str, Any]], queries: list[dict[str, Any]]
) -> None:
    known = {record["external_id"] for record in corpus}
    missing = {
        query["id"]: sorted(set(query["relevant"]) - known)
        for query in queries
        if set(query["relevant"]) - known
    }
    assert not missing


CONCEPT_QUERIES = DEVSET / "concept-queries.jsonl"
CONCEPT_QUERY_LANGS = {"ar", "en", "fr", "arabizi"}


def test_concept_queries_name_concepts_of_the_lexicon() -> None:
    from insaf.search.concepts import read_names

    concepts = read_names(
        Path(__file__).resolve().parents[2] / "data" / "concepts" / "meta" / "names.csv"
    )
    rows = read_jsonl(CONCEPT_QUERIES)
    assert len(rows) >= 200
    for row in rows:
        assert set(row) == {"query", "lang", "concept"}, row
        assert row["query"].strip() and len(row["query"].split()) <= 3, row
        assert row["lang"] in CONCEPT_QUERY_LANGS, row
        assert row["concept"] in concepts, row
    assert len({row["query"] for row in rows}) == len(rows)


CONCEPT_TEXTS = DEVSET / "concept-texts.jsonl"
CONCEPT_TEXT_VARIETIES = {
    "ar",
    "ar-eg",
    "ar-gulf",
    "ar-lev",
    "ar-iq",
    "ar-ma",
    "ar-ye",
    "arabizi",
    "en",
    "fr",
}


def test_concept_texts_are_written_for_concepts_of_the_lexicon() -> None:
    from insaf.text.concepts import read_terms

    concepts = {
        t.concept for t in read_terms(Path(__file__).resolve().parents[2] / "data" / "concepts")
    }
    rows = read_jsonl(CONCEPT_TEXTS)
    assert len(rows) >= 500
    assert len({row["id"] for row in rows}) == len(rows)
    for row in rows:
        assert set(row) == {"id", "concept", "variety", "text"}, row
        assert row["concept"] in concepts, row
        assert row["variety"] in CONCEPT_TEXT_VARIETIES, row
        assert 20 <= len(row["text"]) <= 600, row
    per_concept = Counter(row["concept"] for row in rows)
    assert set(per_concept.values()) == {10}, per_concept  # five by each of two writers
    per_variety = Counter(row["variety"] for row in rows)
    assert set(per_variety) == CONCEPT_TEXT_VARIETIES
