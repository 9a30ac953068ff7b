"""Top-level URL configuration: pages, the admin and language switching."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", include("insaf.core.urls")),
    path("", include("insaf.portal.urls")),
    path("work/", include("insaf.workspace.urls")),
    path("accounts/", include("insaf.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("insaf.api.urls")),
    # One sign-in page for everyone, with its second factor; the admin's own is not used.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
    ),
    path("admin/", admin.site.urls),
]
