"""The project's character normalisation: Lucene's ArabicNormalizer and a few more foldings.

One ``str.translate`` table does all of it after NFKC and case folding:

- Arabic, as Lucene (insaf.text.lucene.normalize): أ إ آ to ا, ى to ي, ة to ه; tatweel, tanween,
  short vowels, shadda and sukun deleted;
- plus alef wasla ٱ to ا, superscript alef and the other Arabic combining marks (Quranic
  annotation signs, combining hamza and madda) deleted, the Persian look-alikes ی ک ۀ ە to
  ي ك ه ه;
- plus Arabic-Indic and Persian digits to ASCII (insaf.core.normalise.to_ascii_digits);
- plus, for Latin script, accents folded (é è ê ë to e, ç to c, œ to oe, ß to ss ...);
- plus invisible format characters (bidi marks, zero-width joiners, soft hyphen) deleted.

NFKC comes first so that presentation forms (ﻻ, ﺍﻟﺸﺮﻃﺔ), ligatures (ﬁ) and full-width letters
become ordinary letters; case folding comes second so that É and é fold alike.
"""

from __future__ import annotations

import unicodedata

from insaf.core.normalise import to_ascii_digits

_ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    # Latin letters with diacritics (Latin-1 Supplement, Extended-A and -B, Extended Additional):
    # their compatibility decomposition without the combining marks, when that is ASCII.
    for cp in (*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base != ch and base.isascii() and base.isalpha():
            table[cp] = base.lower()
    table.update(
        {
            ord("œ"): "oe",
            ord("Œ"): "oe",
            ord("æ"): "ae",
            ord("Æ"): "ae",
            ord("ø"): "o",
            ord("Ø"): "o",
            ord("đ"): "d",
            ord("ð"): "d",
            ord("ł"): "l",
            ord("ß"): "ss",
            ord("ı"): "i",
            ord("þ"): "th",
        }
    )
    # Combining marks left over after NFKC (Latin accents typed separately, the dot that case
    # folding leaves on İ).
    for cp in range(0x0300, 0x0370):
        table[cp] = None
    # Arabic, as Lucene's ArabicNormalizer.
    table.update(
        {
            0x0622: "\u0627",  # آ
            0x0623: "\u0627",  # أ
            0x0625: "\u0627",  # إ
            0x0649: "\u064a",  # ى
            0x0629: "\u0647",  # ة
            0x0640: None,  # tatweel
        }
    )
    for cp in range(0x064B, 0x0653):  # tanween, short vowels, shadda, sukun
        table[cp] = None
    # Arabic, more than Lucene.
    table[0x0671] = "\u0627"  # ٱ alef wasla
    table[0x0672] = "\u0627"  # ٲ alef with wavy hamza above
    table[0x0673] = "\u0627"  # ٳ alef with wavy hamza below
    table[0x0670] = None  # superscript alef
    for cp in (*range(0x0610, 0x061B), *range(0x0653, 0x0660), *range(0x06D6, 0x06EE)):
        table[cp] = None  # Quranic annotation signs, combining maddah and hamza, small letters
    table[0x06CC] = "\u064a"  # ی Farsi yeh
    table[0x06A9] = "\u0643"  # ک keheh
    table[0x06C0] = "\u0647"  # ۀ heh with yeh above
    table[0x06D5] = "\u0647"  # ە ae
    for ch in _ARABIC_INDIC_DIGITS:
        table[ord(ch)] = to_ascii_digits(ch)
    # Invisible format characters: soft hyphen, Arabic letter mark, zero-width space/non-joiner/
    # joiner, left-to-right and right-to-left marks, bidi embeddings and isolates, word joiner,
    # byte-order mark.
    for cp in (0x00AD, 0x061C, *range(0x200B, 0x2010), *range(0x202A, 0x202F)):
        table[cp] = None
    for cp in (*range(0x2060, 0x2065), *range(0x2066, 0x206A), 0xFEFF):
        table[cp] = None
    return table


TABLE: dict[int, str | None] = _build_table()

# Characters that can occur inside a word without being letters or digits: Arabic and Latin
# combining marks, tatweel and the invisible format characters above (the tokeniser keeps them
# in the word; normalisation deletes them). Used in a regular-expression character class.
WORD_MARKS = (
    "\u0300-\u036f\u0610-\u061a\u061c\u0640\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
)


def fold(text: str) -> str:
    """NFKC, case folding and the table above: the normalised form of ``text``."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", text).casefold().translate(TABLE)


def normalize(text: str) -> str:
    """The normalised text of a line, for display and for the ``insaf text normalize`` command:
    spaces and punctuation are kept, letters and digits are folded (see the module docstring)."""
    return fold(text)
