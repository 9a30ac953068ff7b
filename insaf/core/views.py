from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static

from insaf.accounts.access import memberships_of
from insaf.core.models import Country


def home(request: HttpRequest) -> HttpResponse:
    memberships = memberships_of(request.user)
    context = {
        "node_country": Country.objects.filter(pk=settings.INSAF_COUNTRY).first()
        if settings.INSAF_MODE == "national"
        else None,
        "memberships": sorted(memberships, key=lambda m: m.role),
    }
    return render(request, "core/home.html", context)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's, for one)."""
    return HttpResponsePermanentRedirect(static("insaf/favicon.svg"))


def health(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: the process answers and the database is reachable."""
    Country.objects.exists()
    return HttpResponse("ok", content_type="text/plain")
