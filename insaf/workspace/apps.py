from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "insaf.workspace"
    label = "workspace"
    verbose_name = _("Staff workspace")
    default_auto_field = "django.db.models.BigAutoField"
