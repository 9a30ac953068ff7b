"""The trained triage classifier: linear models over hashed text features and concept matches.

Features of a text (``Featurizer``):

- character n-grams (3 to 5, within words) of the folded text: spelling variants, dialect
  morphology and Arabizi share them;
- the analyser's tokens (``insaf.text.analyze_document``: stems, skeletons, Arabic forms of Arabizi,
  English and French stems) and pairs of neighbouring stems;
- the concepts found in the text (``insaf.text.concepts``, terms in ``data/concepts/``), alone and
  in pairs ("beating" with "third_party" is not "beating" with "personnel"), and stated ages
  (a minor, 60 or over).

Heads: kind and category (multinomial logistic regression), grave and each vulnerable group
(binary logistic regression, class-balanced). Grave is then decided by a second stage
(``GraveStack``: the grave head's log-odds, the categories' probabilities, the concepts and the
grave cues), whose threshold is set by cross-validation on the training data so that a recall of
GRAVE_RECALL holds on unseen texts with 95% confidence (the Wilson lower bound of the out-of-fold
recall; recall first: a missed torture allegation is far worse than a false alarm); each group's
threshold for its best F1.

A model is a directory-free pair of files: ``triage-<version>.npz`` (sparse weights, intercepts,
thresholds; no pickle) and the lexicon it was trained with, copied into the same .npz, so a model
file alone reproduces its results. No Django here: the command line loads a model without a
database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import json
import math
import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple, cast

import mmh3
import numpy as np
from scipy import sparse

from insaf.language import gettext_noop
from insaf.text import document_language, langid, word_spans, word_terms, word_tokens
from insaf.text.concepts import Lexicon, Match, Term, terms_digest
from insaf.text.gender import speaks_as_woman
from insaf.text.normalize import fold
from insaf.triage.labels import Category, Kind, Vulnerable

CHAR_FEATURES = 1 << 18
TOKEN_FEATURES = 1 << 18
GRAVE_RECALL = 0.95
C_BINARY = 10.0  # inverse regularisation of the logistic regressions
CONCEPT_WEIGHT = 0.5  # the concept block's length beside the character and token blocks
ALTERNATE_VALUE = 0.5  # an alternate token's value beside a main token's
EVIDENCE_WORDS = 12  # the words (and concept terms) of a text weighed as evidence for a label
CONTEXTS = frozenset({"metaphor", "third_party", "praise", "suggestion", "personnel", "custody"})
GROUPS = tuple(str(g) for g in Vulnerable)
# The concepts of data/concepts/people.csv that name a vulnerable group.
GROUP_CONCEPTS = frozenset({"woman", "child", "disability", "elderly"})
KINDS = tuple(str(k) for k in Kind)
CATEGORIES = tuple(str(c) for c in Category)
# 2: features scaled by occurrences; 3: grave's second stage (older models must be retrained)
FORMAT = 3
# Changes to how features are made change the model's version with the data and the lexicon.
FEATURES = (
    "chars3-5,tokens,bigrams,concepts+contexts,ages,lang;3;by-occurrence;grave-cues;match2;wilson"
    ";grave-stack;self-woman;ages2;group-concepts;self-woman2;ages3"
    ";dialect-present;qaf-digits;final-hamza;dual"
)

# A word that states an age by itself ("15", "١٥", "70ans"), and the words around a number that
# make it an age ("عمره 15", "بعمر 70", "aged 70", "âgée de 80", "15 سنة", "26 عاماً", "15 ans",
# "70 years", "12 yo"); all folded.
# A leading و ("و٩ سنين" in "٦ و٩ سنين") is the conjunction, not part of the number.
_AGE_WORD = re.compile(r"و?(\d{1,3})(ans?|years?|yrs?|yo|سنه|سنوات|سنين|عام|عاما)?")
_AGE_BEFORE = re.compile(r"عمر\w*|بعمر\w*|سن\w*|aged?|agee?|3[eiou]?mr\w*")
# Before a number in letters and its unit: "ابني البالغ ستة عشر عاما", "عنده تلاتاشر سنة" (he
# is thirteen); "عندي تلات عربيات" has no unit of age, and is no age.
_AGE_HAS = re.compile(r"البالغه?|عند(?:ه|ها|ي|و)")
_AGE_AFTER = frozenset(
    {"سنه", "سنوات", "سنين", "عام", "عاما", "an", "ans", "year", "years", "yr", "yrs", "yo"}
    # Arabizi: "3andi 15 sana", "3omro 16 sne".
    | {"sana", "sanawat", "snin", "sneen", "snine", "sne", "sna", "sene", "seneh", "sinin"}
)
# Numbers written as words: they state an age only after "عمره", "aged", "3omro" ... (or, in
# French, "mon fils de huit ans"), never by a unit alone ("محكوم ست سنين" is a sentence).
_NUMBER_WORDS: dict[str, int] = {
    # Arabic, folded (ة as ه, ى as ي): units, the dialects' teens, tens.
    **dict.fromkeys(("واحد", "واحده"), 1),
    **dict.fromkeys(("اثنين", "اتنين", "تنين", "ثنتين", "اثنا", "اثني"), 2),
    **dict.fromkeys(("ثلاث", "ثلاثه", "تلات", "تلاته"), 3),
    **dict.fromkeys(("اربع", "اربعه"), 4),
    **dict.fromkeys(("خمس", "خمسه"), 5),
    **dict.fromkeys(("ست", "سته"), 6),
    **dict.fromkeys(("سبع", "سبعه"), 7),
    **dict.fromkeys(("ثمان", "ثماني", "ثمانيه", "تمن", "تمان", "تمانيه", "تمنيه"), 8),
    **dict.fromkeys(("تسع", "تسعه"), 9),
    **dict.fromkeys(("عشر", "عشره"), 10),
    **dict.fromkeys(("احدي", "حداشر", "احداشر", "حدعش"), 11),
    **dict.fromkeys(("اطناشر", "اتناشر", "اثناشر", "ثنعش"), 12),
    **dict.fromkeys(("تلاتاشر", "ثلطعش", "تلطاشر", "ثلاثطعش"), 13),
    **dict.fromkeys(("اربعتاشر", "اربعطاشر", "اربعطعش"), 14),
    **dict.fromkeys(("خمستاشر", "خمسطاشر", "خمسطعش"), 15),
    **dict.fromkeys(("ستاشر", "سطاشر", "ستطعش"), 16),
    **dict.fromkeys(("سبعتاشر", "سبعطاشر", "سبعطعش"), 17),
    **dict.fromkeys(("تمنتاشر", "تمنطاشر", "ثمنطعش", "ثمنتاشر"), 18),
    **dict.fromkeys(("تسعتاشر", "تسعطاشر", "تسعطعش"), 19),
    "عشرين": 20,
    **dict.fromkeys(("ثلاثين", "تلاتين"), 30),
    "اربعين": 40,
    "خمسين": 50,
    "ستين": 60,
    "سبعين": 70,
    **dict.fromkeys(("ثمانين", "تمانين"), 80),
    "تسعين": 90,
    # English.
    **{
        word: n
        for n, word in enumerate(
            "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
            "fifteen sixteen seventeen eighteen nineteen".split(),
            start=1,
        )
    },
    **{
        word: 10 * n
        for n, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
    },
    # French.
    **{
        word: n
        for n, word in enumerate(
            "un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze "
            "seize".split(),
            start=1,
        )
    },
    **{
        word: 10 * n for n, word in enumerate("vingt trente quarante cinquante soixante".split(), 2)
    },
    "vingts": 20,
}
# A relative, then the age: "my son (8)", "ابني ١٥", "mon fils de huit ans" ("de" between).
_RELATIVES = frozenset(
    {"fils", "fille", "frere", "soeur", "pere", "mere", "enfant", "bebe", "garcon", "neveu"}
    | {"son", "daughter", "boy", "girl", "child", "brother", "sister", "father", "mother", "kid"}
    | {"ابني", "ابنتي", "بنتي", "ولدي", "اخي", "اختي", "ابوي", "ابي", "امي", "ابنه", "ابنها"}
)
# English "I am 13", "my son is 15", "she was 16", "he turned 17": an age when no unit follows
# ("the queue was 3 hours" is not one).
_AGE_IS = frozenset({"am", "is", "was", "turned", "im"})
_NOT_AGE_UNITS = frozenset(
    {
        "hours",
        "hour",
        "days",
        "day",
        "minutes",
        "minute",
        "weeks",
        "week",
        "months",
        "month",
        "times",
        "km",
        "meters",
        "metres",
        "people",
        "dinars",
        "dollars",
        "pounds",
        "riyals",
        "dirhams",
        "percent",
        "am",
        "pm",
        "oclock",
    }
    # After a relative: "ابني 3 ايام بالحجز" (three days), "mon fils 2 fois".
    | {"يوم", "ايام", "ساعه", "ساعات", "شهر", "شهور", "اشهر", "اسبوع", "اسابيع", "ليله", "ليالي"}
    | {"مره", "مرات", "دقيقه", "دقايق", "دقائق", "دينار", "جنيه", "ريال", "درهم"}
    | {"jours", "heures", "mois", "semaines", "fois", "nuits"}
)


@dataclass(frozen=True)
class Labelled:
    text: str
    kind: str
    category: str
    grave: bool
    vulnerable: tuple[str, ...]


def read_jsonl(path: Path) -> list[Labelled]:
    """Labelled items in the sample's schema (other fields ignored)."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            items.append(
                Labelled(
                    text=row["text"],
                    kind=row["kind"],
                    category=row["category"],
                    grave=bool(row["grave"]),
                    vulnerable=tuple(row.get("vulnerable") or ()),
                )
            )
    return items


