"""Arabizi (Arabic written in Latin letters and digits): recognising it, writing it in Arabic
script, and the consonant skeleton that lets it meet Arabic text in the index.

Arabizi spells consonants fairly consistently (3 ع, 7 ح, 5 and kh خ, sh ش, 2 hamza ...) but
vowels not at all: "3azaboni" is عذبوني, with the long و written o and the long ي at the end
written i, while short vowels, which Arabic does not write, appear as a, e, i, o. Dialects also
merge letters that Arabic spelling keeps apart (ذ spoken ز or د, ث spoken س or ت, ظ spoken ز,
ق spoken as a glottal stop, written 2).

So an arabizi word gets two Arabic forms:

- ``transliterate``: a letter-for-letter Arabic spelling with the short vowels dropped
  ("7abs" حبس, "sijn" سجن, "rashwa" رشوه), which, stemmed, equals the stem of the Arabic word
  whenever the Arabic word has no long vowel;
- ``skeleton``: the consonants of the stemmed Arabic form, with the long vowels and hamza
  dropped and the letters that dialects confuse merged into one class (ت ط; ث س ص; ذ ز ظ;
  د ض; ه ة ح). It is computed alike for Arabic words and for transliterated arabizi, so
  "3azaboni" and عذبوني meet on it (both give عزب), as do "wasta" and واسطة, "shorta" and الشرطة.
  Skeleton tokens carry a marker letter that normalisation removes from every real word, so they
  never collide with an ordinary token.
"""

from __future__ import annotations

import re
from functools import lru_cache

from insaf.text.stem import arabic_light

# The marker letters of skeleton tokens: alef wasla and alef with wavy hamza, which
# insaf.text.normalize folds to ا in every word of a text, so no ordinary token contains them.
# SKELETON_ARABIC is emitted for every word (Arabic words and arabizi alike); SKELETON_ARABIZI
# only for arabizi words of a document, so that an Arabic query word can reach arabizi documents
# without its skeleton overmatching other Arabic documents.
SKELETON_ARABIC = "\u0671"
SKELETON_ARABIZI = "\u0672"
# The marker of root-like keys (root_key), alef with wavy hamza below, folded like the others.
ROOT_KEY = "\u0673"
# Letters that derivation patterns put before a root (مفعول, تفعيل, يفعل, انفعال after the
# article is gone): taken off the front of a skeleton while more than three letters remain.
_PATTERN_LETTERS = "متين"
# A skeleton shorter than this says too little (رش, حب) and is not emitted.
MIN_SKELETON = 3
# The dialects' markers of tense and aspect before a verb's present (the Levantine and Egyptian
# ب of بيضربوا, the Egyptian future ه and ح of هيرحلوه, حيضربوني, the Maghrebi ك of كيقولو,
# كنخدم), then the present's own letter: taken off a stem before its root key, when three
# letters remain, so that بيرحلوه meets ترحيل and هتتحبس meets حبس.
_DIALECT_PRESENT = re.compile("^[بهحك][يتن](?=...)")

# Arabizi digits, and words that are arabizi whatever the rest of the text is.
_DIGIT_IN_WORD = re.compile(r"[a-z][235679]|[235679]'?[a-z]")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th|er|eme|e|ieme)")
# A number inside a word ("covid19", "h264"): three digits, or two of which one is no letter.
_DIGIT_RUN = re.compile(r"\d{3}|[0148]\d|\d[0148]")

# Words that mark a Latin-script text as arabizi (not English or French words as well).
MARKERS: frozenset[str] = frozenset(
    """
    ana enta enti inta inti howa huwa heya hiya e7na ne7na i7na homma
    mesh msh mish mush mafish mafeesh mafi mech machi mashi
    3ala 3la 3an ma3 ma3a 3and 3nd fel fil lel lil bel bil wel elli illi elly illy eli
    keda kda kida leh lesh leish ezay izzay ezzay shu shou sho esh wesh ya3ni 3shan 3ashan
    3alashan 3ashen bas bass kteer ktir kter bzaf bezzaf dyal dial hna lakin laken walla wallah
    yalla inshallah insha2allah 7abibi habibi ba3d b3d 2abl abl delwa2ti dilwa2ti halla2 hala2
    menni minni 3alaya 3alay liya leya ma3aya 3andi 3andak
    el shorta 2esm 2ism
    """.split()
)

