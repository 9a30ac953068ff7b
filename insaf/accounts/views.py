"""Sign-in pages: password, then the second factor."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login

from insaf.accounts import two_factor
from insaf.accounts.forms import LoginForm, PreferencesForm, TokenForm
from insaf.accounts.models import User
from insaf.accounts.services import user_update
from insaf.core.models import Country


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@login_required
def two_factor_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = two_factor.confirmed_device(user)  # type: ignore[arg-type]
    enrolling = device is None
    if enrolling:
        device = two_factor.pending_device(user)  # type: ignore[arg-type]
    if device is None:  # pragma: no cover  (pending_device always returns one)
        raise RuntimeError("no TOTP device")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, details = device.verify_is_allowed()
        if not allowed:
            # django-otp doubles the wait after each wrong code; say how long, not why.
            wait = int(((details or {}).get("locked_until") or timezone.now()).timestamp())
            seconds = max(1, wait - int(timezone.now().timestamp()))
            message = ngettext(
                "Too many wrong codes. Wait %(seconds)d second and try again.",
                "Too many wrong codes. Wait %(seconds)d seconds and try again.",
                seconds,
            ) % {"seconds": seconds}
            form.add_error("token", message)
        elif two_factor.verify(user, device, form.cleaned_data["token"]):  # type: ignore[arg-type]
            otp_login(request, device)
            return redirect(_safe_next(request))
        else:
            form.add_error(
                "token", _("That code is not right, or it has expired. Try the next one.")
            )
    context = {
        "form": form,
        "enrolling": enrolling,
        "next": _safe_next(request),
        "qr_svg": two_factor.qr_svg(device) if enrolling else "",
        "secret": two_factor.secret_base32(device) if enrolling else "",
    }
    return render(request, "accounts/two_factor.html", context)


@login_required
def preferences_view(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own settings: the calendar dates are shown in, and the language of
    the e-mails they are sent."""
    user: User = request.user  # type: ignore[assignment]
    form = PreferencesForm(
        request.POST or None, initial={"calendar": user.calendar, "language": user.language}
    )
    if request.method == "POST" and form.is_valid():
        user_update(
            actor=user,
            user=user,
            calendar=form.cleaned_data["calendar"],
            language=form.cleaned_data["language"],
        )
        messages.success(request, _("Your preferences were saved."))
        return redirect("accounts:preferences")
    country = Country.objects.filter(pk=settings.INSAF_COUNTRY).only("timezone").first()
    return render(
        request,
        "accounts/preferences.html",
        {"form": form, "now": timezone.now(), "tz": country.timezone if country else "UTC"},
    )
