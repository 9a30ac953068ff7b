"""The query language: parsing, and the FTS5 and tsquery texts written from it."""

from __future__ import annotations

import pytest

from insaf.search.query import AnyOf, Phrase, QueryError, Term, parse
from insaf.text import prefix_form, query_alternatives


def alternatives(word: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(query_alternatives(word)))


def test_words_are_all_required_in_their_analysed_forms() -> None:
    query = parse("التعذيب الشرطة")
    assert query.required == [Term(alternatives("التعذيب")), Term(alternatives("الشرطة"))]
    assert query.excluded == []


def test_a_word_and_its_clitic_forms_give_the_same_term() -> None:
    assert parse("التعذيب").required == parse("تعذيب").required
    assert parse("رشوه").required == parse("الرشوة").required


def test_phrase_exclusion_or_and_prefix() -> None:
    query = parse('"مركز شرطة" -مرور رشوة OR واسطة عذب*')
    phrase, either, prefix = query.required
    assert isinstance(phrase, Phrase) and len(phrase.words) == 2
    assert isinstance(either, AnyOf) and len(either.items) == 2
    assert prefix == Term((prefix_form("عذب"),), prefix=True)
    assert query.excluded == [Term(alternatives("مرور"))]


def test_or_chains_and_arabic_or() -> None:
    query = parse("رشوة أو واسطة OR محسوبية")
    (either,) = query.required
    assert isinstance(either, AnyOf) and len(either.items) == 3


def test_fts5_text() -> None:
    query = parse('"مركز شرطة" -مرور')
    text = query.fts5()
    assert text.startswith("(") and " NOT " in text
    assert '"' + " ".join(w.tokens[0] for w in query.required[0].words) + '"' in text  # type: ignore[union-attr]


def test_tsquery_text() -> None:
    query = parse("رشوة -مرور عذب*")
    text = query.tsquery()
    assert text.count("&") == 2 and "!" in text and ":*" in text


@pytest.mark.parametrize("text", ["", "   ", "-رشوة", "في من على", '""', "*"])
def test_nothing_to_look_for(text: str) -> None:
    with pytest.raises(QueryError):
        parse(text)


def test_quotes_in_input_cannot_break_out() -> None:
    query = parse("""طلب"رشوة' OR "واسطة""")
    assert "'" not in query.fts5().replace("''", "")
    for term in query.terms():
        for token in term.tokens:
            assert '"' not in token and "'" not in token
