from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from insaf.core.rotation import EncryptedField


class ComplaintsConfig(AppConfig):
    name = "insaf.complaints"
    label = "complaints"
    verbose_name = _("Complaints and petitions")

    @property
    def encrypted_fields(self) -> list[EncryptedField]:
        from insaf.complaints.services.intake import IDENTITY_FIELDS, identity_context

        indexed = {"phone": "phone", "national_id": "national_id"}
        return [
            EncryptedField(
                model="complaints.Person",
                field=f"{name}_enc",
                context=identity_context(name),
                index_field=f"{name}_bidx" if name in indexed else "",
                index_kind=indexed.get(name, ""),
            )
            for name in IDENTITY_FIELDS
        ]
