"""Words to index tokens: tokenising, language, stop words, stems, arabizi forms.

A word is a run of letters and digits, with the combining marks, tatweel and invisible format
characters that may sit inside it (so a word with harakat is one word). Each word is folded
(insaf.text.normalize), split where Arabic script meets another script, and turned into tokens
according to its script:

- Arabic script: stop words dropped (insaf.text.stopwords.ARABIC), the light stem
  (insaf.text.stem.arabic_light) in the main stream; in the alternate stream its alternative
  stems (a leading و kept, a leading ب ل ك ف removed) and its consonant skeleton
  (insaf.text.arabizi.skeleton, marked SKELETON_ARABIC);
- digits: as they are (ASCII);
- Latin script: by the language of the text's Latin words: the Snowball stem for English or
  French; for arabizi, the word itself in the main stream and, in the alternate stream, the stem
  of its Arabic transliteration and its skeleton under both markers; when the language is
  undetermined, the word itself, with its English and French stems in the alternate stream. A
  word with arabizi digits ("3azaboni") is arabizi whatever the rest of the text is.

Every word's tokens are cached, so a text costs one regular-expression pass and a dictionary
look-up per word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from insaf.text import stem, stopwords
from insaf.text.arabizi import (
    MARKERS,
    ROOT_KEY,
    SKELETON_ARABIC,
    SKELETON_ARABIZI,
    arabic_forms,
    has_arabizi_digits,
    root_key,
    skeletons,
)
from insaf.text.langid import english_or_french
from insaf.text.normalize import WORD_MARKS, fold

# A word: letters and digits, with the marks that may sit inside a word; in arabizi an apostrophe
# after 3 5 6 7 9 is part of a letter (3' غ, 7' خ). An underscore joins words here; they are
# split when the word is folded. _WORD_PLAIN is the same for text without apostrophes, and
# faster.
WORD = re.compile(rf"(?:[\w{WORD_MARKS}]|(?<=[35679])['’](?=[^\W\d_]))+")
_WORD_PLAIN = re.compile(rf"[\w{WORD_MARKS}]+")
_PIECE = re.compile(rf"(?:[^\W_]|[{WORD_MARKS}]|(?<=[35679])['’](?=[^\W\d_]))+")
_ARABIC_RUN = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff"
_SCRIPT_RUNS = re.compile(rf"[{_ARABIC_RUN}]+|[^{_ARABIC_RUN}]+")
_IS_ARABIC = re.compile(rf"[{_ARABIC_RUN}]+")
_LATIN_LETTERS = re.compile(r"[a-z]")

AR, LATIN, NUMBER, OTHER = 1, 2, 3, 4
LANGUAGES = ("ar", "en", "fr", "arabizi", "und")


# Votes of a Latin word for the language of the text (a bit set).
_ARABIZI_VOTE, _ENGLISH_VOTE, _FRENCH_VOTE = 1, 2, 4


class _Part(NamedTuple):
    kind: int
    form: str  # folded
    votes: int = 0  # Latin words: _ARABIZI_VOTE | _ENGLISH_VOTE | _FRENCH_VOTE
    # Tokens, for every kind but LATIN, whose tokens depend on the language of the text.
    main: tuple[str, ...] = ()
    alternate: tuple[str, ...] = ()


@dataclass(frozen=True)
class Analysis:
    """The two token streams of a document."""

    main: list[str]
    """The tokens of the words as written, in order (phrase queries use their positions)."""
    alternate: list[str]
    """Further tokens: consonant skeletons of Arabic words; Arabic forms of arabizi words;
    English and French stems of Latin words in a text of undetermined language."""
    spellings: list[tuple[str, str]] = field(default_factory=list)
    """(word as written, folded; its first main token) for each word of letters that has
    tokens: what fuzzy matching compares a query word with."""


def _classify(run: str) -> _Part:
    if run.isascii():
        if run.isdigit():
            return _Part(NUMBER, run, main=(run,))
        votes = (
            (_ARABIZI_VOTE if run in MARKERS or has_arabizi_digits(run) else 0)
            | (_ENGLISH_VOTE if run in stopwords.ENGLISH else 0)
            | (_FRENCH_VOTE if run in stopwords.FRENCH else 0)
        )
        return _Part(LATIN, run, votes)
    if _IS_ARABIC.fullmatch(run):
        arabic = _arabic(run)
        if not arabic.stem:
            return _Part(AR, run)
        alternate: tuple[str, ...] = arabic.alternatives
        alternate += tuple(SKELETON_ARABIC + skel for skel in arabic.skeletons)
        if arabic.root:
            alternate += (ROOT_KEY + arabic.root,)
        return _Part(AR, run, main=(arabic.stem,), alternate=alternate)
    return _Part(OTHER, run, main=(run,))


# Arabizi letters written with an apostrophe, as digraphs (a token holds no punctuation).
_APOSTROPHE_LETTER = re.compile(r"([35679])['’]")
_APOSTROPHE_DIGRAPHS = {"3": "gh", "5": "kh", "7": "kh", "9": "dh", "6": "zh"}


def _apostrophe_letter(match: re.Match[str]) -> str:
    return _APOSTROPHE_DIGRAPHS[match.group(1)]


@lru_cache(maxsize=131072)
def _parts(word: str) -> tuple[_Part, ...]:
    """The folded pieces of one word: usually one; more when the word mixes Arabic script with
    another, or when NFKC expands it (ﷺ is four words)."""
    folded = fold(word)
    if "'" in folded or "’" in folded:
        folded = _APOSTROPHE_LETTER.sub(_apostrophe_letter, folded)
    if folded.isalnum() and (folded.isascii() or _IS_ARABIC.fullmatch(folded)):
        return (_classify(folded),)
    pieces = _PIECE.findall(folded)
    # Folding deletes the marks and joiners the word regex allows inside words; what is left of
    # a piece is letters and digits.
    return tuple(
        _classify(run)
        for piece in pieces
        for run in _SCRIPT_RUNS.findall(piece)
        if any(ch.isalnum() for ch in run)
    )


# --- Arabic words -------------------------------------------------------------------------------


class _ArabicWord(NamedTuple):
    stem: str  # "" for a stop word
    # Other stems the word may have: with a leading و kept where the stemmer took it for the
    # conjunction (واسطة, والدي), without a leading preposition that the stemmer keeps (بجوازي,
    # لابني, فضربوني: ب ل ك ف alone are as often root letters: بيت, لجنة, كتاب, فساد), and the
    # noun after a contracted على (عالمخابرات: مخابر).
    alternatives: tuple[str, ...]
    skeletons: tuple[str, ...]  # without marker
    root: str  # root-like key, without marker; "" when none
    # The alternative that only the reading of a leading clitic gives (ب ل ك ف as a preposition,
    # عال as على + ال); "" when none (see clitic_stems).
    clitic: str = ""


# Search folding on top of normalisation: the seats of hamza (مسؤول and مسئول are both written).
_HAMZA = str.maketrans({"ؤ": "ء", "ئ": "ء"})
# A preposition (ب ل ك), after the conjunction و or ف or not, or ف alone.
_PROCLITIC = re.compile("[وف]?[بلك]|ف")
# The Levantine and Gulf contraction of على with the article before a noun: "عالمخابرات" (to the
# intelligence), "عالفيزا" is also read as "المخابرات", "الفيزا". Only before four letters or more:
# "عالمية" (international), "عالقين" (stranded) stay themselves. Nor before the ending of a verb
# with its object pronoun, which a noun after the article never takes: "عالجوني" (they treated
# me) is not "الجوني", "عالجتني" (she treated me) not "الجتني".
CONTRACTED_ALA = "عال"
MIN_AFTER_ALA = 4
_VERB_AND_OBJECT = ("وني", "تني", "وها", "وهم", "وكم", "ونا")
# Root-like keys (insaf.text.arabizi.root_key) in the alternate stream and among a query word's
# alternatives, so that a word finds the other derivations of its root (تعذيب, عذبوني).
ROOT_KEYS = True
# Shorter alternative stems are not worth their false matches.
_MIN_ALTERNATIVE = 3


def _light(form: str, *, conjunction: bool = True) -> str:
    """The light stem without a hamza that ends it, which is as often left out as written
    (الدوا, القضا, اعتدا, شي; اعتداءات is اعتدا too). Taken off the stem, not the word: the
    word's last letters must stay for the stemmer to read (ابناء is not ابن + نا)."""
    stemmed = stem.arabic_light(form, conjunction=conjunction)
    return stemmed[:-1] if stemmed.endswith("ء") and len(stemmed) > 2 else stemmed


