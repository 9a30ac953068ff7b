"""The language of the ``insaf`` command line, and the base of its commands.

An administrator reads ``insaf import``'s errors, ``insaf sla sweep``'s summary and the other
commands' messages in Arabic, English or French, like every page. The language comes from the
environment, as for any command-line program (insaf/language.py): ``INSAF_LANGUAGE`` when set,
otherwise the locale (``LANG=ar_JO.UTF-8`` is Arabic); a locale naming another language, or none,
gives English.

The help of Insaf's commands (``insaf search --help``), the list of commands (``insaf --help``)
and argparse's own words ("usage:", "the following arguments are required") are in that language
too. argparse translates its words through the module-level ``_`` and ``ngettext`` it imports from
the standard library's gettext; while an Insaf command parses its arguments they are Django's, so
argparse's messages come from Insaf's catalogues (``ARGPARSE_MESSAGES`` lists them for
``makemessages``). Django's own commands (``migrate``, ``runserver`` ...) keep their English help.

A command's error is one line in those words too ("insaf search: error: ...", exit status 1),
and so is a database that cannot be used (not migrated, not reachable); ``--traceback`` shows
where.

What a command writes into the database (demo data, audit entries, files it exports) does not
depend on this language; only its messages do.

The commands run Django's system checks before they start, except the concept lexicon's
(insaf/search/checks.py) for those that do not read it: a data/concepts file edited into a wrong
shape stops ``insaf search``, ``insaf concepts``, ``insaf import`` and ``insaf triage train``, as
it stops ``insaf check`` and ``insaf migrate``, but not the deadline sweep, the outbox or the audit
run by cron, nor ``insaf triage`` labelling with a model (which carries its own terms).
"""

from __future__ import annotations

import argparse
import os
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import ManagementUtility, get_commands, load_command_class
from django.core.management.base import BaseCommand, CommandError, CommandParser, SystemCheckError
from django.core.management.color import color_style
from django.db import DatabaseError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from insaf.language import command_language

# False while the system checks run for a command that does not read the concept lexicon: its
# check (insaf/search/checks.py) then passes.
LEXICON_CHECKED: ContextVar[bool] = ContextVar("lexicon_checked", default=True)


# The words argparse (Python 3.11) shows a person: its help's headings and its errors. Marked
# here so that makemessages puts them in Insaf's catalogues; tests/core/test_command_help.py
# checks that argparse still says each of them.
ARGPARSE_MESSAGES = (
    gettext_noop("usage: "),
    gettext_noop("positional arguments"),
    gettext_noop("options"),
    gettext_noop("show this help message and exit"),
    gettext_noop("%(prog)s: error: %(message)s\n"),
    gettext_noop("argument %(argument_name)s: %(message)s"),
    gettext_noop("the following arguments are required: %s"),
    gettext_noop("one of the arguments %s is required"),
    gettext_noop("unrecognized arguments: %s"),
    gettext_noop("not allowed with argument %s"),
    gettext_noop("ignored explicit argument %r"),
    gettext_noop("expected one argument"),
    gettext_noop("expected at most one argument"),
    gettext_noop("expected at least one argument"),
    gettext_noop("ambiguous option: %(option)s could match %(matches)s"),
    gettext_noop("invalid %(type)s value: %(value)r"),
    gettext_noop("invalid choice: %(value)r (choose from %(choices)s)"),
    gettext_noop("unknown parser %(parser_name)r (choices: %(choices)s)"),
    gettext_noop("can't open '%(filename)s': %(error)s"),
)

# The help of the options Django gives every command, by option.
BASE_OPTIONS_HELP = {
    "--version": gettext_noop("Show program's version number and exit."),
    "--verbosity": gettext_noop(
        "Verbosity level; 0=minimal output, 1=normal output, 2=verbose output, "
        "3=very verbose output"
    ),
    "--settings": gettext_noop(
        'The Python path to a settings module, e.g. "insaf.settings". If this isn\'t '
        "provided, the DJANGO_SETTINGS_MODULE environment variable will be used."
    ),
    "--pythonpath": gettext_noop("A directory to add to the Python path."),
    "--traceback": gettext_noop("Display a full stack trace on CommandError exceptions."),
    "--no-color": gettext_noop("Don't colorize the command output."),
    "--force-color": gettext_noop("Force colorization of the command output."),
    "--skip-checks": gettext_noop("Skip system checks."),
}


