from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from insaf.accounts.models import DateCalendar
from insaf.core.forms import BootstrapFormMixin


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    pass


class TokenForm(BootstrapFormMixin, forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9\u0660-\u0669\u06f0-\u06f9 ]*",
                "dir": "ltr",
            }
        ),
    )

    def clean_token(self) -> str:
        # People type Arabic-Indic or Persian digits as often as ASCII ones.
        raw: str = self.cleaned_data["token"]
        digits = raw.translate(ARABIC_DIGITS).replace(" ", "")
        if not digits.isascii() or not digits.isdigit():
            raise forms.ValidationError(_("Enter the digits shown in your authenticator app."))
        return digits


# Arabic-Indic (U+0660..U+0669) and Persian (U+06F0..U+06F9) digits to ASCII.
ARABIC_DIGITS = str.maketrans(
    "".join(chr(0x0660 + d) for d in range(10)) + "".join(chr(0x06F0 + d) for d in range(10)),
    "0123456789" * 2,
)


class PreferencesForm(forms.Form):
    calendar = forms.ChoiceField(
        label=_("Show dates in the calendar"),
        choices=DateCalendar.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the e-mails sent to me"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
