"""Stemmers: the project's light Arabic stemmer, and Snowball (PyStemmer) for English, French and
(for comparison only) Arabic.

``arabic_light`` is Lucene's light stemmer (insaf.text.lucene.stem) with more prefixes and
suffixes: the article after the prepositions and conjunctions in all their combinations, and the
attached pronouns and verb endings that complaints are full of (عذبوني, اعتقلوه, جوازاتهم,
سيارتنا). bench/stemmers.py measured it against Lucene's and Snowball's; the figures and the
reasoning are in docs/decisions/0006-arabic-analyser.md.

All stemmers here take normalised words (insaf.text.normalize.fold).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache

import Stemmer

# The project's prefixes, tried in this order; the first that matches and leaves at least
# ``min_after_prefix`` letters is removed, and no other after it. The conjunctions and
# prepositions before the article come first, so that the longest reading wins.
PREFIXES: tuple[str, ...] = (
    "وبال",
    "وكال",
    "فبال",
    "فكال",
    "ولل",
    "فلل",
    "وال",
    "فال",
    "بال",
    "كال",
    "لل",
    "ال",
)
# Suffixes tried once each, in this order, in one pass: attached pronouns first, then plural
# and dual endings, then the feminine and nisba endings, then the dialect plural و.
SUFFIXES: tuple[str, ...] = (
    "كما",
    "هما",
    "ها",
    "هم",
    "هن",
    "كم",
    "كن",
    "نا",
    "ني",
    "ان",
    "ات",
    "ون",
    "ين",
    "وا",
    "يه",
    "ه",
    "ي",
    "و",
)
_PRONOUNS = frozenset({"كما", "هما", "ها", "هم", "هن", "كم", "كن", "نا", "ني", "ه", "ي"})
MIN_STEM = 2


@dataclass(frozen=True)
class LightStemmer:
    """A light stemmer in the manner of Lucene's (Larkey's Light10): at most one prefix, then
    one pass over the suffixes. Lucene's is ``LUCENE`` below; the project's is ``INSAF``."""

    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    # Removed only when no prefix above was, and at least min_after_single letters remain.
    single_prefixes: tuple[str, ...] = ("و",)
    min_after_prefix: int = MIN_STEM
    min_after_single: int = 3
    # Letters that must remain after a suffix of two letters or more, and after one of one.
    min_after_suffix: int = MIN_STEM
    min_after_letter: int = MIN_STEM
    # Exceptions to the two above, per suffix.
    suffix_min: tuple[tuple[str, int], ...] = ()
    # After the first pronoun suffix, remove a ت left at the end (the feminine ة is written ت
    # before a pronoun: سيارتها is سيارة + ها), unless it is the ات of a plural.
    feminine_teh: bool = False
    # Each suffix with the letters that must remain and whether it is a pronoun (from the
    # fields above, worked out once: a word costs a few microseconds, and every new word of
    # every text is stemmed).
    _rules: tuple[tuple[str, int, bool], ...] = field(
        init=False, repr=False, compare=False, default=()
    )

    def __post_init__(self) -> None:
        overrides = dict(self.suffix_min)
        rules = tuple(
            (
                suffix,
                overrides.get(
                    suffix, self.min_after_letter if len(suffix) == 1 else self.min_after_suffix
                ),
                suffix in _PRONOUNS,
            )
            for suffix in self.suffixes
        )
        object.__setattr__(self, "_rules", rules)

    def __call__(self, word: str, *, conjunction: bool = True) -> str:
        """The stem of a normalised word; with ``conjunction=False`` a leading و is kept, alone
        or as the start of a prefix: it is as often a root letter (واسطة, وزير, والد)."""
        n = len(word)
        for prefix in self.prefixes:
            if (
                n - len(prefix) >= self.min_after_prefix
                and word.startswith(prefix)
                and (conjunction or prefix[0] != "و")
            ):
                word = word[len(prefix) :]
                break
        else:
            if conjunction:
                for prefix in self.single_prefixes:
                    if n - len(prefix) >= self.min_after_single and word.startswith(prefix):
                        word = word[len(prefix) :]
                        break
        pronoun = False
        for suffix, least, is_pronoun in self._rules:
            if word.endswith(suffix) and len(word) - len(suffix) >= least:
                word = word[: -len(suffix)]
                if self.feminine_teh and not pronoun and is_pronoun:
                    pronoun = True
                    if word.endswith("ت") and not word.endswith("ات") and len(word) > 3:
                        word = word[:-1]
        return word


# Lucene's ArabicStemmer as a LightStemmer (insaf.text.lucene.stem is the reference).
LUCENE = LightStemmer(
    prefixes=("ال", "وال", "بال", "كال", "فال", "لل"),
    suffixes=("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي"),
)

# The project's: more prefixes and suffixes. A plural, dual or verb ending must leave three
# letters (سجين is not سج, ضربنا not ضر); a pronoun, two (حقها is حق).
INSAF = LightStemmer(
    prefixes=PREFIXES,
    suffixes=SUFFIXES,
    min_after_suffix=3,
    suffix_min=(
        ("و", 3),
        ("ها", 2),
        ("هم", 2),
        ("هن", 2),
        ("كم", 2),
        ("كن", 2),
        ("كما", 2),
        ("هما", 2),
    ),
    feminine_teh=True,
)


def arabic_light(word: str, *, conjunction: bool = True) -> str:
    """The project's light Arabic stem of a normalised word (see ``INSAF``)."""
    return INSAF(word, conjunction=conjunction)


_local = threading.local()


def _snowball(language: str) -> Stemmer.Stemmer:
    """PyStemmer's stemmer objects must not be shared between threads: one per thread."""
    stemmers: dict[str, Stemmer.Stemmer] | None = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    stemmer = stemmers.get(language)
    if stemmer is None:
        stemmer = stemmers[language] = Stemmer.Stemmer(language)
    return stemmer


@lru_cache(maxsize=65536)
def english(word: str) -> str:
    """Snowball English (Porter 2) stem."""
    return str(_snowball("english").stemWord(word))


@lru_cache(maxsize=65536)
def french(word: str) -> str:
    """Snowball French stem of an accent-folded word."""
    return str(_snowball("french").stemWord(word))


def arabic_snowball(word: str) -> str:
    """Snowball Arabic stem (measured in bench/stemmers.py; not used by the analyser)."""
    return str(_snowball("arabic").stemWord(word))
