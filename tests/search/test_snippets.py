"""Snippets: which words of a case's text are marked, and the window shown."""

from __future__ import annotations

from insaf.search.query import parse
from insaf.search.snippets import snippet


def test_a_word_is_marked_by_a_query_term_a_prefix_or_a_span_given() -> None:
    text = "طلب الموظف رشوة عند مراجعة دائرة الجوازات في عمان"
    assert snippet(text, parse("الرشوه")) == (
        "طلب الموظف <mark>رشوة</mark> عند مراجعة دائرة الجوازات في عمان"
    )
    # A prefix marks every word whose forms start with it; none of the others.
    assert snippet(text, parse("مراج*")) == (
        "طلب الموظف رشوة عند <mark>مراجعة</mark> دائرة الجوازات في عمان"
    )
    # The spans given (the words a concept was found by) are marked too, whole words only.
    start = text.index("دائرة")
    marked = snippet(text, parse("رشوة"), spans=[(start, start + len("دائرة الجوازات"))])
    assert marked == (
        "طلب الموظف <mark>رشوة</mark> عند مراجعة <mark>دائرة</mark> <mark>الجوازات</mark> في عمان"
    )
    assert "<mark>" not in snippet(text, parse("تعذيب"))


def test_the_window_with_most_marked_words_is_shown_and_the_text_escaped() -> None:
    words = ["كلمة"] * 40 + ["رشوة", "<b>", "رشوة"] + ["كلمة"] * 40
    shown = snippet(" ".join(words), parse("رشوة"), window=8)
    assert shown.startswith("…") and shown.endswith("…")
    assert shown.count("<mark>رشوة</mark>") == 2 and "&lt;b&gt;" in shown
