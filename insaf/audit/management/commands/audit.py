"""``insaf audit verify``: prove that the audit log is whole and unaltered."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from insaf.audit.models import Event
from insaf.audit.services import audit_verify
from insaf.core.commands import InsafCommand


class Command(InsafCommand):
    summary = gettext_lazy("Verify the audit log's hash chain.")
    help = gettext_lazy(
        "Audit log tools. 'verify' checks the hash chain from the first event to the last."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify",
            help=_("Check every event's hash and link; exit 1 naming the first broken event."),
        )
        verify.add_argument(
            "--head",
            help=_(
                "A head hash recorded earlier: also fail unless that event is still in the chain "
                "(detects events removed from the end)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                ngettext(
                    "Audit log broken at event #%(seq)s (id %(id)s): %(reason)s. "
                    "%(count)s event before it verified.",
                    "Audit log broken at event #%(seq)s (id %(id)s): %(reason)s. "
                    "%(count)s events before it verified.",
                    result.verified,
                )
                % {
                    "seq": result.broken_seq,
                    "id": result.broken_id,
                    "reason": result.reason,
                    "count": result.verified,
                },
                returncode=1,
            )
        head = options.get("head")
        if head and not Event.objects.filter(hash=head).exists():
            raise CommandError(
                ngettext(
                    "Audit log verified up to %(count)s event, but the recorded head "
                    "%(head)s is no longer in it: events were removed from the end.",
                    "Audit log verified up to %(count)s events, but the recorded head "
                    "%(head)s is no longer in it: events were removed from the end.",
                    result.verified,
                )
                % {"count": result.verified, "head": head},
                returncode=1,
            )
        self.stdout.write(
            ngettext(
                "Verified %(count)s audit event. Head: %(head)s",
                "Verified %(count)s audit events. Head: %(head)s",
                result.verified,
            )
            % {"count": result.verified, "head": result.head}
        )