def ages(text: str) -> list[int]:
    """The ages stated in a text: a number of 1 to 119 after "عمره", "بعمر", "سن", "aged",
    "âgé(e) (de)", or before "سنة", "عاماً", "ans", "years", "yo", "sana", or after "am", "is",
    "was", "turned" with no unit of time, distance, money or count after it."""
    return ages_of_words([fold(text[a:b]).lower() for a, b in word_spans(text)])


@lru_cache(maxsize=65536)
def _age_word(folded: str) -> tuple[int, bool]:
    """(the number a folded word states, 0 if none or not an age; whether a unit is attached)."""
    match = _AGE_WORD.fullmatch(folded)
    if match is None or not 0 < int(match.group(1)) < 120:
        return 0, False
    return int(match.group(1)), bool(match.group(2))


def _number_word(word: str) -> int:
    """The number a folded word writes in letters ("سبع", "وسبعين", "seven"; 0 for none)."""
    value = _NUMBER_WORDS.get(word, 0)
    if not value and word.startswith("و"):  # "واحد وسبعين": and seventy
        value = _NUMBER_WORDS.get(word[1:], 0)
    return value


def is_number(folded: str) -> bool:
    """Whether a folded word may state an age: it has a digit or writes a number in letters."""
    return any(ch.isdigit() for ch in folded) or bool(_number_word(folded))


def _spelled(words: Sequence[str], i: int) -> tuple[int, int]:
    """(the number the words ending at ``i`` write in letters, where it starts): "ستة عشر" 16,
    "واحد وسبعين" 71, "sixty five" 65, "soixante dix" 70, "dix sept" 17, "quatre vingts" 80."""
    value = _number_word(words[i])
    if not value or i == 0:
        return value, i
    before = _number_word(words[i - 1])
    if not before:
        return value, i
    if value == 10 and before < 10:  # ستة عشر
        return before + 10, i - 1
    if value == 20 and before == 4:  # quatre vingts
        return 80, i - 1
    if before >= 20 and value < 20 and before % 10 == 0:  # sixty five, soixante dix
        return before + value, i - 1
    if before == 10 and value < 10:  # dix sept
        return 10 + value, i - 1
    if value >= 20 and value % 10 == 0 and before < 10 and words[i].startswith("و"):
        return before + value, i - 1  # واحد وسبعين
    return value, i


def ages_of_words(words: Sequence[str], numbers: Sequence[int] | None = None) -> list[int]:
    """``ages`` of a text's folded words; ``numbers``: the positions of the words that may state
    one (``is_number``), when the caller knows them."""
    positions = numbers if numbers is not None else range(len(words))
    found = []
    for i in positions:
        after = words[i + 1] if i + 1 < len(words) else ""
        value, unit = _age_word(words[i])
        spelled = not value
        start = i
        if spelled:
            value, start = _spelled(words, i)
            if not value or _number_word(after):  # the next word goes on with the number
                continue
        before = words[start - 1] if start > 0 else ""
        if before == "de" and start > 1:
            before = words[start - 2]
        relative = before in _RELATIVES
        if spelled:
            if (
                _AGE_BEFORE.fullmatch(before)
                or ((relative or _AGE_HAS.fullmatch(before)) and after in _AGE_AFTER)
                or (after in {"year", "years"} and i + 2 < len(words) and words[i + 2] == "old")
            ):
                found.append(value)
            continue
        if (
            unit
            or after in _AGE_AFTER
            or _AGE_BEFORE.fullmatch(before)
            or (before in _AGE_IS and after not in _NOT_AGE_UNITS and not after.isdigit())
            # "my son (8)", "ابني ١٥": a number right after a relative
            or (relative and after not in _NOT_AGE_UNITS and not after.isdigit())
        ):
            found.append(value)
    return found


# Grave cues: an allegation the labels name as grave, found by its concept, unless the text frames
# it as a metaphor or as the act of someone who is not personnel. An input of grave's second stage
# (``GraveStack``); a model without one (too little data) makes every cued case grave.
GRAVE_CONCEPTS = frozenset(
    {"torture", "sexual_violence", "disappearance", "child_with_adults", "medical_denial"}
)
GRAVE_WITH_PERSONNEL = frozenset({"death", "injury", "firearm", "death_threat"})
DEFUSING = frozenset({"metaphor", "third_party"})


