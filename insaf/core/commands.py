"""The language of the ``insaf`` command line, and the base of its commands.

An administrator reads ``insaf import``'s errors, ``insaf sla sweep``'s summary and the other
commands' messages in Arabic, English or French, like every page. The language comes from the
environment, as for any command-line program: ``INSAF_LANGUAGE`` when set (``ar``, ``en`` or
``fr``), otherwise the first of ``LANGUAGE`` (a colon-separated list of preferences), ``LC_ALL``,
``LC_MESSAGES`` and ``LANG`` that is set, as gettext reads them (``ar_JO.UTF-8`` is Arabic). A
locale naming another language, or none (``C``, ``POSIX``), gives English: the language of the
commands' options and of Django's own commands.

What a command writes into the database (demo data, audit entries, files it exports) does not
depend on this language; only its messages do.

The commands run Django's system checks before they start, except the concept lexicon's
(insaf/search/checks.py) for those that do not read it: a data/concepts file edited into a wrong
shape stops ``insaf search``, ``insaf concepts``, ``insaf import`` and ``insaf triage train``, as
it stops ``insaf check`` and ``insaf migrate``, but not the deadline sweep, the outbox or the audit
run by cron, nor ``insaf triage`` labelling with a model (which carries its own terms).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

LANGUAGES = ("ar", "en", "fr")
# False while the system checks run for a command that does not read the concept lexicon: its
# check (insaf/search/checks.py) then passes.
LEXICON_CHECKED: ContextVar[bool] = ContextVar("lexicon_checked", default=True)
DEFAULT = "en"
# gettext's order: the first variable that is set decides (LANGUAGE may list several).
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


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


def display_width(text: str) -> int:
    """The terminal columns ``text`` takes: combining marks (Arabic short vowels) take none."""
    return sum(not unicodedata.combining(char) for char in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` columns: left-aligned, or right-aligned with
    ``right``. For tables whose headings and labels are in the command line's language."""
    room = " " * max(0, width - display_width(text))
    return room + text if right else text + room


class InsafCommand(BaseCommand):
    """A management command of Insaf: it runs in the command line's language."""

    # Whether the command reads the concept lexicon (data/concepts): only then does the
    # lexicon's check stop it.
    reads_lexicon = False

    def check(self, *args: Any, **kwargs: Any) -> None:
        token = LEXICON_CHECKED.set(self.reads_lexicon)
        try:
            super().check(*args, **kwargs)
        finally:
            LEXICON_CHECKED.reset(token)

    def execute(self, *args: Any, **options: Any) -> Any:
        with translation.override(command_language()):
            return super().execute(*args, **options)

    def active_user(self, username: str | None) -> Any:
        """The active user ``--user USERNAME`` names (None when the option is not given);
        CommandError when there is none."""
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user %(user)s.") % {"user": repr(username)})
        return user
