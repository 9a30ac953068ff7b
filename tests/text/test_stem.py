"""The project's light Arabic stemmer and the Snowball stemmers."""

from __future__ import annotations

import pytest

from insaf.text import lucene, stem
from insaf.text.normalize import fold


@pytest.mark.parametrize(
    "word", ["الحسن", "والحسن", "بالحسن", "كالحسن", "فالحسن", "وحسن", "ساهدهات", "الو"]
)
def test_lucene_configuration_is_lucene(word: str) -> None:
    assert stem.LUCENE(word) == lucene.stem(word)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("الشرطة", "شرط"),
        ("وبالشرطة", "شرط"),
        ("للشرطة", "شرط"),
        ("فالمحكمة", "محكم"),
        ("كالمحامي", "محام"),
        ("المحامين", "محام"),
        ("بالجوازات", "جواز"),
        ("جوازاتهم", "جواز"),
        ("سيارتها", "سيار"),
        ("سيارتنا", "سيار"),
        ("سياراتهم", "سيار"),
        ("عذبوني", "عذب"),
        ("اعتقلوه", "اعتقل"),
        ("اعتقلونا", "اعتقل"),
        ("ضربوا", "ضرب"),
        ("بيتها", "بيت"),  # a root ت is not the feminine ending
        ("سجين", "سجين"),  # a suffix must leave three letters
        ("سجون", "سجون"),
        ("وحسن", "حسن"),
    ],
)
def test_arabic_light(word: str, expected: str) -> None:
    assert stem.arabic_light(fold(word)) == expected


def test_conjunction_can_be_kept() -> None:
    assert stem.arabic_light("وزير") == "زير"
    assert stem.arabic_light("وزير", conjunction=False) == "وزير"


def test_snowball() -> None:
    assert stem.english("complaints") == stem.english("complaint") == "complaint"
    assert stem.french(fold("arrêtés")) == stem.french(fold("arrêter"))
    assert stem.arabic_snowball("الجوازات") == stem.arabic_snowball("جواز")