def grave_cues(matches: Sequence[Match]) -> list[Match]:
    """The matches that allege a grave harm by personnel, or [] when the text defuses them."""
    concepts = {m.concept for m in matches}
    if concepts & DEFUSING and not concepts & {"personnel", "custody"}:
        return []
    if "metaphor" in concepts:
        return []
    # Death, injury, shooting or a threat to life count when personnel or custody are named and
    # nobody else is.
    by_personnel = bool(concepts & {"personnel", "custody"}) and "third_party" not in concepts
    return [
        m
        for m in matches
        if m.concept in GRAVE_CONCEPTS or (by_personnel and m.concept in GRAVE_WITH_PERSONNEL)
    ]


@dataclass
class Analysed:
    """What the featurizer saw in one text, kept for scoring and evidence."""

    text: str
    language: str
    mode: str  # how its Latin-script words were analysed (insaf.text.analysis.document_language)
    matches: list[Match]
    words: list[tuple[int, int]]  # (start, end) of each word
    strings: list[str]  # each word
    features: list[WordFeatures]  # of each word
    bigrams: np.ndarray  # columns of the pairs of neighbouring main tokens
    extra: dict[int, float]  # the concept block, ages and language: column -> value

    @property
    def token_square(self) -> float:
        return float(sum(map(_TOKEN_SQUARE, self.features))) + len(self.bigrams)


class WordFeatures(NamedTuple):
    """The features one word gives, wherever it stands (cached per word and mode)."""

    chars: np.ndarray  # columns of its character n-grams, with repeats
    tokens: np.ndarray  # columns of its main (w:) and alternate (a:) tokens
    values: np.ndarray  # their values before scaling: 1 for main, 0.5 for alternate
    hashes: tuple[int, ...]  # of its main tokens, for the pairs of neighbouring tokens
    folded: str
    token_square: float  # the sum of the squared values
    char_count: int  # len(chars)
    number: bool  # whether it has a digit or writes a number in letters (may state an age)


_HASHES = attrgetter("hashes")
_FOLDED = attrgetter("folded")
_TOKEN_SQUARE = attrgetter("token_square")


@lru_cache(maxsize=262_144)
def _char_columns(piece: str) -> tuple[int, ...]:
    """The columns of a folded word's character n-grams (3 to 5, the word padded with a space on
    each side, as scikit-learn's char_wb analyser makes them)."""
    padded = f" {piece} "
    return tuple(
        abs(mmh3.hash(padded[i : i + n], 0)) % CHAR_FEATURES
        for n in (3, 4, 5)
        for i in range(len(padded) - n + 1)
    )


@lru_cache(maxsize=1_048_576)
def _column(name: str) -> int:
    return token_index(name)


WORD_CACHE = 262_144  # words kept per mode by a Featurizer (Featurizer._word_features)


def word_features(word: str, mode: str) -> WordFeatures:
    folded = fold(word).lower()
    chars = [c for piece in folded.split() for c in _char_columns(piece)]
    main, alternate = word_tokens(word, mode)
    tokens = [_column("w:" + t) for t in main] + [_column("a:" + t) for t in alternate]
    values = [1.0] * len(main) + [ALTERNATE_VALUE] * len(alternate)
    return WordFeatures(
        chars=np.asarray(chars, dtype=np.int64),
        tokens=np.asarray(tokens, dtype=np.int64),
        values=np.asarray(values, dtype=np.float32),
        hashes=tuple(mmh3.hash(t, 0, signed=False) for t in main),
        folded=folded,
        token_square=len(main) + ALTERNATE_VALUE**2 * len(alternate),
        char_count=len(chars),
        number=is_number(folded),
    )


def _bigram_columns(hashes: Sequence[int]) -> np.ndarray:
    """The columns of the pairs of neighbouring main tokens, from the tokens' hashes."""
    if len(hashes) < 2:
        return np.zeros(0, dtype=np.int64)
    h = np.asarray(hashes, dtype=np.int64)
    return CHAR_FEATURES + (h[:-1] * 1_000_003 + h[1:]) % TOKEN_FEATURES


class Featurizer:
    """Texts to rows of features. Three blocks, each scaled as a whole:

    - the character n-grams of every word, each occurrence worth 1/sqrt(their number);
    - the main tokens (1), alternate tokens (0.5) and pairs of neighbouring main tokens (1),
      scaled together so that the squares of the occurrences' values sum to one;
    - the concepts, alone and with their context words (CONCEPT_WEIGHT in all); the concepts of
      vulnerable groups again, each at full weight; stated ages; the writer speaking of herself
      in the feminine (insaf.text.gender); and the language.

    The scale is counted over occurrences, not over distinct features, so a text's score is a sum
    over its words of what each word gives (``TriageModel`` caches that per word)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        # word_features by mode and word in plain dicts: one look-up per word of every text,
        # cheaper than the lru_cache's (which builds a key of the two arguments each time).
        self._features: dict[str, dict[str, WordFeatures]] = {}

    def _word_features(self, words: list[str], mode: str) -> list[WordFeatures]:
        cache = self._features.setdefault(mode, {})
        found = list(map(cache.get, words))
        if None not in found:
            return cast(list[WordFeatures], found)
        if len(cache) > WORD_CACHE:
            cache.clear()  # (another thread's look-ups above keep what they found)
        result = []
        for word, features in zip(words, found, strict=True):
            if features is None:
                features = cache[word] = word_features(word, mode)
            result.append(features)
        return result

    def analyse(self, text: str, language: str | None = None) -> Analysed:
        spans = word_spans(text)
        words = list(map(text.__getitem__, itertools.starmap(slice, spans)))
        lang, mode = document_language(words, text, language)
        features = self._word_features(words, mode)
        bigrams = _bigram_columns(list(itertools.chain.from_iterable(map(_HASHES, features))))
        matches = self.lexicon.find(text, spans, words, mode)
        concepts = sorted({m.concept for m in matches})
        # The concepts, and each with the context words that change what it means (the same
        # beating by a neighbour, by an officer, in a queue, in thanks), as one block.
        block = ["c:" + c for c in concepts]
        contexts = [c for c in concepts if c in CONTEXTS]
        block += [f"cc:{c}&{x}" for c in concepts if c not in CONTEXTS for x in contexts]
        extra: dict[int, float] = {}
        for name in block:
            column = _column(name)
            extra[column] = extra.get(column, 0.0) + CONCEPT_WEIGHT / math.sqrt(len(block))
        numbers = [i for i, f in enumerate(features) if f.number]
        if numbers:
            years = ages_of_words(list(map(_FOLDED, features)), numbers)
            if any(age < 18 for age in years):
                extra[_column("age:minor")] = 1.0
            if any(age >= 60 for age in years):
                extra[_column("age:senior")] = 1.0
        if speaks_as_woman(words, text):
            extra[_column("self:woman")] = 1.0
        # A vulnerable group named, at full weight however many other concepts the text names.
        for group in GROUP_CONCEPTS.intersection(concepts):
            extra[_column("g:" + group)] = 1.0
        extra[_column("lang:" + lang)] = 1.0
        return Analysed(text, lang, mode, matches, spans, words, features, bigrams, extra)

    def transform(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> tuple[sparse.csr_matrix, list[Analysed]]:
        """The feature rows of ``texts`` (what training fits; ``TriageModel.predict`` computes
        the same scores word by word)."""
        languages = languages or [None] * len(texts)
        analysed = [self.analyse(t, lang) for t, lang in zip(texts, languages, strict=True)]
        columns: list[np.ndarray] = []
        values: list[np.ndarray] = []
        indptr = [0]
        for one in analysed:
            chars = np.concatenate([f.chars for f in one.features] or [np.zeros(0, np.int64)])
            char_scale = 1.0 / math.sqrt(len(chars)) if len(chars) else 0.0
            token_scale = 1.0 / math.sqrt(one.token_square) if one.token_square else 0.0
            tokens = [f.tokens for f in one.features]
            token_values = [f.values for f in one.features]
            row_columns = [chars, *tokens, one.bigrams, np.fromiter(one.extra, np.int64)]
            row_values: list[np.ndarray] = [
                np.full(len(chars), char_scale, np.float32),
                *(v * token_scale for v in token_values),
                np.full(len(one.bigrams), token_scale, np.float32),
                np.fromiter(one.extra.values(), np.float32),
            ]
            columns.append(np.concatenate(row_columns))
            values.append(np.concatenate(row_values).astype(np.float32))
            indptr.append(indptr[-1] + len(columns[-1]))
        matrix = sparse.csr_matrix(
            (
                np.concatenate(values or [np.zeros(0, np.float32)]),
                np.concatenate(columns or [np.zeros(0, np.int64)]).astype(np.int32),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(len(texts), CHAR_FEATURES + TOKEN_FEATURES),
        )
        matrix.sum_duplicates()  # repeated n-grams and tokens add up
        return matrix, analysed


def token_index(name: str) -> int:
    """The column of a named feature (FeatureHasher's hashing), after the character block."""
    return CHAR_FEATURES + abs(mmh3.hash(name, 0)) % TOKEN_FEATURES


@lru_cache(maxsize=200_000)
def _word_columns(word: str) -> tuple[int, ...]:
    """The token columns one word of a text may give, in any language (for evidence)."""
    return tuple(token_index(p + t) for t in word_terms(word) for p in ("w:", "a:"))


def _sigmoid(raw: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-raw))
    return out


