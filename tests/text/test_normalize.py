"""insaf.text.normalize: Lucene's Arabic normalisation and the project's extras."""

from __future__ import annotations

import pytest

from insaf.text import lucene, normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أحمد إبراهيم آمنة", "احمد ابراهيم امنه"),  # hamza forms, teh marbuta
        ("مستشفى على", "مستشفي علي"),  # alef maksura
        ("فاطمة", "فاطمه"),
        ("روبرـــــت", "روبرت"),  # tatweel
        ("مَبْنًى كِتَابٌ هتميّ", "مبني كتاب هتمي"),  # harakat, tanween, shadda, sukun
        ("ٱلرَّحْمَٰن", "الرحمن"),  # alef wasla, superscript alef
        ("٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹", "0123456789 0123456789"),  # Arabic-Indic and Persian digits
        ("ﺍﻟﺸﺮﻃﺔ ﻻ", "الشرطه لا"),  # presentation forms (NFKC)
        (
            "Élève À l'ÉCOLE, ça coûte: œuvre, Noël, naïve, Straße",
            "eleve a l'ecole, ca coute: oeuvre, noel, naive, strasse",
        ),
        ("é è ê ë à â ç î ï ô ù û ü ÿ æ", "e e e e a a c i i o u u u y ae"),
        ("e\u0301te\u0301", "ete"),  # accents typed as combining marks
        ("ی ک", "ي ك"),  # Persian yeh and keheh
        ("شر\u200cطة\u200f", "شرطه"),  # zero-width non-joiner and a bidi mark
        ("", ""),
        ("...!? ،؛", "...!? ،؛"),  # punctuation is kept
        ("  two  spaces ", "  two  spaces "),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_lucene_normalizer_is_lucene_exactly() -> None:
    # Lucene leaves alef wasla, superscript alef, digits and Latin letters alone.
    assert lucene.normalize("ٱلرَّحْمَٰن ١٢ Élève") == "ٱلرحمٰن ١٢ Élève"


def test_project_normalizer_extends_lucene() -> None:
    for text in ["أحمد", "فاطمة", "بنى", "روبرـــــت", "ولداً", "نلْسون", "هتميّ"]:
        assert normalize(text) == lucene.normalize(text)
