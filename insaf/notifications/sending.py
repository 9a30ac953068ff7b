"""Sending the outbox: ``send_due`` delivers the messages that are due, and retries the rest.

It runs in the background worker (insaf/notifications/tasks.py: right after a commit that wrote
messages, and every minute) and from cron (``insaf outbox send``). Any number of these may run at
once, in threads or on other machines.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from insaf.core.crypto import decrypt, encrypt
from insaf.notifications.backends import sender_for
from insaf.notifications.models import OutboxMessage, OutboxStatus
from insaf.notifications.services import RECIPIENT_CONTEXT

logger = logging.getLogger(__name__)

# The wait after failed attempt n (1-based) before attempt n + 1; the attempt after the last wait
# is the last one: MAX_ATTEMPTS = 6, spread over about 14 h 36 min.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# How long a claim protects a row being sent; longer than any send takes (the SMTP timeout is
# 20 s), so a row still "sending" after it belongs to a worker that stopped.
CLAIM_DURATION = timedelta(minutes=5)
ERROR_MAX_CHARS = 200
STOPPED_ERROR = "The worker stopped during the last attempt; whether it was delivered is unknown."
NOBODY_ERROR = "Nobody active holds this role in this country with an e-mail address."


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    # Messages to an audience replaced by their recipients' messages (see _split_audiences).
    split: int = 0

    def __str__(self) -> str:
        """The report for a person (``insaf outbox send``), in the active language."""
        figures = {
            "sent": self.sent,
            "retried": self.retried,
            "failed": self.failed,
            "split": self.split,
        }
        if self.split:
            return (
                _(
                    "sent %(sent)s, retried %(retried)s, failed %(failed)s, %(split)s to an "
                    "audience split"
                )
                % figures
            )
        return _("sent %(sent)s, retried %(retried)s, failed %(failed)s") % figures


def send_due(*, limit: int = 100, now: datetime | None = None) -> SendReport:
    """Send up to ``limit`` due messages; ``now`` fixes the clock (tests), default the real time.

    0. Split the due messages to an audience (``_split_audiences``) into one message per
       recipient, due at once, so that steps 2 to 6 send them in this same run.
    1. Give up on rows whose worker stopped during their last allowed attempt: status sending,
       ``claimed_until < now`` and ``attempts >= MAX_ATTEMPTS`` become failed without another
       send, so a message that crashes the worker every time is not sent forever.
    2. Select up to ``limit`` due rows, oldest first: status pending with
       ``next_attempt_at <= now``, or status sending with ``claimed_until < now`` (a worker that
       crashed, was killed or hung mid-send: its claim has run out).
    3. Claim each row, one by one, with a conditional UPDATE that repeats the due condition:
       ``filter(pk=..., <due>).update(status=SENDING, claimed_until=now + 5 min,
       attempts=attempts + 1)``. The database runs one such UPDATE at a time per row, and only the
       first changes it (returns 1): that worker owns the row; the others get 0 and skip it. So two
       workers never send the same row. ``attempts`` counts attempts started, including one cut
       short by a crash.
    4. Decrypt the recipient and send through the channel's backend (``backends.sender_for``).
    5. On success: status sent, ``sent_at``, ``last_error`` cleared.
    6. On failure (any exception, including a recipient that cannot be decrypted): store a short
       error (exception class and message, with the recipient, e-mail addresses and phone numbers
       removed, at most 200 characters). After attempt n < 6 the row is pending again at
       ``now + BACKOFF[n - 1]`` (1 min, 5 min, 30 min, 2 h, 12 h); after the 6th it is failed.
       Steps 5 and 6 save each row's outcome in its own small transaction, and only while the
       claim of step 3 is still the row's latest (status sending, same ``attempts``): a worker
       whose claim ran out does not overwrite the outcome of the one that reclaimed the row.

    Delivery is at least once, not exactly once: a worker that stops after the backend accepted a
    message but before step 5 is saved leaves the row sending; once the claim runs out it is
    claimed and sent again. The same happens to a send that outlasts its 5-minute claim. A
    duplicate notification is preferred to a lost one.

    Call this outside any transaction (as the tasks and the command do): each claim and each
    outcome must commit on its own, so that other workers see them at once and a failure of one
    row does not undo the others.
    """

    def clock() -> datetime:
        return now if now is not None else timezone.now()

    report = SendReport()
    _split_audiences(clock(), limit, report)
    report.failed += _give_up_on_stopped(clock())
    due = (
        OutboxMessage.objects.filter(_due(clock()))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in list(due):
        _send_one(pk, clock, report)
    return report


def _due(now: datetime) -> Q:
    pending = Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
    stopped = Q(status=OutboxStatus.SENDING, claimed_until__lt=now, attempts__lt=MAX_ATTEMPTS)
    return (pending | stopped) & Q(audience="")  # an audience is split, not sent


def _split_audiences(now: datetime, limit: int, report: SendReport) -> None:
    """Replace each due message to an audience (``notify_staff``) by one message per member of
    staff who holds the role in the country, is active and has an e-mail address now; each of
    those is then sent, retried and failed on its own. The audience message is claimed with a
    conditional UPDATE and its recipients' rows inserted in the same transaction, so two workers
    never split it twice and a crash between the two loses nothing. With nobody to tell, it is
    failed with that reason, for an operator to see (``insaf outbox status``)."""
    due = (
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .exclude(audience="")
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in list(due):
        with transaction.atomic():
            claimed = OutboxMessage.objects.filter(pk=pk, status=OutboxStatus.PENDING).update(
                status=OutboxStatus.SENT, sent_at=now, attempts=F("attempts") + 1
            )
            if not claimed:
                continue  # another worker split it
            message = OutboxMessage.objects.get(pk=pk)
            addresses = _addresses_of(message.audience)
            if not addresses:
                OutboxMessage.objects.filter(pk=pk).update(
                    status=OutboxStatus.FAILED, sent_at=None, last_error=NOBODY_ERROR
                )
                report.failed += 1
                logger.warning("Outbox message %s to %s: %s", pk, message.audience, NOBODY_ERROR)
                continue
            # Each in the recipient's language (for a message written before the versions were,
            # or a language without one: the default language's).
            default = [message.subject, message.body]
            in_language = [
                (address, message.versions.get(language, default))
                for address, language in addresses
            ]
            OutboxMessage.objects.bulk_create(
                [
                    OutboxMessage(
                        channel=message.channel,
                        recipient_enc=encrypt(address, context=RECIPIENT_CONTEXT),
                        subject=subject,
                        body=body,
                        reference=message.reference,
                        next_attempt_at=now,
                        created_at=message.created_at,
                    )
                    for address, (subject, body) in in_language
                ]
            )
            report.split += 1


def _addresses_of(audience: str) -> list[tuple[str, str]]:
    """The e-mail addresses of an audience ``<role>@<country>``, each with the language its
    holder reads their e-mail in (none for a malformed audience)."""
    from insaf.accounts.models import User

    role, _at, country = audience.rpartition("@")
    if not role or not country:
        return []
    return list(
        User.objects.filter(is_active=True, memberships__role=role, memberships__country_id=country)
        .exclude(email="")
        .order_by("email", "language")
        .values_list("email", "language")
        .distinct()
    )


def _give_up_on_stopped(now: datetime) -> int:
    count = OutboxMessage.objects.filter(
        status=OutboxStatus.SENDING, claimed_until__lt=now, attempts__gte=MAX_ATTEMPTS
    ).update(status=OutboxStatus.FAILED, claimed_until=None, last_error=STOPPED_ERROR)
    if count:
        logger.warning(
            "%d outbox message(s) failed: the worker stopped during the last attempt.", count
        )
    return count


def _send_one(pk: int, clock: Callable[[], datetime], report: SendReport) -> None:
    now = clock()
    claimed = OutboxMessage.objects.filter(_due(now), pk=pk).update(
        status=OutboxStatus.SENDING,
        claimed_until=now + CLAIM_DURATION,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return  # another worker claimed it first, or it was sent meanwhile
    message = OutboxMessage.objects.get(pk=pk)
    recipient = ""
    error = ""
    try:
        recipient = decrypt(message.recipient_enc, context=RECIPIENT_CONTEXT)
        sender_for(message.channel)(recipient, message.subject, message.body)
    except Exception as exc:
        error = short_error(exc, recipient)

    ours = OutboxMessage.objects.filter(
        pk=pk, status=OutboxStatus.SENDING, attempts=message.attempts
    )
    with transaction.atomic():
        if not error:
            saved = ours.update(
                status=OutboxStatus.SENT, sent_at=clock(), claimed_until=None, last_error=""
            )
            outcome = "sent"
        elif message.attempts >= MAX_ATTEMPTS:
            saved = ours.update(status=OutboxStatus.FAILED, claimed_until=None, last_error=error)
            outcome = "failed"
        else:
            saved = ours.update(
                status=OutboxStatus.PENDING,
                claimed_until=None,
                next_attempt_at=clock() + BACKOFF[message.attempts - 1],
                last_error=error,
            )
            outcome = "retried"
    if not saved:
        logger.warning(
            "Outbox message %s (%s): the claim ran out before the outcome was saved; another "
            "worker has it.",
            pk,
            outcome,
        )
        return
    if outcome == "sent":
        report.sent += 1
    elif outcome == "failed":
        report.failed += 1
    else:
        report.retried += 1
    if error:
        logger.warning(
            "Outbox message %s (%s) attempt %d/%d %s: %s",
            pk,
            message.channel,
            message.attempts,
            MAX_ATTEMPTS,
            outcome,
            error,
        )


_ADDRESS = re.compile(r"[^\s@<>()\[\]{}'\",;:]+@[^\s@<>()\[\]{}'\",;:]+")
_NUMBER = re.compile(r"\+?\d[\d\s().-]*\d")
_PHONE_DIGITS = 7


def short_error(exc: BaseException, recipient: str = "") -> str:
    """``"ClassName: message"`` without the recipient, addresses or phone-like numbers, short.

    SMTP errors quote the refused address; the outbox keeps recipients encrypted, so they must
    not reappear in clear in ``last_error`` or the log.
    """
    text = str(exc)
    if recipient:
        text = re.sub(re.escape(recipient), "<recipient>", text, flags=re.IGNORECASE)
    text = _ADDRESS.sub("<address>", text)
    text = _NUMBER.sub(
        lambda m: "<number>" if sum(c.isdigit() for c in m[0]) >= _PHONE_DIGITS else m[0], text
    )
    text = " ".join(text.split())
    result = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    if len(result) > ERROR_MAX_CHARS:
        result = result[: ERROR_MAX_CHARS - 1] + "…"
    return result