@lru_cache(maxsize=131072)
def _arabic(form: str) -> _ArabicWord:
    """Stem, alternative stems and skeletons of a folded Arabic word."""
    if form in stopwords.ARABIC:
        return _ArabicWord("", (), (), "")
    form = form.translate(_HAMZA)
    stemmed = _light(form)
    alternatives: list[str] = []
    kept = _light(form, conjunction=False) if form.startswith("و") else ""
    if kept:
        alternatives.append(kept)
    # The stem without a leading clitic: a preposition (never before ع) or a contracted على.
    proclitic = _PROCLITIC.match(form)
    bare = _light(form[proclitic.end() :], conjunction=False) if proclitic else ""
    if (
        form.startswith(CONTRACTED_ALA)
        and len(form) - len(CONTRACTED_ALA) >= MIN_AFTER_ALA
        and not form.endswith(_VERB_AND_OBJECT)
    ):
        bare = _light("ال" + form[len(CONTRACTED_ALA) :])
    if bare:
        alternatives.append(bare)
    alternatives = [
        a for a in dict.fromkeys(alternatives) if a != stemmed and len(a) >= _MIN_ALTERNATIVE
    ]
    clitic = bare if bare in alternatives and bare != kept else ""
    root = root_key(stemmed) if ROOT_KEYS else ""
    return _ArabicWord(stemmed, tuple(alternatives), skeletons(form, stemmed), root, clitic)


