"""The help of the ``insaf`` command line, and argparse's words, in the command line's language."""

from __future__ import annotations

import argparse
import gettext
import inspect
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, get_commands, load_command_class
from django.utils import translation

from insaf.core.commands import ARGPARSE_MESSAGES, BASE_OPTIONS_HELP, Utility
from insaf.search.management.commands.search import Command as SearchCommand

# Words a language writes as English does.
SAME = {("fr", "options")}


def run(argv: list[str], language: str, monkeypatch: pytest.MonkeyPatch, capsys) -> tuple:
    """(exit status, standard output, standard error) of ``insaf ARGV`` in ``language``."""
    monkeypatch.setenv("INSAF_LANGUAGE", language)
    monkeypatch.setenv("COLUMNS", "1000")  # no text is wrapped: fragments are found whole
    status = 0
    try:
        Utility(["insaf", *argv]).execute()
    except SystemExit as exit:
        status = exit.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def words(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def test_argparse_still_says_each_listed_message() -> None:
    # The catalogues translate these words only while argparse says exactly them.
    source = inspect.getsource(argparse)
    for message in ARGPARSE_MESSAGES:
        assert repr(message) in source or f'"{message}"' in source, message


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_listed_words_are_translated(language: str) -> None:
    for message in (*ARGPARSE_MESSAGES, *BASE_OPTIONS_HELP.values()):
        assert words(language, message) != message or (language, message) in SAME, message


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_commands_help_is_in_the_language_asked(language, monkeypatch, capsys) -> None:
    status, out, _ = run(["search", "--help"], language, monkeypatch, capsys)
    assert status == 0
    for message in (
        "usage: ",
        "options",
        "show this help message and exit",
        "Results (1-100, default 10).",
        "Only grave cases, or none.",
        BASE_OPTIONS_HELP["--skip-checks"],
    ):
        assert words(language, message) in out, message
        assert message not in out or (language, message) in SAME, message
    with translation.override(language):
        assert str(SearchCommand.help) in out
    with translation.override("en"):
        assert str(SearchCommand.help) not in out
    assert argparse._ is gettext.gettext  # argparse's own translation is put back


def command_paths() -> list[list[str]]:
    """Every Insaf command and each of its actions (``api token create``)."""

    def walk(path: list[str], parser: argparse.ArgumentParser) -> list[list[str]]:
        found = [path]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found += walk([*path, name], sub)
        return found

    paths = []
    for name, app in sorted(get_commands().items()):
        if app.startswith("insaf."):
            paths += walk([name], load_command_class(app, name).create_parser("insaf", name))
    return paths


@pytest.mark.parametrize("language", ["ar", "en", "fr"])
def test_every_help_can_be_shown(language, monkeypatch, capsys) -> None:
    # A translation that breaks argparse's %-formatting would end in a traceback here.
    paths = command_paths()
    assert ["api", "token", "create"] in paths and ["triage", "evaluate"] in paths
    for path in paths:
        status, out, err = run([*path, "--help"], language, monkeypatch, capsys)
        assert (status, err) == (0, ""), path
        assert out.startswith(words(language, "usage: ") + "insaf " + " ".join(path)), path


def test_english_help(monkeypatch, capsys) -> None:
    status, out, _ = run(["text", "--help"], "en", monkeypatch, capsys)
    assert status == 0
    assert out.startswith("usage: insaf text")
    assert "Print each line with its letters and digits normalised." in out
    assert "Skip system checks." in out


def test_help_command_and_help_option_agree(monkeypatch, capsys) -> None:
    _, by_option, _ = run(["triage", "--help"], "fr", monkeypatch, capsys)
    _, by_command, _ = run(["help", "triage"], "fr", monkeypatch, capsys)
    assert by_option == by_command
    assert words("fr", "Measure the model on labelled JSON lines.") in by_command


def test_a_wrong_value_is_refused_in_the_language_asked(monkeypatch, capsys) -> None:
    status, out, err = run(["search", "--limit", "ten"], "ar", monkeypatch, capsys)
    assert status == 2
    invalid = words("ar", "invalid %(type)s value: %(value)r") % {"type": "int", "value": "ten"}
    assert invalid in err
    assert words("ar", "usage: ") in err
    assert "invalid int value" not in err
    assert out == ""


def test_a_missing_argument_is_named_in_the_language_asked(monkeypatch, capsys) -> None:
    status, _, err = run(["holidays", "list"], "fr", monkeypatch, capsys)
    assert status == 2
    assert words("fr", "the following arguments are required: %s") % "--country" in err


@pytest.mark.parametrize("language", ["ar", "en", "fr"])
def test_the_list_of_commands(language, monkeypatch, capsys) -> None:
    _, out, _ = run(["--help"], language, monkeypatch, capsys)
    lines = out.splitlines()
    search = next(line for line in lines if line.split()[:1] == ["search"])
    assert search.split(None, 1)[1] == words(language, "Search cases; rebuild the search index.")
    assert (
        words(language, "Type '%(prog)s help COMMAND' for help on a command.") % {"prog": "insaf"}
        in lines
    )
    # Every Insaf command has a summary; Django's are listed by name.
    ours = lines[lines.index(words(language, "Insaf's commands:")) + 1 :]
    ours = ours[: ours.index("")]
    assert len(ours) == 13
    assert all(len(line.split(None, 1)) == 2 for line in ours)
    assert any(line.strip().startswith("[django]") and "migrate" in line for line in lines)


def test_a_missing_setting_is_one_line_not_a_traceback(tmp_path) -> None:
    environ = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "INSAF_LANGUAGE": "en"}
    done = subprocess.run(
        [sys.executable, "-c", "from insaf.cli import main; main(['insaf', '--help'])"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    assert done.returncode == 2
    assert done.stderr.startswith("insaf: SECRET_KEY is not set.")
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar", "en", "fr"])
def test_an_error_is_one_line_in_the_language_asked(language, monkeypatch, capsys) -> None:
    # argparse's words ("insaf search: error: ..."), not Django's "CommandError: ...".
    status, out, err = run(["search", "torture", "--user", "nobody"], language, monkeypatch, capsys)
    assert status == 1
    assert out == ""
    unknown = words(language, "No active user %(user)s.") % {"user": "'nobody'"}
    expected = words(language, "%(prog)s: error: %(message)s\n") % {
        "prog": "insaf search",
        "message": unknown,
    }
    assert err == expected
    assert "CommandError" not in err


@pytest.mark.django_db
def test_traceback_shows_where(monkeypatch) -> None:
    monkeypatch.setenv("INSAF_LANGUAGE", "en")
    with pytest.raises(CommandError, match="No active user 'nobody'"):
        Utility(["insaf", "search", "torture", "--user", "nobody", "--traceback"]).execute()
