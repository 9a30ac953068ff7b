"""Who is told what, through the outbox. Filers get only the reference by SMS (never case
content); oversight officers get an e-mail naming the case, never the filer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext as _

from insaf.accounts.roles import Role
from insaf.core.crypto import decrypt
from insaf.notifications.services import SmsTemplate, notify_email, notify_sms, notify_staff

if TYPE_CHECKING:
    from insaf.complaints.models import Complaint
    from insaf.complaints.services.intake import PersonInput


def notify_oversight(complaint: Complaint) -> None:
    """A grave case: every oversight officer of the country is told at once (the officers are
    those in office when the sender runs, seconds later: see notify_staff), each in their own
    language."""

    def compose() -> tuple[str, str]:
        return (
            _("Grave case %(reference)s") % {"reference": complaint.reference},
            _(
                "A case alleging a grave violation was filed and placed in the oversight "
                "queue: %(reference)s (%(category)s)."
            )
            % {"reference": complaint.reference, "category": complaint.get_category_display()},
        )

    notify_staff(
        role=Role.OVERSIGHT_OFFICER,
        country=complaint.country_id,
        compose=compose,
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