@dataclass
class Head:
    classes: tuple[str, ...]
    weights: sparse.csr_matrix  # (classes or 1, features)
    intercept: np.ndarray
    threshold: float = 0.5
    _columns: np.ndarray | None = field(default=None, repr=False)

    def scores(self, features: sparse.csr_matrix) -> np.ndarray:
        """The probabilities of rows of features (training's cross-validation uses this)."""
        if self._columns is None:
            self._columns = np.ascontiguousarray(self.weights.toarray().T, dtype=np.float32)
        product = features.astype(np.float32, copy=False) @ self._columns
        return self.probabilities(np.asarray(product, dtype=np.float64))

    def probabilities(self, raw: np.ndarray) -> np.ndarray:
        raw = raw + self.intercept
        if len(self.classes) == 1:
            return _sigmoid(raw)  # (n, 1): the label's
        raw -= raw.max(axis=1, keepdims=True)
        exp = np.exp(raw)
        shares: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
        return shares


@dataclass
class GraveStack:
    """Grave's second stage: a logistic regression over what the first stage says of a text.

    Its inputs: the grave head's log-odds; each category's one-against-the-rest probability (a
    beating "in custody" that the category head reads as torture, not as a neighbour's quarrel
    the police ignored); the grave log-odds times each of those; the concepts the text mentions,
    as flags; and whether a grave cue stands (``grave_cues``). Trained on out-of-fold first-stage
    scores, so it learns how far to trust them on texts they were not fitted to."""

    concepts: tuple[str, ...]
    weights: np.ndarray  # (inputs,)
    intercept: float
    threshold: float = 0.5

    def probabilities(
        self,
        grave_p: np.ndarray,
        category_p: np.ndarray,
        analysed: Sequence[Analysed],
        cues: Sequence[Sequence[Match]],
    ) -> np.ndarray:
        inputs = stack_inputs(self.concepts, grave_p, category_p, analysed, cues)
        return _sigmoid(inputs @ self.weights + self.intercept)


def stack_inputs(
    concepts: Sequence[str],
    grave_p: np.ndarray,
    category_p: np.ndarray,
    analysed: Sequence[Analysed],
    cues: Sequence[Sequence[Match]],
) -> np.ndarray:
    """The second stage's input rows: ``grave_p`` (n,), ``category_p`` (n, categories) the
    per-class probabilities, ``analysed`` the texts as the featurizer saw them, ``cues`` each
    text's ``grave_cues``; a flag per concept of ``concepts`` the text mentions."""
    clipped = np.clip(grave_p, 1e-6, 1 - 1e-6)
    logit = np.log(clipped / (1 - clipped))[:, None]
    flags = np.zeros((len(analysed), len(concepts) + 1))
    where = {c: i for i, c in enumerate(concepts)}
    for row, one in enumerate(analysed):
        for match in one.matches:
            column = where.get(match.concept)
            if column is not None:
                flags[row, column] = 1.0
    flags[:, -1] = [1.0 if found else 0.0 for found in cues]
    return np.hstack([logit, category_p, logit * category_p, flags])