# Digits that stand for ق as well as for their usual letter, each a second reading of a word
# that has it: 2 (a hamza, or the ق that Egyptian and Levantine speech make a glottal stop),
# 8 (غ, or ق in the Gulf: "ra8m" رقم), 9 (ص, or ق in the Maghreb: "wa9founi" وقفوني,
# "i9ama" إقامة).
QAF_DIGITS = "289"
# Transliteration units, longest first: digraphs, then digits and letters.
_UNITS = re.compile(r"[35679]'|sh|ch|kh|gh|th|dh|zh|ph|ou|oo|ee|ii|aa|ei|ai|ay|[a-z0-9]")
_CONSONANTS: dict[str, str] = {
    "3'": "غ",
    "5'": "خ",
    "7'": "خ",
    "9'": "ض",
    "6'": "ظ",
    "sh": "ش",
    "ch": "ش",
    "kh": "خ",
    "gh": "غ",
    "th": "ث",
    "dh": "ذ",
    "zh": "ظ",
    "ph": "ف",
    "2": "ء",
    "3": "ع",
    "5": "خ",
    "6": "ط",
    "7": "ح",
    "8": "غ",
    "9": "ص",
    "b": "ب",
    "p": "ب",
    "t": "ت",
    "j": "ج",
    "g": "ج",
    "h": "ه",
    "d": "د",
    "r": "ر",
    "z": "ز",
    "s": "س",
    "c": "ك",
    "k": "ك",
    "q": "ق",
    "f": "ف",
    "v": "ف",
    "l": "ل",
    "m": "م",
    "n": "ن",
    "w": "و",
    "y": "ي",
    "x": "كس",
}
_SHORT_VOWELS = frozenset("aeiou")
# Long vowels written inside a word.
_LONG_VOWELS: dict[str, str] = {
    "aa": "ا",
    "ee": "ي",
    "ii": "ي",
    "ei": "ي",
    "ai": "ي",
    "ay": "ي",
    "oo": "و",
    "ou": "و",
}
# The vowel a word ends with: a and e are the feminine ending ة (normalised to ه), i and y the
# nisba or first-person ي, o and u the plural or third-person و.
_FINAL_VOWELS: dict[str, str] = {
    "a": "ه",
    "e": "ه",
    "i": "ي",
    "y": "ي",
    "o": "و",
    "u": "و",
    "ou": "و",
    "oo": "و",
    "ee": "ي",
    "ii": "ي",
    "ei": "ي",
    "ai": "ي",
    "ay": "ي",
    "aa": "ا",
}
# The article written before the word ("elshorta", "il7abs", "wel2esm"): written ال, which the
# Arabic stemmer then removes like any other.
_ARTICLE = re.compile(r"(?:w|b|f|l)?(?:el|al|il)(?=[a-z0-9']{3})")
_ARTICLE_ARABIC = {"": "ال", "w": "وال", "b": "بال", "f": "فال", "l": "لل"}

# Skeleton classes: letters dialects confuse share a class; long vowels and hamza are dropped
# (و and ي only after the first letter, where they are consonants).
_SKELETON = str.maketrans(
    {
        "ا": None,
        "أ": None,
        "إ": None,
        "آ": None,
        "ء": None,
        "ؤ": None,
        "ئ": None,
        "ى": None,
        "و": None,
        "ي": None,
        "ة": "ح",
        "ه": "ح",
        "ط": "ت",
        "ث": "س",
        "ص": "س",
        "ذ": "ز",
        "ظ": "ز",
        "ض": "د",
        "پ": "ب",
        "چ": "ج",
        "گ": "ج",
        "ڤ": "ف",
    }
)
_REPEATS = re.compile(r"(.)\1+")


