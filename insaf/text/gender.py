"""Whether the writer of a text speaks of herself in the feminine.

The labels count a woman as stated when only grammar says so (Arabic adjective and participle
endings, French agreement: "je suis allée"), and most complaints say it that way. The concept
lexicon lists common phrases ("أنا موظفة", "كنت راجعة"); this rule covers the rest of the pattern:

- Arabic: a first-person word that introduces a description of the writer (أنا, إني, كنت, لست,
  بصفتي ...) followed at once by a word written with the feminine ending ة ("أنا أستاذة",
  "كنت عائدة", "لم أكن مخطئة"). Words of time and place that end in ة ("كنت مرة", "كنت بالمدرسة")
  are not descriptions of the writer.
- French: a past participle in -ée after the writer as subject or object ("je suis allée",
  "m'a traitée", "j'ai été arrêtée", "je me suis retrouvée"), an adverb between allowed.

Pure Python, like the rest of ``insaf.text``; triage (insaf/triage/model.py) gives it as one
feature to the vulnerable-group heads, which weigh it against the rest of the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

# The writer, about to be described: pronouns, "I was", "I am not", "as (a) ...", "because I".
_FIRST_PERSON = frozenset(
    {
        "انا",
        "أنا",
        "إنا",
        "اني",
        "إني",
        "أني",
        "انني",
        "إنني",
        "أنني",
        "وانا",
        "وأنا",
        "فانا",
        "فأنا",
        "لاني",
        "لأني",
        "لانني",
        "لأنني",
        "كوني",
        "بصفتي",
        "كنت",
        "وكنت",
        "فكنت",
        "لست",
        "أكن",
        "اكن",
        "صرت",
        "أصبحت",
        "اصبحت",
        "بقيت",
        "ضليت",
        "ظليت",
        "ظللت",
    }
)
# Words ending in ة that follow those without describing the writer as a woman: time, place,
# manner, and the few masculine nouns in ة.
_NOT_DESCRIPTIONS = frozenset(
    {
        "مرة",
        "مرّة",
        "ساعة",
        "سنة",
        "مدة",
        "فترة",
        "لحظة",
        "ليلة",
        "جمعة",
        "دقيقة",
        "ثانية",
        "بعيدة",
        "قريبة",
        "وحدة",
        "صدفة",
        "عادة",
        "بدقة",
        "بسرعة",
        # Masculine words in ة: "أنا زلمة ختيار" (a man), "انا شيبة" (an old man).
        "زلمة",
        "شيبة",
        "رجالة",
    }
)
# Prepositions and conjunctions written onto the next word: "كنت بالمدرسة", "أنا للحقيقة".
_ATTACHED = ("بال", "لل", "فال", "وال", "كال")
# Harakat (U+064B-U+0652) and tatweel, removed from the words of a text that has any.
_MARKS = "".join(map(chr, range(0x064B, 0x0653))) + "\u0640"
_HAS_MARKS = re.compile(f"[{_MARKS}]")
_BARE = str.maketrans("", "", _MARKS)

_FRENCH = re.compile(
    r"\b(?:je\s+suis|j['’]étais|j['’]ai\s+été|me\s+suis|m['’]a|m['’]ont|m['’]avait|"
    r"m['’]avaient|m['’]ont-ils|m['’]a-t-il)\s+(?:\w+ment\s+)?(\w{2,}ée)s?\b",
    re.IGNORECASE,
)
# Nouns in -ée, not participles: "je suis entrée" is a participle, "m'a ... l'entrée" is not
# matched (the article stands between), so only nouns that can follow directly are listed.
_FRENCH_NOUNS = frozenset({"année", "journée", "soirée", "matinée", "idée", "durée", "armée"})


@lru_cache(maxsize=65536)
def _bare(word: str) -> str:
    return word.translate(_BARE)


def speaks_as_woman(words: Sequence[str], text: str) -> bool:
    """Whether ``text`` (whose words, as ``word_spans`` cuts them, are ``words``) has its writer
    speak of herself in the feminine, by the patterns of the module's docstring."""
    if _HAS_MARKS.search(text):
        words = list(map(_bare, words))
    if not _FIRST_PERSON.isdisjoint(words):  # (most texts: a set look-up per word, in C)
        for index in range(len(words) - 1):
            if words[index] not in _FIRST_PERSON:
                continue
            following = words[index + 1]
            if (
                len(following) >= 4
                and following.endswith("ة")
                and following not in _NOT_DESCRIPTIONS
                and not following.startswith(_ATTACHED)
            ):
                return True
    if "ée" in text or "ÉE" in text or "Ée" in text:
        for match in _FRENCH.finditer(text):
            if match.group(1).lower() not in _FRENCH_NOUNS:
                return True
    return False