def _group_sums(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The sums of consecutive groups of ``values`` (rows), of the given sizes (0 gives 0)."""
    out = np.zeros((len(sizes), *values.shape[1:]), dtype=np.float64)
    filled = sizes > 0
    if filled.any():
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        out[filled] = np.add.reduceat(values, starts[filled], axis=0)
    return out


class _WordTable:
    """What each word seen so far gives every output of a model: its character n-grams' weights
    summed, its tokens' weights summed (scaled by their values), the weights of every token it
    could give in any language (for evidence), and the counts its text's scales need. A text's
    scores are then a few sums over its words' rows."""

    LIMIT = 100_000  # words kept before the table starts again (about 30 MB)

    def __init__(self, weights: np.ndarray) -> None:
        self.weights = weights  # (features, outputs), float32
        self.rows: dict[str, dict[str, int]] = {}  # mode -> word -> row
        self.size = 0
        outputs = weights.shape[1]
        self.chars = np.zeros((1024, outputs), np.float32)
        self.tokens = np.zeros((1024, outputs), np.float32)
        self.evidence = np.zeros((1024, outputs), np.float32)
        self.char_counts = np.zeros(1024, np.float32)
        self.token_squares = np.zeros(1024, np.float32)

    def add(self, mode: str, words: Sequence[tuple[str, WordFeatures]]) -> None:
        """Give rows to ``words`` (new to the table, each once, read in ``mode``), all at once:
        one gather and one grouped sum per block for the whole batch instead of three per
        word."""
        if not words:
            return
        start, count = self.size, len(words)
        if start + count > len(self.chars):
            size = len(self.chars)
            while size < start + count:
                size *= 2
            for name in ("chars", "tokens", "evidence"):
                grown = np.zeros((size, self.weights.shape[1]), np.float32)
                grown[:start] = getattr(self, name)[:start]
                setattr(self, name, grown)
            for name in ("char_counts", "token_squares"):
                counts = np.zeros(size, np.float32)
                counts[:start] = getattr(self, name)[:start]
                setattr(self, name, counts)
        w = self.weights
        features = [f for _, f in words]
        end = start + count
        self.chars[start:end] = _group_sums(
            w[np.concatenate([f.chars for f in features])],
            np.fromiter((len(f.chars) for f in features), np.int64, count),
        )
        values = np.concatenate([f.values for f in features])
        self.tokens[start:end] = _group_sums(
            w[np.concatenate([f.tokens for f in features])] * values[:, None],
            np.fromiter((len(f.tokens) for f in features), np.int64, count),
        )
        evidence = [_word_columns(word) for word, _ in words]
        self.evidence[start:end] = _group_sums(
            w[np.fromiter(itertools.chain.from_iterable(evidence), np.int64)],
            np.fromiter(map(len, evidence), np.int64, count),
        )
        self.char_counts[start:end] = [f.char_count for f in features]
        self.token_squares[start:end] = [f.token_square for f in features]
        known = self.rows.setdefault(mode, {})
        for offset, (word, _) in enumerate(words):
            known[word] = start + offset
        self.size = end

    def clear(self) -> None:
        self.rows.clear()
        self.size = 0


@dataclass
class Prediction:
    language: str
    kind: str
    category: str
    grave: bool
    vulnerable: tuple[str, ...]
    confidence: dict[str, float]
    evidence: dict[str, list[str]]
    # The concepts the lexicon found in the text, one per mention in order (search indexes the
    # same: insaf/search/concepts.py, Layer.tokens_from).
    concepts: tuple[str, ...] = ()


@dataclass
class TriageModel:
    version: str
    lexicon_terms: list[Term]
    heads: dict[str, Head]
    trained_on: int = 0
    created_at: str = ""
    figures: dict[str, Any] = field(default_factory=dict)
    grave_stack: GraveStack | None = None
    _featurizer: Featurizer | None = None
    _table: _WordTable | None = None
    _outputs: dict[str, slice] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _lexicon_digest: str | None = None

    @property
    def featurizer(self) -> Featurizer:
        if self._featurizer is None:
            self._featurizer = Featurizer(Lexicon(self.lexicon_terms))
        return self._featurizer

    @property
    def lexicon_digest(self) -> str:
        """The ``terms_digest`` of the lexicon it was trained with (and finds concepts with)."""
        if self._lexicon_digest is None:
            self._lexicon_digest = terms_digest(self.lexicon_terms)
        return self._lexicon_digest

    # --- Prediction ------------------------------------------------------------------------------

    def warm(self) -> None:
        """Build now what the first prediction would: the featurizer (its concept matcher) and
        the dense table of weights."""
        _ = self.featurizer
        self._words()

    def _words(self) -> _WordTable:
        """Every head's weights side by side, dense and transposed (features x outputs), and the
        table of words seen."""
        if self._table is None:
            blocks, start = [], 0
            for name, head in self.heads.items():
                self._outputs[name] = slice(start, start + len(head.classes))
                start += len(head.classes)
                blocks.append(head.weights)
            weights = sparse.vstack(blocks, format="csr").toarray().T
            self._table = _WordTable(np.ascontiguousarray(weights, dtype=np.float32))
        return self._table

    def raw_scores(self, analysed: Sequence[Analysed]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Every output's score before its intercept, for each text (the product of the
        featurizer's rows with the weights, summed word by word), and each text's word rows."""
        table = self._words()
        if table.size + sum(len(one.words) for one in analysed) > table.LIMIT:
            table.clear()  # start again, never in the middle of a batch
        rows: list[np.ndarray] = []
        extra_columns: list[int] = []
        extra_values_list: list[float] = []
        extra_sizes: list[int] = []
        # The words new to the table, each once, get their rows together first.
        new: dict[str, dict[str, WordFeatures]] = {}
        for one in analysed:
            known = table.rows.setdefault(one.mode, {})
            if None in map(known.get, one.strings):
                fresh = new.setdefault(one.mode, {})
                for word, f in zip(one.strings, one.features, strict=True):
                    if word not in known:
                        fresh.setdefault(word, f)
        for mode, fresh in new.items():
            table.add(mode, list(fresh.items()))
        for one in analysed:
            ids = list(map(table.rows[one.mode].__getitem__, one.strings))
            rows.append(np.asarray(ids, dtype=np.int64))
            extra_columns += one.extra
            extra_values_list += one.extra.values()
            extra_sizes.append(len(one.extra))
        count = len(analysed)
        sizes = np.fromiter(map(len, rows), np.int64, count)
        flat = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        # Each text's scales: over its character n-grams, and over its tokens and pairs.
        bigrams = [one.bigrams for one in analysed]
        pairs = np.fromiter(map(len, bigrams), np.int64, count)
        chars = _group_sums(table.char_counts[flat], sizes)
        squares = _group_sums(table.token_squares[flat], sizes) + pairs
        char_scale = np.divide(1.0, np.sqrt(chars), out=np.zeros(count), where=chars > 0)
        token_scale = np.divide(1.0, np.sqrt(squares), out=np.zeros(count), where=squares > 0)
        raw = _group_sums(table.chars[flat], sizes) * char_scale[:, None]
        raw += _group_sums(table.tokens[flat], sizes) * token_scale[:, None]
        # The pairs (worth the token scale) and the concept, age and language block.
        extra_counts = np.asarray(extra_sizes, np.int64)
        pair_columns = np.concatenate(bigrams) if bigrams else np.zeros(0, np.int64)
        pair_values = np.repeat(token_scale, pairs)[:, None]
        raw += _group_sums(table.weights[pair_columns] * pair_values, pairs)
        extra_values = np.asarray(extra_values_list, np.float32)[:, None]
        raw += _group_sums(table.weights[extra_columns] * extra_values, extra_counts)
        return np.asarray(raw, dtype=np.float64), rows

    def predict(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> list[Prediction]:
        if not texts:
            return []
        languages = languages or [None] * len(texts)
        featurizer = self.featurizer
        analysed = [featurizer.analyse(t, lang) for t, lang in zip(texts, languages, strict=True)]
        with self._lock:  # the word table grows as it goes
            raw, rows = self.raw_scores(analysed)
            table = self._words()
            out = self._outputs
            kind_p = self.heads["kind"].probabilities(raw[:, out["kind"]])
            category_p = self.heads["category"].probabilities(raw[:, out["category"]])
            grave_p = self.heads["grave"].probabilities(raw[:, out["grave"]])[:, 0]
            cues = [grave_cues(one.matches) for one in analysed]
            stack = self.grave_stack
            if stack is not None:
                category = self.heads["category"]
                each = _sigmoid(raw[:, out["category"]] + category.intercept)
                grave_p = stack.probabilities(grave_p, each, analysed, cues)
            group_p = {
                g: self.heads["vulnerable." + g].probabilities(raw[:, out["vulnerable." + g]])[:, 0]
                for g in GROUPS
            }
            return [
                self._prediction(
                    one,
                    word_rows,
                    table,
                    kind_p[row],
                    category_p[row],
                    grave_p[row],
                    cues[row],
                    group_p,
                    row,
                )
                for row, (one, word_rows) in enumerate(zip(analysed, rows, strict=True))
            ]

    def _prediction(
        self,
        one: Analysed,
        word_rows: np.ndarray,
        table: _WordTable,
        kind_p: np.ndarray,
        category_p: np.ndarray,
        grave_score: float,
        cues: list[Match],
        group_p: dict[str, np.ndarray],
        row: int,
    ) -> Prediction:
        kind_i = int(kind_p.argmax())
        kind = KINDS[kind_i]
        order = np.argsort(-category_p)
        category_i = int(order[0])
        if CATEGORIES[category_i] == Category.REQUEST and kind != Kind.PETITION:
            category_i = int(order[1])  # only a petition's subject is a bare request
        category = CATEGORIES[category_i]
        quiet = kind in (Kind.SUGGESTION, Kind.COMMENDATION)  # nobody harmed or asking
        grave_score = float(grave_score)
        if self.grave_stack is not None:  # the second stage weighs the cues itself
            grave = not quiet and grave_score >= self.grave_stack.threshold
        else:
            grave = not quiet and (grave_score >= self.heads["grave"].threshold or bool(cues))
        groups = tuple(
            g
            for g in GROUPS
            if not quiet and group_p[g][row] >= self.heads["vulnerable." + g].threshold
        )
        confidence = {
            "kind": round(float(kind_p[kind_i]), 3),
            "category": round(float(category_p[category_i]), 3),
            "grave": round(grave_score if grave else 1.0 - grave_score, 3),
        }
        for g in GROUPS:
            p = float(group_p[g][row])
            confidence["vulnerable." + g] = round(p if g in groups else 1.0 - p, 3)
        # Evidence for the category, grave and each group found, from one look-up of weights.
        names = ["category"] + (["grave"] if grave else []) + ["vulnerable." + g for g in groups]
        outputs = [self._outputs["category"].start + category_i] + [
            self._outputs[name].start for name in names[1:]
        ]
        found = dict(zip(names, self._evidence(one, word_rows, table, outputs), strict=True))
        if grave:
            cue_words = [one.text[m.start : m.end] for m in cues]
            more = [w for w in found["grave"] if w not in cue_words]
            found["grave"] = (cue_words + more)[:3]
        concepts = tuple(m.concept for m in one.matches)
        return Prediction(one.language, kind, category, grave, groups, confidence, found, concepts)

    def _evidence(
        self,
        one: Analysed,
        word_rows: np.ndarray,
        table: _WordTable,
        outputs: list[int],
        top: int = 3,
    ) -> list[list[str]]:
        """For each output, the concept terms and words of the text that weigh most for it."""
        candidates: list[dict[str, float]] = [{} for _ in outputs]
        if one.matches:
            columns = [_column("c:" + match.concept) for match in one.matches]
            weights = table.weights[columns][:, outputs]
            orders = np.argsort(-weights, axis=0, kind="stable")[:EVIDENCE_WORDS]
            for k, scored in enumerate(candidates):
                order = orders[:, k]
                for index, weight in zip(order.tolist(), weights[order, k].tolist(), strict=True):
                    if weight <= 0:
                        break
                    match = one.matches[index]
                    text = one.text[match.start : match.end]
                    if text not in scored:  # in order of weight: the first is the highest
                        scored[text] = weight
        if len(word_rows):
            # The words that weigh most (a word's weight is the same wherever it stands); the
            # first EVIDENCE_WORDS positions leave enough after overlapping words are dropped.
            weights = table.evidence[word_rows][:, outputs]
            orders = np.argsort(-weights, axis=0, kind="stable")[:EVIDENCE_WORDS]
            for k, scored in enumerate(candidates):
                order = orders[:, k]
                for position, weight in zip(
                    order.tolist(), weights[order, k].tolist(), strict=True
                ):
                    if weight <= 0:
                        break
                    word = one.strings[position]
                    if word not in scored or scored[word] < weight:
                        scored[word] = weight
        chosen_all = []
        for scored in candidates:
            chosen: list[str] = []
            for text, _ in sorted(scored.items(), key=lambda pair: -pair[1]):
                if not any(text in other or other in text for other in chosen):
                    chosen.append(text)
                    if len(chosen) == top:
                        break
            chosen_all.append(chosen)
        return chosen_all

    # --- Files -----------------------------------------------------------------------------------

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {}
        meta: dict[str, Any] = {
            "format": FORMAT,
            "version": self.version,
            "trained_on": self.trained_on,
            "created_at": self.created_at,
            "figures": self.figures,
            "heads": {},
            "lexicon": [[t.concept, t.lang, t.text] for t in self.lexicon_terms],
        }
        for name, head in self.heads.items():
            weights = head.weights.tocsr()
            arrays[f"{name}.data"] = weights.data.astype(np.float32)
            arrays[f"{name}.indices"] = weights.indices.astype(np.int32)
            arrays[f"{name}.indptr"] = weights.indptr.astype(np.int64)
            arrays[f"{name}.intercept"] = np.asarray(head.intercept, dtype=np.float64)
            meta["heads"][name] = {
                "classes": list(head.classes),
                "threshold": head.threshold,
                "shape": list(weights.shape),
            }
        if self.grave_stack is not None:
            stack = self.grave_stack
            arrays["grave_stack.weights"] = np.asarray(stack.weights, dtype=np.float64)
            meta["grave_stack"] = {
                "concepts": list(stack.concepts),
                "intercept": stack.intercept,
                "threshold": stack.threshold,
            }
        arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), np.uint8)
        path = folder / f"triage-{self.version}.npz"
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(buffer.getvalue())
        temporary.replace(path)  # never a half-written model
        return path

    @classmethod
    def load(cls, path: Path, content: bytes | None = None) -> TriageModel:
        """The model saved at ``path`` (or, when ``content`` is given, the model file whose
        bytes these are, ``path`` naming it in errors), with what labelling needs loaded: the
        language model (a Latin-script text that its stop words do not settle asks it) and the
        lexicon."""
        # The language model in a thread of its own: it is mostly LZMA decompression, which
        # releases the GIL, so a second core unpacks it while this one reads the model file and
        # builds the lexicon. Asked again at the end: an error it met is raised there.
        language_model = threading.Thread(target=langid.load, name="langid-load", daemon=True)
        language_model.start()
        source = path if content is None else io.BytesIO(content)
        with np.load(source, allow_pickle=False) as arrays:
            meta = json.loads(arrays["meta"].tobytes().decode())
            if meta.get("format") != FORMAT:
                raise ValueError(f"{path.name}: model format {meta.get('format')}, not {FORMAT}")
            heads = {}
            for name, spec in meta["heads"].items():
                weights = sparse.csr_matrix(
                    (
                        arrays[f"{name}.data"],
                        arrays[f"{name}.indices"],
                        arrays[f"{name}.indptr"],
                    ),
                    shape=tuple(spec["shape"]),
                )
                heads[name] = Head(
                    tuple(spec["classes"]),
                    weights,
                    arrays[f"{name}.intercept"],
                    float(spec["threshold"]),
                )
            stack = None
            if "grave_stack" in meta:
                spec = meta["grave_stack"]
                stack = GraveStack(
                    tuple(spec["concepts"]),
                    np.asarray(arrays["grave_stack.weights"], dtype=np.float64),
                    float(spec["intercept"]),
                    float(spec["threshold"]),
                )
        model = cls(
            version=meta["version"],
            lexicon_terms=[Term(c, lang, t) for c, lang, t in meta["lexicon"]],
            heads=heads,
            trained_on=int(meta.get("trained_on", 0)),
            created_at=meta.get("created_at", ""),
            figures=meta.get("figures", {}),
            grave_stack=stack,
        )
        _ = model.featurizer  # the lexicon, built here once
        model._words()  # the weights, dense
        language_model.join()
        langid.load()
        return model


# --- Training ------------------------------------------------------------------------------------


def _fit_multi(features: sparse.csr_matrix, labels: list[str], classes: tuple[str, ...]) -> Head:
    """One against the rest, a binary model per class of the contract (a class never seen gets
    a constant that never wins)."""
    rows, intercept = [], []
    for name in classes:
        head = _fit_binary(features, [label == name for label in labels], name)
        rows.append(head.weights)
        intercept.append(float(head.intercept[0]))
    return Head(classes, sparse.vstack(rows, format="csr"), np.asarray(intercept))


def _fit_binary(features: sparse.csr_matrix, labels: list[bool], name: str) -> Head:
    from sklearn.linear_model import LogisticRegression

    if len(set(labels)) < 2:
        constant = 1e3 if labels and labels[0] else -1e3
        return Head((name,), sparse.csr_matrix((1, features.shape[1])), np.array([constant]))
    # The dual problem: with far fewer texts than features (8,000 against 500,000) liblinear
    # solves it about seven times faster than the primal one, to the same optimum (probabilities
    # within 1e-4 on the development set). Its coordinate descent visits the texts in a random
    # order: seeded, so that the same data gives the same model.
    model = LogisticRegression(
        C=C_BINARY,
        solver="liblinear",
        dual=True,
        random_state=0,
        max_iter=1000,
        class_weight="balanced",
    )
    model.fit(features, labels)
    return Head((name,), sparse.csr_matrix(model.coef_), np.asarray(model.intercept_))


def _out_of_fold(
    features: sparse.csr_matrix, labels: list[bool], name: str, folds: int = 5
) -> np.ndarray:
    """Each item's probability from a model trained without it (folds by position)."""
    scores = np.zeros(len(labels))
    index = np.arange(len(labels))
    for part in range(folds):
        held = index % folds == part
        kept = [label for label, out in zip(labels, held.tolist(), strict=True) if not out]
        head = _fit_binary(features[~held], kept, name)
        scores[held] = head.scores(features[held])[:, 0]
    return scores


def _recall_threshold(
    scores: np.ndarray, labels: list[bool], recall: float, covered: np.ndarray
) -> float:
    """The highest threshold at which the scores, with the positives ``covered`` otherwise (the
    grave cues), keep ``recall`` of the positives with a margin for unseen texts (``_needed_for``;
    never above 0.5)."""
    truth = np.asarray(labels, dtype=bool)
    if not truth.any():
        return 0.5
    needed = _needed_for(recall, int(truth.sum())) - int((truth & covered).sum())
    rest = np.sort(scores[truth & ~covered])
    if needed <= 0 or not len(rest):
        return 0.5
    return float(min(0.5, rest[len(rest) - min(needed, len(rest))]))


def _needed_for(recall: float, positives: int, z: float = 1.645) -> int:
    """How many of ``positives`` must be found so that ``recall`` holds on texts not seen, with
    95% confidence: the fewest whose recall's Wilson lower bound reaches ``recall`` (with 450
    positives, 0.966 of them for 0.95)."""
    for found in range(math.ceil(recall * positives), positives + 1):
        share = found / positives
        centre = share + z * z / (2 * positives)
        spread = z * math.sqrt(share * (1 - share) / positives + z * z / (4 * positives**2))
        if (centre - spread) / (1 + z * z / positives) >= recall:
            return found
    return positives


def _f1_threshold(scores: np.ndarray, labels: list[bool]) -> float:
    truth = np.asarray(labels, dtype=bool)
    best, best_f1 = 0.5, -1.0
    for threshold in np.arange(0.1, 0.91, 0.05):
        predicted = scores >= threshold
        tp = int((predicted & truth).sum())
        f1 = 2 * tp / max(1, predicted.sum() + truth.sum())
        if f1 > best_f1:
            best, best_f1 = float(threshold), f1
    return best


def model_version(items: Sequence[Labelled], terms: Sequence[Term]) -> str:
    """The version of the model that ``train`` makes from these items and terms (a digest of
    them and of the feature settings)."""
    digest = hashlib.sha256(f"{FEATURES}|{C_BINARY}|{CONCEPT_WEIGHT}".encode())
    for item in items:
        digest.update(json.dumps(item.__dict__, ensure_ascii=False, sort_keys=True).encode())
    digest.update(terms_digest(terms).encode())
    return f"linear-{digest.hexdigest()[:10]}"


def train(items: Sequence[Labelled], terms: Iterable[Term]) -> TriageModel:
    """A model from labelled items and the lexicon's terms (deterministic for the same input)."""
    terms = list(terms)
    featurizer = Featurizer(Lexicon(terms))
    features, analysed = featurizer.transform([item.text for item in items])
    heads = {
        "kind": _fit_multi(features, [i.kind for i in items], KINDS),
        "category": _fit_multi(features, [i.category for i in items], CATEGORIES),
    }
    grave = [i.grave for i in items]
    heads["grave"] = _fit_binary(features, grave, "grave")
    cues = [grave_cues(one.matches) for one in analysed]
    cued = np.asarray([bool(found) for found in cues])
    grave_oof = _out_of_fold(features, grave, "grave")
    heads["grave"].threshold = _recall_threshold(grave_oof, grave, GRAVE_RECALL, cued)
    stack = _fit_grave_stack(features, items, analysed, cues, terms, grave_oof)
    for group in GROUPS:
        labels = [group in i.vulnerable for i in items]
        name = "vulnerable." + group
        heads[name] = _fit_binary(features, labels, name)
        heads[name].threshold = _f1_threshold(_out_of_fold(features, labels, name), labels)
    today = dt.datetime.now(dt.UTC)
    model = TriageModel(
        version=model_version(items, terms),
        lexicon_terms=terms,
        heads=heads,
        trained_on=len(items),
        created_at=today.isoformat(timespec="seconds"),
        grave_stack=stack,
    )
    model._featurizer = featurizer
    return model


STACK_C = 1.0  # inverse regularisation of grave's second stage


def _fit_grave_stack(
    features: sparse.csr_matrix,
    items: Sequence[Labelled],
    analysed: Sequence[Analysed],
    cues: Sequence[Sequence[Match]],
    terms: Sequence[Term],
    grave_oof: np.ndarray,
    folds: int = 5,
) -> GraveStack | None:
    """Grave's second stage (``GraveStack``), fitted on the first stage's out-of-fold scores,
    with its threshold set like the first stage's: recall GRAVE_RECALL on unseen texts with 95%
    confidence, judged on its own out-of-fold scores. None when the data cannot fit one (too few
    texts, or no grave text or no other)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    grave = np.asarray([i.grave for i in items], dtype=bool)
    if len(items) < 10 * folds or grave.sum() < folds or (~grave).sum() < folds:
        return None
    from joblib import Parallel, delayed

    # The categories' out-of-fold scores: 5 fits per category, as many at once as there are cores.
    each = np.column_stack(
        Parallel(n_jobs=os.cpu_count() or 1)(
            delayed(_out_of_fold)(features, [i.category == c for i in items], c, folds)
            for c in CATEGORIES
        )
    )
    concepts = tuple(sorted({t.concept for t in terms}))
    inputs = stack_inputs(concepts, grave_oof, each, analysed, cues)
    model = LogisticRegression(C=STACK_C, max_iter=5000, class_weight="balanced")
    split = StratifiedKFold(n_splits=folds)  # unshuffled: the same data gives the same model
    held_out = cross_val_predict(model, inputs, grave, cv=split, method="predict_proba")[:, 1]
    model.fit(inputs, grave)
    nobody = np.zeros(len(items), dtype=bool)
    threshold = _recall_threshold(held_out, grave.tolist(), GRAVE_RECALL, nobody)
    return GraveStack(
        concepts, np.asarray(model.coef_[0], np.float64), float(model.intercept_[0]), threshold
    )


# --- Evaluation ----------------------------------------------------------------------------------


@dataclass
class Evaluation:
    """Precision, recall and F1 per label value, accuracies, and the category confusion matrix."""

    items: int
    kind_accuracy: float
    category_accuracy: float
    grave: dict[str, float]
    vulnerable_micro_f1: float
    per_label: dict[str, dict[str, float]]
    confusion: dict[str, dict[str, int]]

    def lines(self, translate: Callable[[str], str] | None = None) -> list[str]:
        """The figures as a table. ``translate``: gives the table's words in the reader's
        language (the command line passes gettext); English without. Label codes stay codes
        (the contract)."""
        say = translate or str
        items, kinds, categories = (
            say(gettext_noop("items")),
            say(gettext_noop("kind accuracy")),
            say(gettext_noop("category accuracy")),
        )
        grave, vulnerable = (
            say(gettext_noop("grave precision")),
            say(gettext_noop("vulnerable micro-F1")),
        )
        label, precision, support = (
            say(gettext_noop("label")),
            say(gettext_noop("precision")),
            say(gettext_noop("support")),
        )
        recall, f1 = say(gettext_noop("recall")), say(gettext_noop("F1"))
        width = max(38, len(label) + 1)
        out = [
            f"{items} {self.items}",
            f"{kinds} {self.kind_accuracy:.3f}",
            f"{categories} {self.category_accuracy:.3f}",
            f"{grave} {self.grave['precision']:.3f} {recall} {self.grave['recall']:.3f} {f1} "
            f"{self.grave['f1']:.3f}",
            f"{vulnerable} {self.vulnerable_micro_f1:.3f}",
            "",
            f"{label:<{width}} {precision:>9} {recall:>7} {f1:>6} {support:>8}",
        ]
        for name, row in self.per_label.items():
            out.append(
                f"{name:<{width}} {row['precision']:>9.3f} {row['recall']:>7.3f} "
                f"{row['f1']:>6.3f} {int(row['support']):>8}"
            )
        out += ["", say(gettext_noop("category confusion (rows: true, columns: predicted)"))]
        codes = [
            c
            for c in CATEGORIES
            if c in self.confusion or any(c in row for row in self.confusion.values())
        ]
        short = {c: c[:6] for c in codes}
        out.append(" " * 24 + " ".join(f"{short[c]:>6}" for c in codes))
        for true in codes:
            counts = self.confusion.get(true, {})
            out.append(f"{true:<24}" + " ".join(f"{counts.get(c, 0):>6}" for c in codes))
        return out


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}


def evaluate(truth: Sequence[Labelled], predicted: Sequence[Any]) -> Evaluation:
    """Compare predictions (anything with kind, category, grave, vulnerable) with labels."""
    per_label: dict[str, dict[str, float]] = {}
    pairs = list(zip(truth, predicted, strict=True))
    for field_name, codes in (("kind", KINDS), ("category", CATEGORIES)):
        for code in codes:
            tp = sum(
                1 for t, p in pairs if getattr(t, field_name) == code == getattr(p, field_name)
            )
            fp = sum(
                1 for t, p in pairs if getattr(p, field_name) == code != getattr(t, field_name)
            )
            fn = sum(
                1 for t, p in pairs if getattr(t, field_name) == code != getattr(p, field_name)
            )
            if tp + fp + fn:
                per_label[f"{field_name}.{code}"] = _prf(tp, fp, fn)
    grave = _prf(
        sum(1 for t, p in pairs if t.grave and p.grave),
        sum(1 for t, p in pairs if p.grave and not t.grave),
        sum(1 for t, p in pairs if t.grave and not p.grave),
    )
    per_label["grave"] = grave
    totals = [0, 0, 0]
    for group in GROUPS:
        tp = sum(1 for t, p in pairs if group in t.vulnerable and group in p.vulnerable)
        fp = sum(1 for t, p in pairs if group in p.vulnerable and group not in t.vulnerable)
        fn = sum(1 for t, p in pairs if group in t.vulnerable and group not in p.vulnerable)
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
        per_label[f"vulnerable.{group}"] = _prf(tp, fp, fn)
    confusion: dict[str, dict[str, int]] = {}
    for t, p in pairs:
        row = confusion.setdefault(t.category, {})
        row[p.category] = row.get(p.category, 0) + 1
    count = max(1, len(pairs))
    return Evaluation(
        items=len(pairs),
        kind_accuracy=sum(1 for t, p in pairs if t.kind == p.kind) / count,
        category_accuracy=sum(1 for t, p in pairs if t.category == p.category) / count,
        grave=grave,
        vulnerable_micro_f1=_prf(*totals)["f1"],
        per_label=per_label,
        confusion=confusion,
    )