@contextmanager
def command_translation() -> Iterator[None]:
    """The command line's language for Insaf's messages and for argparse's (see the module's
    docstring); argparse's own translation functions are put back afterwards."""
    names = vars(argparse)
    saved = names["_"], names["ngettext"]
    names["_"], names["ngettext"] = translation.gettext, translation.ngettext
    try:
        with translation.override(command_language()):
            yield
    finally:
        names["_"], names["ngettext"] = saved


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
    # What the command does, in a line, for ``insaf --help``; and its help. Both gettext_lazy:
    # they are read in the command line's language when the help is shown.
    summary: Any = ""
    help: Any = ""
    # "insaf search" when run from the command line (run_from_argv); errors are then printed.
    _prog = ""

    def check(self, *args: Any, **kwargs: Any) -> None:
        token = LEXICON_CHECKED.set(self.reads_lexicon)
        try:
            super().check(*args, **kwargs)
        finally:
            LEXICON_CHECKED.reset(token)

    def execute(self, *args: Any, **options: Any) -> Any:
        with translation.override(command_language()):
            try:
                try:
                    return super().execute(*args, **options)
                except DatabaseError as error:
                    # Not migrated, not reachable, locked: one line, not a traceback
                    # (--traceback still shows where).
                    raise CommandError(
                        _(
                            "The database could not be used (%(error)s): check DATABASE_URL, "
                            "and run `insaf migrate` on a new database."
                        )
                        % {"error": error}
                    ) from error
            except CommandError as error:
                if not self._prog or options.get("traceback"):
                    raise
                if isinstance(error, SystemCheckError):
                    raise  # Django prints the checks' report as it is
                # From the command line: the error as argparse words its own (translated),
                # "insaf search: error: ...", rather than Django's "CommandError: ...".
                message = _("%(prog)s: error: %(message)s\n") % {
                    "prog": self._prog,
                    "message": error,
                }
                self.stderr.write(message, ending="")
                sys.exit(error.returncode)

    def run_from_argv(self, argv: list[str]) -> None:
        self._prog = f"{os.path.basename(argv[0])} {argv[1]}"
        with command_translation():
            super().run_from_argv(argv)

    def print_help(self, prog_name: str, subcommand: str) -> None:
        with command_translation():
            super().print_help(prog_name, subcommand)

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        """The parser, its help in the active language: a command's ``help`` may be lazy
        (gettext_lazy), and argparse wraps its text as plain strings."""
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = str(self.help) if self.help else None
        for option, text in BASE_OPTIONS_HELP.items():
            action = parser._option_string_actions.get(option)
            if action is not None and action.help != argparse.SUPPRESS:
                action.help = _(text)
        return parser

    def active_user(self, username: str | None) -> Any:
        """The active user ``--user USERNAME`` names (None when the option is not given);
        CommandError when there is none."""
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user %(user)s.") % {"user": repr(username)})
        return user


class Utility(ManagementUtility):
    """Django's ``manage.py`` as ``insaf``: ``insaf --help`` lists Insaf's commands, each with
    its summary, in the command line's language, then Django's by app."""

    def main_help_text(self, commands_only: bool = False) -> str:
        if commands_only or self.settings_exception is not None:
            return str(super().main_help_text(commands_only))
        with command_translation():
            return self._help_text()

    def _help_text(self) -> str:
        style = color_style()
        ours: dict[str, str] = {}
        others: dict[str, list[str]] = defaultdict(list)
        for name, app in get_commands().items():
            if app.startswith("insaf."):
                ours[name] = str(getattr(load_command_class(app, name), "summary", ""))
            else:
                others["django" if app == "django.core" else app.rpartition(".")[-1]].append(name)
        width = max(map(len, ours)) + 2
        lines = [
            "",
            _("Type '%(prog)s help COMMAND' for help on a command.") % {"prog": self.prog_name},
            "",
            str(style.NOTICE(_("Insaf's commands:"))),
        ]
        lines += [f"    {name.ljust(width)}{ours[name]}" for name in sorted(ours)]
        lines += ["", str(style.NOTICE(_("Django's commands (in English):")))]
        for app in sorted(others):
            lines.append(f"    [{app}] " + ", ".join(sorted(others[app])))
        return "\n".join(lines)
