"""The language of the ``insaf`` command line, read from the environment (no Django here: a
configuration error is reported in it before Django can start).

``INSAF_LANGUAGE`` when set (``ar``, ``en`` or ``fr``), otherwise the first of ``LANGUAGE`` (a
colon-separated list of preferences), ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set, as
gettext reads them (``ar_JO.UTF-8`` is Arabic). A locale naming another language, or none
(``C``, ``POSIX``), gives English.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("ar", "en", "fr")
DEFAULT = "en"
# gettext's order: the first variable that is set decides (LANGUAGE may list several).
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
# Insaf's catalogues (Django's compiled .mo files, which the standard library's gettext reads).
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def _language_of(locale: str) -> str | None:
    """``ar`` for ``ar``, ``ar_JO``, ``ar_JO.UTF-8`` or ``ar-jo``; None for another language."""
    code = locale.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else None


def command_language(environ: Mapping[str, str] | None = None) -> str:
    """The language of the command line's messages (see the module's docstring)."""
    environ = os.environ if environ is None else environ
    chosen = environ.get("INSAF_LANGUAGE", "").strip()
    if chosen:
        return _language_of(chosen) or DEFAULT
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "").strip()
        if not value:
            continue
        if name == "LANGUAGE":
            for preference in value.split(":"):
                found = _language_of(preference)
                if found:
                    return found
            continue  # gettext reads LANGUAGE, when it names nothing known, as unset
        return _language_of(value) or DEFAULT
    return DEFAULT


def gettext_noop(message: str) -> str:
    """Marks ``message`` for Insaf's catalogues (``makemessages`` collects it) and returns it
    unchanged, for code without Django (``insaf.text``, the settings): what shows the message to
    a person translates it."""
    return message


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(language: str) -> gettext.NullTranslations:
    """Insaf's messages in ``language``, for code that runs before (or without) Django."""
    return gettext.translation("django", LOCALE_DIR, [language], fallback=True)
