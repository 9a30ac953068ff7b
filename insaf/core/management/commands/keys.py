"""``insaf keys``: encryption keys of identity fields.

``insaf keys generate [ID]`` is answered by the console script before Django starts (see
insaf/cli.py); it is repeated here so that ``insaf help keys`` lists it.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insaf.audit.services import audit_record
from insaf.audit.verbs import Verb
from insaf.core.commands import InsafCommand
from insaf.core.crypto import current_key_id
from insaf.core.rotation import pending, rotate
from insaf.keys import generate_key, new_key_id


class Command(InsafCommand):
    summary = gettext_lazy("Encryption keys: generate, rotate, status.")
    help = gettext_lazy(
        "Encryption keys. 'generate' prints a new key; 'rotate' re-encrypts every identity field "
        "under the first key of INSAF_ENCRYPTION_KEYS; 'status' counts rows still under older keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        generate = sub.add_parser("generate", help=_("Print a new ID:BASE64 key."))
        generate.add_argument("id", nargs="?", default="")
        rotate_parser = sub.add_parser("rotate", help=_("Re-encrypt under the current key."))
        rotate_parser.add_argument("--batch", type=int, default=500)
        sub.add_parser("status", help=_("Rows per table still encrypted under an older key."))

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "generate":
            self.stdout.write(generate_key(options["id"] or new_key_id()))
        elif action == "status":
            for label, count in pending().items():
                self.stdout.write(
                    _("%(table)s: %(count)s row(s) under older keys")
                    % {"table": label, "count": count}
                )
        else:
            self._rotate(batch=options["batch"])

    def _rotate(self, *, batch: int) -> None:
        def progress(label: str, done: int, total: int) -> None:
            width = 30
            filled = width * done // max(total, 1)
            bar = "#" * filled + "-" * (width - filled)
            sys.stderr.write(f"\r{label:<32} [{bar}] {done}/{total}")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()

        rewritten = rotate(batch=batch, progress=progress)
        audit_record(
            actor=None,
            verb=Verb.KEYS_ROTATED,
            data={"key": current_key_id(), "rows": rewritten},
        )
        total = sum(rewritten.values())
        self.stdout.write(
            _("Re-encrypted %(count)s row(s) under key %(key)s: %(tables)s")
            % {
                "count": total,
                "key": current_key_id(),
                "tables": ", ".join(f"{label} {count}" for label, count in rewritten.items()),
            }
        )
