"""Who is told what, through the outbox. Filers get only the reference by SMS (never case
content); oversight officers get an e-mail naming the case, never the filer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext as _

from insaf.accounts.models import User
from insaf.accounts.roles import Role
from insaf.core.crypto import decrypt
from insaf.notifications.services import SmsTemplate, notify_email, notify_sms

if TYPE_CHECKING:
    from insaf.complaints.models import Complaint
    from insaf.complaints.services.intake import PersonInput


def _emails_of(country: str, role: Role) -> list[str]:
    """The e-mail addresses of the active staff holding ``role`` in ``country`` (one column, so
    that a grave filing does not load whole user rows)."""
    return list(
        User.objects.filter(is_active=True, memberships__role=role, memberships__country_id=country)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def notify_oversight(complaint: Complaint) -> None:
    """A grave case: every oversight officer of the country is told at once."""
    for email in _emails_of(complaint.country_id, Role.OVERSIGHT_OFFICER):
        with translation.override("ar"):
            notify_email(
                to=email,
                subject=_("Grave case %(reference)s") % {"reference": complaint.reference},
                body=_(
                    "A case alleging a grave violation was filed and placed in the oversight "
                    "queue: %(reference)s (%(category)s)."
                )
                % {"reference": complaint.reference, "category": complaint.get_category_display()},
                reference=complaint.reference,
            )


def notify_filer_received(complaint: Complaint, complainant: PersonInput) -> None:
    if complainant.phone.strip():
        notify_sms(
            to=complainant.phone.strip(),
            template=SmsTemplate.RECEIVED,
            reference=complaint.reference,
            language=complaint.language,
        )
    elif complainant.email.strip():
        with translation.override(complaint.language):
            notify_email(
                to=complainant.email.strip(),
                subject=_("Your case %(reference)s") % {"reference": complaint.reference},
                body=_(
                    "We received your case. Its reference is %(reference)s. Keep it to follow "
                    "your case."
                )
                % {"reference": complaint.reference},
                reference=complaint.reference,
            )


def notify_filer_updated(complaint: Complaint) -> None:
    """Tell the filer (by the contact they gave) that there is news, without saying what."""
    from insaf.complaints.models import Person
    from insaf.complaints.services.intake import identity_context

    person = Person.objects.filter(complaint=complaint).exclude(phone_enc="", email_enc="").first()
    if person is None:
        return
    if person.phone_enc:
        notify_sms(
            to=decrypt(person.phone_enc, context=identity_context("phone")),
            template=SmsTemplate.UPDATED,
            reference=complaint.reference,
            language=complaint.language,
        )
    elif person.email_enc:
        with translation.override(complaint.language):
            notify_email(
                to=decrypt(person.email_enc, context=identity_context("email")),
                subject=_("News on your case %(reference)s") % {"reference": complaint.reference},
                body=_("There is news on your case %(reference)s.")
                % {"reference": complaint.reference},
                reference=complaint.reference,
            )
