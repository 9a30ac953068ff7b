"""``insaf text``: the search analysis of text, line by line, to see what gets indexed.

``insaf text normalize`` prints each line of standard input normalised; ``insaf text analyze``
prints its index tokens joined by single spaces. An empty line gives an empty line.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from typing import IO, Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext_lazy as _

from insaf.core.commands import InsafCommand
from insaf.text import analyze, normalize


def _analyzed(line: str) -> str:
    return " ".join(analyze(line))


ACTIONS: dict[str, Callable[[str], str]] = {"normalize": normalize, "analyze": _analyzed}


HELP = _(
    "Search analysis of text read line by line from standard input. 'normalize' prints each "
    "line normalised; 'analyze' prints the index tokens of each line."
)


class Command(InsafCommand):
    # call_command(..., stdin=stream) reads from that stream instead of standard input.
    stealth_options = ("stdin",)

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # argparse needs plain strings: the help is translated when the parser is built.
        self.help = str(HELP)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "normalize",
            help=str(_("Print each line with its letters and digits normalised.")),
        )
        sub.add_parser(
            "analyze",
            help=str(_("Print the index tokens of each line, joined by single spaces.")),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        transform = ACTIONS[options["action"]]
        stream: IO[str] | None = options.get("stdin")
        if stream is None:
            stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        for line in stream:
            self.stdout.write(transform(line.rstrip("\r\n")))
