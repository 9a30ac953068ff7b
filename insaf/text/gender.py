"""Whether the writer of a text speaks of herself in the feminine, or quotes words said to her in
the feminine.

The labels count a woman as stated when only grammar says so (Arabic adjective and participle
endings, French agreement: "je suis allée"), and most complaints say it that way. The concept
lexicon lists common phrases ("أنا موظفة", "كنت راجعة"); this rule covers the rest of the pattern:

- Arabic: a first-person word that introduces a description of the writer (أنا, إني, كنت, لست,
  بصفتي ...) followed at once by a word written with the feminine ending ة ("أنا أستاذة",
  "كنت عائدة", "لم أكن مخطئة"). Words of time and place that end in ة ("كنت مرة", "كنت بالمدرسة")
  are not descriptions of the writer.
- Arabic, a relation: the writer as a woman related to the person harmed, "أنا أمه" (his
  mother), "اني زوجته" (his wife), "أنا أخته" (his sister): a feminine kinship word with a
  possessive pronoun, after a first-person word.
- French: a feminine past participle after the writer as subject or object ("je suis allée",
  "m'a traitée", "j'ai été arrêtée", "je me suis retrouvée", "je suis venue", "m'a suivie",
  "m'ont mise"), an adverb between allowed; and a feminine adjective or noun after "je suis"
  ("je suis seule", "je suis algérienne", "je suis détenue", "je suis veuve").
- Arabizi: a first-person word (ana, ani, kont, kunt, kent) followed by a word ending in -a
  that is not one of the common adverbs ("kont msafra", "ana 3amya", "ana khayfa"), or by a
  feminine relation ("ana emmo": his mother).
- Addressed as a woman: "انتي" (you, feminine) and the feminine imperatives an officer says to
  the writer ("اسكتي", "ارجعي"; "ta3ali", "e2la3i"), in Arabic or Arabizi.

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
        # Iraqi and Gulf "I".
        "آني",
        "وآني",
        "آنا",
    }
)
# A feminine relation of the person the text is about, with a possessive pronoun: "أمه" (his
# mother), "امها", "إمو", "زوجته" (his wife), "مرته", "أخته", "بنته", "والدته", "خالته".
_RELATION = re.compile(
    r"(?:[اأإ]م|مّ|يمّ?ا|(?:زوج|مر|مرا|[اأإ]خ|بن|[اأإ]بن|والد|خال|عم|جد)ت)(?:ه|ها|هم|هن|و|ك|كم)"
    # "أنا أم محمد", "انا ام السجين": the mother of ...
    r"|[اأإ]م"
)
# Said to a woman: "you" in the feminine, and the feminine imperatives of an officer's orders
# (not "تعالي" or "استني": the masculine "تعالى", "استنى" are often typed with ي).
_FEMININE_ADDRESS = frozenset(
    {
        "انتي",
        "إنتي",
        "نتي",
        "اسكتي",
        "ارجعي",
        "اطلعي",
        "انزلي",
        "اقعدي",
        "اخرجي",
        "enti",
        "inti",
        "nti",
        "enty",
        "inty",
        "ta3ali",
        "ta3aly",
        "eskoti",
        "oskoti",
        "erga3i",
        "enzeli",
        "enzely",
        "e2la3i",
        "o2o3di",
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
    r"m['’]avaient|m['’]ont-ils|m['’]a-t-il)\s+(?:\w+ment\s+)?(\w{2,}ée|\w+(?:ue|ie|ise))s?\b",
    re.IGNORECASE,
)
# After "je suis" (or "j'étais"): a feminine adjective or noun of the writer.
_FRENCH_SHE_IS = re.compile(
    r"\b(?:je\s+suis|j['’]étais)\s+(?:une\s+)?(?:\w+ment\s+)?"
    r"(seule|enceinte|veuve|mère|femme|épouse|fille|avocate|"
    r"\w{2,}(?:euse|rice|enne|aine|ive|ante|ente))s?\b",
    re.IGNORECASE,
)
# Nouns in -ée, not participles: "je suis entrée" is a participle, "m'a ... l'entrée" is not
# matched (the article stands between), so only nouns that can follow directly are listed.
_FRENCH_NOUNS = frozenset({"année", "journée", "soirée", "matinée", "idée", "durée", "armée"})
# Arabizi: the writer, then a word in -a; and the -a words that say nothing of the writer.
_ARABIZI_FIRST_PERSON = frozenset({"ana", "ani", "kont", "kunt", "kent", "kint"})
_ARABIZI_OPENING = _ARABIZI_FIRST_PERSON | {w.capitalize() for w in _ARABIZI_FIRST_PERSON}
# "ana emmo", "ana ommha", "ana martou": a feminine relation with a possessive pronoun.
_ARABIZI_RELATION = re.compile(r"(?:2?[eo]mm?|mart|mert|zawjt|zojt|okht|o5t|bint)(?:o|ou|u|ha|oh)")
_ARABIZI_NOT_DESCRIPTIONS = frozenset(
    {
        "hena",
        "hina",
        "hnaya",
        "kaman",
        "kamaan",
        "barra",
        "bara",
        "jowa",
        "juwa",
        "ba2a",
        "baqa",
        "lissa",
        "lessa",
        "walla",
        "wala",
        "ma3a",
        "dayma",
        "sa3a",
        "marra",
        "tani",
        "dilwa2ti",
        # Prepositions with a pronoun, and verbs in the first person.
        "bala",
        "3ala",
        "3alaya",
        "ma3aya",
        "m3aya",
        "a9ra",
        "aqra",
    }
)


@lru_cache(maxsize=65536)
def _bare(word: str) -> str:
    return word.translate(_BARE)


def speaks_as_woman(words: Sequence[str], text: str) -> bool:
    """Whether ``text`` (whose words, as ``word_spans`` cuts them, are ``words``) has its writer
    speak of herself in the feminine, by the patterns of the module's docstring."""
    if _HAS_MARKS.search(text):
        words = list(map(_bare, words))
    if not _FEMININE_ADDRESS.isdisjoint(words):
        return True
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
            ) or _RELATION.fullmatch(following):
                return True
    if "j" in text or "J" in text or "m'" in text or "m’" in text:  # French (and cheap to ask)
        accented = not text.isascii()
        for match in _FRENCH.finditer(text):
            word = match.group(1).lower()
            if word in _FRENCH_NOUNS:
                continue
            # -ue, -ie and -ise are feminine participles ("venue", "suivie", "mise") only where
            # the writer writes accents: without, "tue", "licencie", "precise" are "tué",
            # "licencié", "précisé"; and "-que", "-gue" words are not participles ("cardiaque").
            if word.endswith(("ue", "ie", "ise")) and (
                not accented or word.endswith(("que", "gue"))
            ):
                continue
            return True
        if _FRENCH_SHE_IS.search(text):
            return True
    if not _ARABIZI_OPENING.isdisjoint(words):
        lowered = [word.lower() if word.isascii() else "" for word in words]
        for index in range(len(lowered) - 1):
            if lowered[index] not in _ARABIZI_FIRST_PERSON:
                continue
            following = lowered[index + 1]
            if (
                len(following) >= 4
                and following.endswith("a")
                and following not in _ARABIZI_NOT_DESCRIPTIONS
                and not following.startswith("ka")  # Moroccan verbs: "kont katsna" (I waited)
            ) or _ARABIZI_RELATION.fullmatch(following):
                return True
    return False
