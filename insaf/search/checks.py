"""The system check of the concept lexicon's files: ``insaf check`` and ``insaf migrate`` (and the
commands that read the lexicon: search, concepts, import, triage train) refuse data/concepts
edited by hand into a wrong shape, naming the file, the line and the problem, before a
deployment puts it in use. The commands that do not read it (the deadline sweep, the outbox, the
audit ...) run.

A running process reads the same files when its lexicon changes (insaf/search/concepts.py); one
that cannot read them logs the problem and searches with the lexicon it read before, or without
concepts: the check is where the mistake is meant to be caught.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, register
from django.utils.translation import gettext as _
from django.utils.translation import override

from insaf.core.commands import LEXICON_CHECKED
from insaf.language import command_language
from insaf.text.concepts import read_terms


@register("lexicon")
def lexicon_files(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """The terms (data/concepts/*.csv) and the files of data/concepts/meta read as search reads
    them, without the database: an Error naming the first problem, in the command line's
    language."""
    if app_configs is not None and not any(c.label == "search" for c in app_configs):
        return []
    if not LEXICON_CHECKED.get():
        return []  # an insaf command that does not read the lexicon (insaf/core/commands.py)
    from insaf.search.concepts import UNREADABLE, check_named, read_meta
    from insaf.search.lexicon import file_problem, folder

    where = folder()
    try:
        terms = read_terms(where)
        names, _labels, _queries = read_meta(where / "meta")
        check_named(terms, names, where)
    except UNREADABLE as error:
        with override(command_language()):
            return [
                Error(
                    _("The concept lexicon cannot be read: %(problem)s")
                    % {"problem": file_problem(error)},
                    hint=_(
                        "Correct the file as data/concepts/README.md describes. Until then, "
                        "servers keep the lexicon they read before, or search without concepts."
                    ),
                    obj=str(where),
                    id="search.E001",
                )
            ]
    return []