# --- Latin words --------------------------------------------------------------------------------


def _arabizi_tokens(form: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if form in stopwords.ARABIZI:
        return (), ()
    translits, skels = arabic_forms(form)
    alternate = list(translits)
    for skel in skels:
        alternate += [SKELETON_ARABIC + skel, SKELETON_ARABIZI + skel]
    return (form,), tuple(alternate)


@lru_cache(maxsize=131072)
def _latin(form: str, mode: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(main, alternate) tokens of a folded Latin word in a text whose Latin words are in
    ``mode`` (en, fr, arabizi or und)."""
    if mode == "arabizi" or has_arabizi_digits(form):
        return _arabizi_tokens(form)
    if mode == "en":
        return ((), ()) if form in stopwords.ENGLISH else ((stem.english(form),), ())
    if mode == "fr":
        return ((), ()) if form in stopwords.FRENCH else ((stem.french(form),), ())
    # Undetermined: English or French without their stop words, or arabizi without its marks.
    if form in stopwords.ENGLISH or form in stopwords.FRENCH:
        return (), ()
    stems = {stem.english(form), stem.french(form)}
    stems.discard(form)
    return (form,), tuple(sorted(stems)) + _arabizi_tokens(form)[1]


# --- Language ------------------------------------------------------------------------------------


def _latin_language(parts: list[_Part], text: str | None) -> str:
    """en, fr, arabizi or und for the Latin-script words ``parts`` of ``text``; the language
    model is asked only when ``text`` is given and the words do not tell."""
    arabizi = english = french = letters = 0
    for part in parts:
        votes = part.votes
        if votes:
            arabizi += votes & _ARABIZI_VOTE
            english += votes & _ENGLISH_VOTE
            french += votes & _FRENCH_VOTE
        letters += len(part.form)
    english //= _ENGLISH_VOTE
    french //= _FRENCH_VOTE
    if arabizi > english and arabizi > french:
        return "arabizi"
    if english >= 2 and english >= 2 * french:
        return "en"
    if french >= 2 and french >= 2 * english:
        return "fr"
    if text is None or letters < 12:
        return "und"
    latin = " ".join(_IS_ARABIC.sub(" ", word) for word in _words(text))
    return english_or_french(latin)


def _words(text: str) -> list[str]:
    if "'" in text or "’" in text:
        return WORD.findall(text)
    return _WORD_PLAIN.findall(text)


def detect_language(text: str) -> str:
    """``"ar"``, ``"en"``, ``"fr"``, ``"arabizi"`` or ``"und"``: the language most of ``text``
    is written in (Arabic script counts as ``"ar"``, whatever the dialect)."""
    return document_language(_words(text), text)[0]


# --- Documents and queries -----------------------------------------------------------------------


def document_language(words: list[str], text: str, language: str | None = None) -> tuple[str, str]:
    """(language, mode) of a text whose words (``word_spans``) are ``words``: its language, as
    ``detect_language`` tells it (or ``language`` when given), and how its Latin-script words are
    analysed (the mode: ``language`` when it is en, fr or arabizi, otherwise what those words
    say: en, fr, arabizi or und)."""
    letters = sum(map(_letters, words))
    arabic, latin = letters % _LATIN_UNIT, letters // _LATIN_UNIT
    given = language if language in ("en", "fr", "arabizi") else None
    if not latin or given:
        # No Latin-script word, or its language given: nothing more to tell.
        if language is None:
            language = "ar" if arabic else "und"
        return language, given or "und"
    latin_parts = [part for parts in map(_latin_parts, words) if parts for part in parts]
    if arabic and arabic >= latin:
        # The Latin words of a mostly Arabic text are a few names or terms: their language is
        # told only when they say it themselves (stop words, arabizi).
        detected, latin_language = "ar", _latin_language(latin_parts, None)
    else:
        detected = latin_language = _latin_language(latin_parts, text)
    return language or detected, latin_language


_LATIN_UNIT = 1 << 40


@lru_cache(maxsize=262144)
def _letters(word: str) -> int:
    """A word's letters in Arabic script, plus its letters in Latin script times _LATIN_UNIT
    (so that a text's words are counted with one sum)."""
    count = 0
    for part in _parts(word):
        if part.kind == AR:
            count += len(part.form)
        elif part.kind == LATIN:
            count += len(part.form) * _LATIN_UNIT
    return count


@lru_cache(maxsize=262144)
def _latin_parts(word: str) -> tuple[_Part, ...]:
    return tuple(part for part in _parts(word) if part.kind == LATIN)


@lru_cache(maxsize=262144)
def word_tokens(word: str, mode: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(main, alternate) index tokens of one word of a document whose Latin words are analysed
    in ``mode`` (``document_language``); a document's streams are its words' in order."""
    main: tuple[str, ...] = ()
    alternate: tuple[str, ...] = ()
    for part in _parts(word):
        if part.kind == LATIN:
            tokens, more = _latin(part.form, mode)
            main += tokens
            alternate += more
        else:
            main += part.main
            alternate += part.alternate
    return main, alternate


def analyze_document(text: str, language: str | None = None) -> Analysis:
    """The token streams of a document; ``language`` (one of LANGUAGES) is detected when None.
    Given, it decides how the Latin-script words are stemmed: en and fr by Snowball, arabizi as
    arabizi, ar and und by what the Latin words themselves say."""
    words = _words(text)
    mode = document_language(words, text, language)[1]
    parts = [part for word in words for part in _parts(word)]
    main: list[str] = []
    alternate: list[str] = []
    spellings: list[tuple[str, str]] = []
    for part in parts:
        if part.kind == LATIN:
            tokens, more = _latin(part.form, mode)
            main += tokens
            alternate += more
            if tokens:
                spellings.append((part.form, tokens[0]))
        else:
            main += part.main
            alternate += part.alternate
    spellings += [(part.form, part.main[0]) for part in parts if part.kind == AR and part.main]
    return Analysis(main=main, alternate=alternate, spellings=spellings)


def analyze(text: str) -> list[str]:
    """The main index tokens of ``text``, in order (what ``insaf text analyze`` prints)."""
    return analyze_document(text).main


def query_alternatives(word: str) -> list[str]:
    """The index tokens one query word may match (to be OR'ed): for an Arabic word its stem, its
    alternative stems and its skeleton as arabizi documents index it; for a Latin word the word,
    its English and French
    stems, and its arabizi forms; ``[]`` for a stop word."""
    out: list[str] = []
    for part in _parts(word):
        kind, form = part.kind, part.form
        if kind == AR:
            arabic = _arabic(form)
            if arabic.stem:
                out.append(arabic.stem)
                out += arabic.alternatives
                out += [SKELETON_ARABIZI + skel for skel in arabic.skeletons]
                if arabic.root:
                    out.append(ROOT_KEY + arabic.root)
        elif kind == LATIN:
            if form in stopwords.LATIN:
                continue
            out += [form, stem.english(form), stem.french(form)]
            translits, skels = arabic_forms(form)
            out += translits
            out += [SKELETON_ARABIC + skel for skel in skels]
        else:
            out.append(form)
    return list(dict.fromkeys(out))


def prefix_form(word: str) -> str:
    """What the start of matching index tokens looks like for a query word ending in ``*``:
    folded, unstemmed, an Arabic article (ال, وال, بال ...) removed."""
    form = "".join(part.form for part in _parts(word.rstrip("*")))
    if _IS_ARABIC.match(form):
        for prefix in stem.PREFIXES:
            if form.startswith(prefix) and len(form) - len(prefix) >= stem.MIN_STEM:
                return form[len(prefix) :]
    return form


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets in ``text`` of its words, as analyze tokenises it."""
    pattern = WORD if "'" in text or "’" in text else _WORD_PLAIN
    return list(map(_SPAN, pattern.finditer(text)))


_SPAN = re.Match.span


@lru_cache(maxsize=65536)
def _word_terms(word: str) -> frozenset[str]:
    terms: set[str] = set()
    for part in _parts(word):
        kind, form = part.kind, part.form
        if kind == AR:
            arabic = _arabic(form)
            if arabic.stem:
                terms.add(arabic.stem)
                terms.update(arabic.alternatives)
                terms.update(SKELETON_ARABIC + skel for skel in arabic.skeletons)
        elif kind == LATIN:
            terms.update((form, stem.english(form), stem.french(form)))
            if _LATIN_LETTERS.search(form):
                translits, skels = arabic_forms(form)
                terms.update(translits)
                for skel in skels:
                    terms.update((SKELETON_ARABIC + skel, SKELETON_ARABIZI + skel))
        else:
            terms.add(form)
    return frozenset(terms)


def english_forms(word: str) -> frozenset[str]:
    """A Latin word's forms as an English word: its pieces as written and their English stems
    (``word_terms`` also gives their French stems)."""
    return frozenset(
        form for part in _latin_parts(word) for form in (part.form, stem.english(part.form))
    )


def clitic_stems(word: str) -> frozenset[str]:
    """The stems among a word's ``word_terms`` that only the reading of its leading ب ل ك or ف
    as a preposition, or of its leading عال as على + ال, gives (جواز of بجوازي; هرب of كهربوه,
    where the letter is the root's; مخابر of عالمخابرات). A lexicon's term is written as a
    dictionary form, so these are not readings of it."""
    found = (_arabic(part.form).clitic for part in _parts(word) if part.kind == AR)
    return frozenset(stem for stem in found if stem)


def word_terms(word: str) -> set[str]:
    """Every index token one word of a document may produce (both streams, any language of the
    text), to tell whether the word matches a query term when highlighting."""
    return set(_word_terms(word))
