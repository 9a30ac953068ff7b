"""Lucene's Arabic test vectors (tests/text/data, copied from the Lucene test suite's values) run
against insaf.text.lucene, which must reproduce ArabicNormalizer, ArabicStemmer and
ArabicAnalyzer exactly."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from insaf.text import lucene

DATA = Path(__file__).parent / "data"


def _vectors(name: str) -> list[tuple[str, str, dict[str, str]]]:
    """(input, expected, options) rows; options come from the '#key=value;...' tail of the test
    method column ('#normalize_first' has no value)."""
    with (DATA / f"{name}.tsv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == ["input", "expected", "test_method"]
    vectors = []
    for text, expected, method in rows[1:]:
        options: dict[str, str] = {}
        if "#" in method:
            for option in method.split("#", 1)[1].split(";"):
                key, _, value = option.partition("=")
                options[key] = value
        vectors.append((text, expected, options))
    return vectors


NORMALIZATION = _vectors("normalization")
STEMMING = _vectors("stemming")
ANALYZER = _vectors("analyzer")


def test_all_59_vectors_are_there() -> None:
    assert (len(NORMALIZATION), len(STEMMING), len(ANALYZER)) == (16, 24, 19)


@pytest.mark.parametrize(("text", "expected", "options"), NORMALIZATION)
def test_normalizer(text: str, expected: str, options: dict[str, str]) -> None:
    tokens = text.split(" ") if text else []
    assert " ".join(lucene.normalize(token) for token in tokens) == expected


@pytest.mark.parametrize(("text", "expected", "options"), STEMMING)
def test_stemmer(text: str, expected: str, options: dict[str, str]) -> None:
    tokens = text.split(" ") if text else []
    if "normalize_first" in options:
        tokens = [lucene.normalize(token) for token in tokens]
    keyword = options.get("keyword")
    stems = [token if token == keyword else lucene.stem(token) for token in tokens]
    assert " ".join(stems) == expected


@pytest.mark.parametrize(("text", "expected", "options"), ANALYZER)
def test_analyzer(text: str, expected: str, options: dict[str, str]) -> None:
    stopwords: frozenset[str] | None = None
    if "stopwords" in options:
        value = options["stopwords"]
        stopwords = frozenset() if value == "none" else frozenset(value.split(","))
    exclusion = options.get("stem_exclusion", "none")
    tokens = lucene.analyze(
        text, stopwords=stopwords, stem_exclusion=() if exclusion == "none" else (exclusion,)
    )
    assert " ".join(tokens) == expected
