"""The ``insaf`` console script: Django's management commands under one name, settings preset.

A setting missing or malformed (``SECRET_KEY`` unset, say) ends the command with one line that
names it, in the command line's language, exit status 2. ``insaf keys generate`` is answered
before Django starts: it prints the key a new node needs in order to start at all
(INSAF_ENCRYPTION_KEYS), so it must not need a complete configuration.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    args[0] = "insaf"
    if args[1:3] == ["keys", "generate"]:
        from insaf.keys import generate_key, new_key_id

        print(generate_key(args[3] if len(args) > 3 else new_key_id()))
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insaf.settings")
    from insaf.env import ConfigurationError
    from insaf.language import command_language
    from insaf.runtime import tune_gc

    tune_gc()
    try:
        from insaf.core.commands import Utility

        Utility(args).execute()
    except ConfigurationError as error:
        # A setting missing or malformed: one line that says what to set, not a traceback, in
        # the command line's language.
        sys.stderr.write(f"insaf: {error.in_language(command_language())}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
