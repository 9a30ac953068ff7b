from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "insaf.accounts"
    label = "accounts"
    verbose_name = _("Staff and roles")

    def ready(self) -> None:
        from insaf.accounts import signals  # noqa: F401  (audits logins and failed logins)