def has_arabizi_digits(word: str) -> bool:
    """Whether a folded Latin word is arabizi by its digits: a 2 3 5 6 7 9 inside or at an edge of
    letters ("3azaboni", "7abs", "ma3", "2esm", "ta72i2"), but not a number, an ordinal ("2nd",
    "3eme") or a code with a number in it ("covid19")."""
    return (
        _DIGIT_IN_WORD.search(word) is not None
        and _DIGIT_RUN.search(word) is None
        and _ORDINAL.fullmatch(word) is None
    )


@lru_cache(maxsize=65536)
def transliterate(word: str, *, qaf: str = "") -> str:
    """Arabic script for a folded Latin word read as arabizi, short vowels dropped. The digits 2,
    8 and 9 are hamza, غ and ص, or ق when ``qaf`` names them (``QAF_DIGITS``)."""
    out: list[str] = []
    article = _ARTICLE.match(word)
    if article is not None:
        out.append(_ARTICLE_ARABIC[word[: article.end() - 2]])
        word = word[article.end() :]
    units = _UNITS.findall(word)
    last = len(units) - 1
    previous = ""
    for i, unit in enumerate(units):
        if unit == previous and unit not in _SHORT_VOWELS:
            continue  # a doubled consonant: shadda, which Arabic leaves unwritten
        previous = unit
        if i == last and unit in _FINAL_VOWELS and i > 0:
            out.append(_FINAL_VOWELS[unit])
        elif unit in _SHORT_VOWELS or unit in _LONG_VOWELS:
            if i == 0 and not out:
                out.append("ا")
            elif unit in _LONG_VOWELS:
                out.append(_LONG_VOWELS[unit])
        elif unit in qaf:
            out.append("ق")
        elif unit == "2":
            # A hamza that starts a word (after the article too) is written on alef.
            out.append("ا" if i == 0 else "ء")
        elif unit == "c" and i < last and units[i + 1][0] in "eiy":
            out.append("س")  # police, cinema
        else:
            out.append(_CONSONANTS.get(unit, ""))
    return "".join(out)


def skeleton(stem: str) -> str:
    """The consonant skeleton of a stemmed, normalised Arabic word, without its marker; ``""``
    when it has fewer than MIN_SKELETON consonants."""
    first, rest = stem[:1], stem[1:]
    if first not in ("و", "ي"):
        first = first.translate(_SKELETON)
    key = _REPEATS.sub(r"\1", first + rest.translate(_SKELETON))
    return key if len(key) >= MIN_SKELETON else ""


def root_key(stem: str) -> str:
    """A root-like key of a stemmed Arabic word, without its marker: its skeleton with the
    pattern letters م ت ي ن taken off the front while more than three letters remain, so that
    تعذيب, عذبوني and المعذبين meet on عذب; a dialect's marker of the present is taken off first
    (``_DIALECT_PRESENT``: بيعذبوه, هيعذبوه). ``""`` when the skeleton is too short."""
    key = skeleton(_DIALECT_PRESENT.sub("", stem))
    while len(key) > 3 and key[0] in _PATTERN_LETTERS:
        key = key[1:]
    return key


def skeletons(form: str, stem: str) -> tuple[str, ...]:
    """The skeletons of a folded Arabic word ``form`` whose light stem is ``stem``: that of the
    stem, and when the stemmer took a leading و for the conjunction, that of the stem with the
    و kept too (واسطة is not و + اسطة; "wasta" must still meet it)."""
    key = skeleton(stem)
    if form.startswith("و") and not stem.startswith("و"):
        with_waw = skeleton(arabic_light(form, conjunction=False))
        if with_waw and with_waw != key:
            return (key, with_waw) if key else (with_waw,)
    return (key,) if key else ()


@lru_cache(maxsize=65536)
def arabic_forms(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(stems of the transliterations, skeletons) of a folded arabizi word: one reading, and one
    more for each of its digits that may be ق (``QAF_DIGITS``); both empty when the word has no
    Arabic form."""
    readings = [transliterate(word)]
    readings += [transliterate(word, qaf=digit) for digit in QAF_DIGITS if digit in word]
    stems: dict[str, None] = {}
    keys: dict[str, None] = {}
    for arabic in readings:
        if arabic:
            stem = arabic_light(arabic)
            stems[stem] = None
            keys.update(dict.fromkeys(skeletons(arabic, stem)))
    return tuple(stems), tuple(keys)
