"""Lucene's Arabic analysis, rule for rule: ArabicNormalizer, ArabicStemmer and ArabicAnalyzer.

This module reproduces the behaviour of ``org.apache.lucene.analysis.ar`` (Apache-2.0) from its
documented rules and test vectors; tests/text/data holds the vectors. It is kept exact so that
the vectors can test it; the project's own analysis (insaf.text.analysis) starts from it and adds
more (see docs/decisions/0006-arabic-analyser.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable

# ArabicNormalizer: hamza-on-alef and madda forms to bare alef, alef maksura to yeh, teh marbuta
# to heh; tatweel, the tanween, the short vowels, shadda and sukun deleted. Nothing else.
_NORMALIZE = str.maketrans(
    {
        "\u0622": "\u0627",  # آ
        "\u0623": "\u0627",  # أ
        "\u0625": "\u0627",  # إ
        "\u0649": "\u064a",  # ى
        "\u0629": "\u0647",  # ة
        "\u0640": None,  # tatweel
        "\u064b": None,  # fathatan
        "\u064c": None,  # dammatan
        "\u064d": None,  # kasratan
        "\u064e": None,  # fatha
        "\u064f": None,  # damma
        "\u0650": None,  # kasra
        "\u0651": None,  # shadda
        "\u0652": None,  # sukun
    }
)

# ArabicStemmer: prefixes in the order they are tried (at most one is removed), then suffixes in
# the order they are tried (each at most once, one pass).
PREFIXES: tuple[str, ...] = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
SUFFIXES: tuple[str, ...] = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")

# Jacques Savoy's Arabic stop list (BSD), as Lucene ships it: not normalised, so some words
# appear in several spellings.
STOPWORDS: frozenset[str] = frozenset(
    """
    من ومن منها منه في وفي فيها فيه و ف ثم او أو ب بها به ا أ اى اي أي أى لا ولا الا ألا إلا لكن ما
    وما كما فما عن مع اذا إذا ان أن إن انها أنها إنها انه أنه إنه بان بأن فان فأن وان وأن وإن التى
    التي الذى الذي الذين الى الي إلى إلي على عليها عليه اما أما إما ايضا أيضا كل وكل لم ولم لن
    ولن هى هي هو وهى وهي وهو فهى فهي فهو انت أنت لك لها له هذه هذا تلك ذلك هناك كانت كان يكون تكون
    وكانت وكان غير بعض قد نحو بين بينما منذ ضمن حيث الان الآن خلال بعد قبل حتى عند عندما لدى جميع
    """.split()
)

# An approximation of StandardTokenizer (UAX#29 word breaks) that is exact for letters, digits
# and combining marks: a word is a run of letters, digits and marks; anything else breaks.
_TOKEN = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed])+")


def normalize(token: str) -> str:
    """Lucene's ArabicNormalizer applied to ``token`` (no lower-casing, digits left alone)."""
    return token.translate(_NORMALIZE)


def stem(token: str) -> str:
    """Lucene's ArabicStemmer (Light10-style) applied to one (normalised) token."""
    n = len(token)
    for prefix in PREFIXES:
        minimum = 4 if len(prefix) == 1 else len(prefix) + 2
        if n >= minimum and token.startswith(prefix):
            token = token[len(prefix) :]
            break
    for suffix in SUFFIXES:
        if len(token) >= len(suffix) + 2 and token.endswith(suffix):
            token = token[: -len(suffix)]
    return token


def _decimal_digits(token: str) -> str:
    """DecimalDigitFilter: every Unicode decimal digit to its ASCII digit."""
    if token.isascii():
        return token
    return "".join(
        str(unicodedata.decimal(ch)) if unicodedata.category(ch) == "Nd" else ch for ch in token
    )


def tokenize(text: str) -> list[str]:
    """The words of ``text`` (see ``_TOKEN``)."""
    return _TOKEN.findall(text)


def analyze(
    text: str,
    *,
    stopwords: Collection[str] | None = None,
    stem_exclusion: Iterable[str] = (),
) -> list[str]:
    """ArabicAnalyzer's token stream: tokenise, lower-case, ASCII digits, stop words (the default
    list unless ``stopwords`` is given), normalise, stem (except the words in ``stem_exclusion``,
    which carry the keyword marker)."""
    stop = STOPWORDS if stopwords is None else stopwords
    keywords = frozenset(stem_exclusion)
    out: list[str] = []
    for word in tokenize(text):
        token = _decimal_digits(word.lower())
        if token in stop:
            continue
        token = normalize(token)
        out.append(token if token in keywords else stem(token))
    return out


__all__ = ["PREFIXES", "STOPWORDS", "SUFFIXES", "analyze", "normalize", "stem", "tokenize"]
