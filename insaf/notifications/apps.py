from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from insaf.core.rotation import EncryptedField


class NotificationsConfig(AppConfig):
    name = "insaf.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    @property
    def encrypted_fields(self) -> list[EncryptedField]:
        from insaf.notifications.services import RECIPIENT_CONTEXT

        return [
            EncryptedField(
                model="notifications.OutboxMessage",
                field="recipient_enc",
                context=RECIPIENT_CONTEXT,
            )
        ]
