"""The portal's forms. Their fields are the filing service's inputs in the words of a filer; the
services make the final checks (their errors are put back on these fields)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insaf.complaints.services.intake import TEXT_MAX, TEXT_MIN
from insaf.complaints.services.workflow import MESSAGE_MAX
from insaf.core.models import Governorate, Unit
from insaf.core.normalise import normalise_receipt_code, to_ascii_digits

KIND_UNSURE = ""
HARMED_ME = "me"
HARMED_OTHER = "other"
CONTACT_GIVEN = "contact"
CONTACT_ANONYMOUS = "anonymous"

# Service error field → form field.
SERVICE_FIELDS = {
    "text": "text",
    "kind": "kind",
    "occurred_at": "occurred_on",
    "governorate": "governorate",
    "unit_complained_about": "unit",
    "complainant.name": "name",
    "complainant.phone": "phone",
    "complainant.email": "email",
    "complainant.national_id": "national_id",
    "victim.name": "victim_name",
    "file": "files",
}


class FilingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you want to send?"),
        choices=[
            ("complaint", _("A complaint: something was done wrong")),
            ("petition", _("A request: you ask for something")),
            (KIND_UNSURE, _("I am not sure")),
        ],
        widget=forms.RadioSelect,
        required=False,
        initial="complaint",
    )
    text = forms.CharField(
        label=_("What happened?"),
        help_text=_(
            "Write in your own words, in any language or dialect: what happened, who did it, "
            "and what you ask for. At least %(min)d characters."
        )
        % {"min": TEXT_MIN},
        min_length=TEXT_MIN,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
    )
    occurred_on = forms.DateField(
        label=_("When did it happen?"),
        help_text=_("Leave empty if you do not know."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    governorate = forms.ModelChoiceField(
        label=_("In which governorate?"),
        queryset=Governorate.objects.none(),
        required=False,
        empty_label=_("I do not know, or it does not matter"),
    )
    place = forms.CharField(
        label=_("Where exactly?"),
        help_text=_("A town, street, police station or centre, if you know it."),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    unit = forms.ModelChoiceField(
        label=_("Which unit is the complaint about?"),
        help_text=_("Your identity is never shown to the unit you complain about."),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("I do not know, or none"),
    )
    harmed = forms.ChoiceField(
        label=_("Who was harmed?"),
        choices=[(HARMED_ME, _("Me")), (HARMED_OTHER, _("Someone else"))],
        widget=forms.RadioSelect,
        initial=HARMED_ME,
    )
    victim_name = forms.CharField(
        label=_("Name of the person harmed (if you want to give it)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "off"}),
    )
    contact = forms.ChoiceField(
        label=_("How can we reach you?"),
        choices=[
            (CONTACT_GIVEN, _("I give my name and a phone number or e-mail address")),
            (
                CONTACT_ANONYMOUS,
                _("I stay anonymous: I will get a receipt code to follow my case"),
            ),
        ],
        widget=forms.RadioSelect,
        initial=CONTACT_GIVEN,
    )
    name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "dir": "ltr", "class": "ltr-value"}
        ),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    national_id = forms.CharField(
        label=_("National ID number (optional)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )

    def __init__(self, *args: Any, country: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        governorates = cast("forms.ModelChoiceField[Governorate]", self.fields["governorate"])
        units = cast("forms.ModelChoiceField[Unit]", self.fields["unit"])
        governorates.queryset = Governorate.objects.filter(country_id=country)
        units.queryset = Unit.objects.filter(agency__country_id=country).select_related("agency")
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def clean_phone(self) -> str:
        return to_ascii_digits(self.cleaned_data.get("phone", "")).strip()

    def clean_national_id(self) -> str:
        return to_ascii_digits(self.cleaned_data.get("national_id", "")).strip()

    def clean_occurred_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("occurred_on")
        if day is not None and day > timezone.localdate() + dt.timedelta(days=1):
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("contact") == CONTACT_GIVEN:
            if not (data.get("name") or "").strip():
                self.add_error("name", _("Give your name, or choose to stay anonymous."))
            if not ((data.get("phone") or "").strip() or (data.get("email") or "").strip()):
                self.add_error("phone", _("Give a phone number or an e-mail address."))
        return data

    @property
    def anonymous(self) -> bool:
        return self.cleaned_data.get("contact") == CONTACT_ANONYMOUS

    def canonical(self) -> dict[str, Any]:
        """The cleaned values as plain JSON (what an idempotent retry must repeat exactly)."""
        out: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if hasattr(value, "pk"):
                out[name] = value.pk
            elif isinstance(value, dt.date):
                out[name] = value.isoformat()
            else:
                out[name] = value
        return out


class TrackForm(forms.Form):
    reference = forms.CharField(
        label=_("Case reference"),
        help_text=_("As on your confirmation, for example JO-2026-004217."),
        max_length=40,
        widget=forms.TextInput(
            attrs={"class": "form-control", "dir": "ltr", "autocapitalize": "characters"}
        ),
    )
    code = forms.CharField(
        label=_("Receipt code or one-time code"),
        help_text=_("The 16-digit receipt code, or the 6-digit code we sent you."),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "dir": "ltr",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
            }
        ),
    )

    def clean_reference(self) -> str:
        return to_ascii_digits(self.cleaned_data["reference"]).strip().upper()

    def clean_code(self) -> str:
        raw = self.cleaned_data["code"]
        for digits in (16, 6):
            code = normalise_receipt_code(raw, digits=digits)
            if code:
                return code
        raise forms.ValidationError(
            _("The code has 16 digits (receipt) or 6 digits (sent to you).")
        )


class CodeRequestForm(forms.Form):
    reference = forms.CharField(
        label=_("Case reference"),
        max_length=40,
        widget=forms.TextInput(attrs={"class": "form-control", "dir": "ltr"}),
    )
    contact = forms.CharField(
        label=_("The phone number or e-mail address you gave"),
        max_length=254,
        widget=forms.TextInput(attrs={"class": "form-control", "dir": "ltr"}),
    )

    def clean_reference(self) -> str:
        return to_ascii_digits(self.cleaned_data["reference"]).strip().upper()

    def clean_contact(self) -> str:
        return to_ascii_digits(self.cleaned_data["contact"]).strip()


class MessageForm(forms.Form):
    """Add information, or answer the officer's question."""

    text = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto", "class": "form-control"}),
    )


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you appeal?"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto", "class": "form-control"}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto", "class": "form-control"}),
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How well was your case handled?"),
        choices=[
            (5, _("5 — very well")),
            (4, _("4 — well")),
            (3, _("3 — acceptably")),
            (2, _("2 — badly")),
            (1, _("1 — very badly")),
        ],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto", "class": "form-control"}),
    )
