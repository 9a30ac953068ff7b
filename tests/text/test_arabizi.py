"""Arabizi: recognition, transliteration, skeletons."""

from __future__ import annotations

import pytest

from insaf.text import analyze_document, query_alternatives
from insaf.text.arabizi import (
    SKELETON_ARABIC,
    SKELETON_ARABIZI,
    arabic_forms,
    has_arabizi_digits,
    skeleton,
    transliterate,
)
from insaf.text.normalize import fold


@pytest.mark.parametrize("word", ["3azaboni", "7abs", "ma3", "2esm", "5adouni", "ta72i2", "3'arb"])
def test_arabizi_digits(word: str) -> None:
    assert has_arabizi_digits(word)


@pytest.mark.parametrize("word", ["2024", "covid19", "2nd", "3rd", "5th", "3eme", "a4", "police"])
def test_not_arabizi_digits(word: str) -> None:
    assert not has_arabizi_digits(word)


@pytest.mark.parametrize(
    ("word", "arabic"),
    [
        ("7abs", "حبس"),
        ("sijn", "سجن"),
        ("rashwa", "رشوه"),
        ("3azaboni", "عزبني"),
        ("elshorta", "الشرته"),
        ("e7tegaz", "احتجز"),
        ("2esm", "اسم"),
        ("sa2al", "سءل"),
        ("3'arb", "غرب"),
        ("7'alas", "خلس"),
        ("mas2ool", "مسءول"),
    ],
)
def test_transliterate(word: str, arabic: str) -> None:
    assert transliterate(word) == arabic


def test_two_readings_of_2() -> None:
    stems, _ = arabic_forms("2esm")
    assert set(stems) == {"اسم", "قسم"}


@pytest.mark.parametrize(
    ("word", "usual", "qaf"),
    [
        ("ra8m", "رغم", "رقم"),  # the Gulf's 8: a number, رقم
        ("wa9founi", "صفو", "قفو"),  # the Maghreb's 9: they stopped me, وقفوني
        ("i9ama", "اصم", "اقم"),  # a residence permit, not "deaf"
    ],
)
def test_8_and_9_are_also_read_as_qaf(word: str, usual: str, qaf: str) -> None:
    stems, _ = arabic_forms(word)
    assert set(stems) == {usual, qaf}
    assert transliterate(word, qaf="").count("ق") == 0


@pytest.mark.parametrize(
    ("arabizi", "arabic"),
    [("wa9founi", "وقفوني عند الحاجز"), ("ra8m", "رقم الهاتف"), ("b9ashish", "طلب بقشيش")],
)
def test_an_arabizi_word_with_8_or_9_meets_the_arabic_word_with_qaf(
    arabizi: str, arabic: str
) -> None:
    document = analyze_document(arabic)
    assert set(query_alternatives(arabizi)) & {*document.main, *document.alternate}


def test_skeleton_merges_what_dialects_merge() -> None:
    assert skeleton("عذب") == skeleton("عزب") == skeleton("عظب")
    assert skeleton("واسط") == skeleton("وست")
    assert skeleton("شرط") == skeleton("شرت")
    assert skeleton("رشو") == ""  # two consonants say too little


def test_skeleton_tokens_never_collide_with_words() -> None:
    # The marker letters are folded away from every word of a text.
    assert SKELETON_ARABIC not in fold("ٱلرحمن") and SKELETON_ARABIZI not in fold("ٲ")
    tokens = analyze_document("ٱلشرطة ٲ").main
    assert all(not token.startswith((SKELETON_ARABIC, SKELETON_ARABIZI)) for token in tokens)


def test_arabic_query_reaches_arabizi_documents_only_by_its_arabizi_skeleton() -> None:
    alternatives = query_alternatives("عذبوني")
    assert SKELETON_ARABIZI + "عزب" in alternatives
    assert SKELETON_ARABIC + "عزب" not in alternatives
    assert SKELETON_ARABIC + "عزب" in analyze_document("عذبوني").alternate
    assert SKELETON_ARABIZI + "عزب" in analyze_document("3azabouni").alternate


def test_alternative_stems() -> None:
    assert "جواز" in analyze_document("بجوازي").alternate
    assert "ابن" in analyze_document("لابني").alternate
    assert "والد" in analyze_document("والدي").alternate
    assert "جواز" in query_alternatives("بجوازي")
