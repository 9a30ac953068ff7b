"""Normalisation of identity values before blind indexing (pure Python, no Django).

People type the same phone number or ID in many forms: Arabic-Indic (U+0660-U+0669) or Persian
(U+06F0-U+06F9) digits, spaces, dashes, a leading ``+`` or ``00``, a national leading ``0``, and
invisible bidirectional marks picked up when copying from right-to-left text. A blind index
compares exact bytes, so each form must be reduced to one canonical string first. Every normaliser
returns ``""`` for a value it cannot normalise; callers store no index for it.
"""

from __future__ import annotations

import unicodedata

# Arabic-Indic (U+0660-U+0669) and Extended Arabic-Indic, as used for Persian and Urdu
# (U+06F0-U+06F9), to ASCII. Fullwidth digits are handled by NFKC.
_DIGITS = str.maketrans(
    "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹",
    "01234567890123456789",
)
_ASCII_DIGITS = frozenset("0123456789")
# Hyphen-minus, the Unicode hyphens and dashes U+2010-U+2015, and the minus sign U+2212.
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
_PHONE_SEPARATORS = _DASHES | frozenset(".()")

# E.164 allows at most 15 digits, country code included.
_E164_MAX_DIGITS = 15
# The shortest national significant number among the member states (Comoros, Lebanon: 7 digits).
# A number typed without + or 00 that starts with the country code is taken as international only
# when at least this many digits follow the code (see normalise_phone).
_MIN_NATIONAL_DIGITS = 7


def to_ascii_digits(text: str) -> str:
    """Replace Arabic-Indic and Persian digits by ASCII digits; leave everything else."""
    return text.translate(_DIGITS)


def _clean(raw: str, drop: frozenset[str]) -> str:
    """NFKC, ASCII digits, and without whitespace, format characters (bidi marks, zero-width
    spaces) or the characters in ``drop``."""
    text = to_ascii_digits(unicodedata.normalize("NFKC", raw))
    if text.isascii() and text.isalnum():
        return text  # the common case: nothing to drop
    return "".join(
        ch
        for ch in text
        if ch not in drop and not ch.isspace() and unicodedata.category(ch) != "Cf"
    )


def _is_ascii_digits(text: str) -> bool:
    return bool(text) and all(ch in _ASCII_DIGITS for ch in text)


def normalise_calling_code(calling_code: str) -> str:
    """``"+962"``, ``"00962"`` or ``"962"`` to ``"962"``; ValueError when it is not 1-3 digits."""
    code = _clean(calling_code, _PHONE_SEPARATORS)
    if code.startswith("+"):
        code = code[1:]
    elif code.startswith("00"):
        code = code[2:]
    if not _is_ascii_digits(code) or len(code) > 3 or code.startswith("0"):
        raise ValueError(f"{calling_code!r} is not a country calling code such as '+962'.")
    return code


def normalise_phone(raw: str, *, calling_code: str | None = None) -> str:
    """A phone number in one canonical form, or ``""`` when ``raw`` is not a phone number.

    Accepts Arabic-Indic and Persian digits, spaces, dashes, dots, parentheses, bidi marks, a
    leading ``+`` or ``00``, and the optional trunk prefix written ``(0)``.

    With ``calling_code`` (the country's, e.g. ``"+962"``), the result is E.164-like:
    ``0791234567``, ``791234567``, ``+962791234567``, ``00962791234567``, ``962791234567`` and
    ``+962 (0)79 123 4567`` all give ``"+962791234567"``. A number written internationally with
    this country's code followed by a trunk ``0`` loses the ``0`` (no member state has national
    numbers starting with ``0``). A number without ``+``/``00`` that starts with the country
    code is international only when at least 7 digits follow the code; shorter, it is a national
    number that happens to start with those digits (a heuristic: we carry no numbering plans).

    Without ``calling_code``: ``"+"`` + digits when written internationally, else the digits as
    typed (a national number keeps its leading ``0``).
    """
    cc = normalise_calling_code(calling_code) if calling_code is not None else None
    text = _clean(raw, frozenset()).replace("(0)", "")
    international = False
    if text.startswith("+"):
        international, text = True, text[1:]
    elif text.startswith("00"):
        international, text = True, text[2:]
    digits = "".join(ch for ch in text if ch not in _PHONE_SEPARATORS)
    if not _is_ascii_digits(digits):
        return ""

    if cc is None:
        if international:
            return "+" + digits if len(digits) <= _E164_MAX_DIGITS else ""
        return digits

    if not international:
        if digits.startswith("0"):
            digits = cc + digits[1:]
        elif not (digits.startswith(cc) and len(digits) - len(cc) >= _MIN_NATIONAL_DIGITS):
            digits = cc + digits
    if digits.startswith(cc + "0"):
        digits = cc + digits[len(cc) + 1 :]
    if len(digits) <= len(cc) or len(digits) > _E164_MAX_DIGITS:
        return ""
    return "+" + digits


def normalise_national_id(raw: str) -> str:
    """A national ID or passport number: ASCII digits, no spaces or dashes, upper case."""
    return _clean(raw, _DASHES).upper()


def normalise_email(raw: str) -> str:
    """An e-mail address without surrounding spaces, without bidi marks, in lower case."""
    return "".join(ch for ch in raw if unicodedata.category(ch) != "Cf").strip().lower()


def normalise_receipt_code(raw: str, *, digits: int = 16) -> str:
    """The digits of a code as the filer typed it (Arabic-Indic or Persian digits, spaces, dashes
    allowed), or ``""`` when it is not ``digits`` digits long (16 for a receipt code)."""
    code = _clean(raw, _DASHES)
    return code if len(code) == digits and _is_ascii_digits(code) else ""
