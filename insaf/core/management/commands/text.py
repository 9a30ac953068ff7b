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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insaf.core.commands import InsafCommand
from insaf.text import analyze, normalize


def _analyzed(line: str) -> str:
    return " ".join(analyze(line))


ACTIONS: dict[str, Callable[[str], str]] = {"normalize": normalize, "analyze": _analyzed}


class Command(InsafCommand):
    summary = gettext_lazy("Show how text is normalised and indexed.")
    help = gettext_lazy(
        "Search analysis of text read line by line from standard input. 'normalize' prints each "
        "line normalised; 'analyze' prints the index tokens of each line."
    )
    # call_command(..., stdin=stream) reads from that stream instead of standard input.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "normalize",
            help=_("Print each line with its letters and digits normalised."),
        )
        sub.add_parser(
            "analyze",
            help=_("Print the index tokens of each line, joined by single spaces."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        transform = ACTIONS[options["action"]]
        stream: IO[str] | None = options.get("stdin")
        if stream is None:
            stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        for line in stream:
            self.stdout.write(transform(line.rstrip("\r\n")))
