"""Staff roles and what each may do. Roles are membership rows, never flags on the user."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INTAKE_OFFICER = "intake_officer", _("Intake officer")
    INVESTIGATOR = "investigator", _("Investigator")
    UNIT_HEAD = "unit_head", _("Unit head")
    OVERSIGHT_OFFICER = "oversight_officer", _("Human-rights oversight officer")
    CENTRE_OFFICER = "centre_officer", _("Correction centre officer")
    NATIONAL_ADMIN = "national_admin", _("National administrator")
    SECRETARIAT_ANALYST = "secretariat_analyst", _("Secretariat analyst")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


# The secretariat analyst sees aggregate figures only: no person's name, no case, no audit trail.
PERSONAL_DATA_ROLES = frozenset(set(Role) - {Role.SECRETARIAT_ANALYST})

# Roles that manage staff, memberships and reference data (holidays, organisations) of a country.
ADMIN_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.SYSTEM_ADMIN})

# Roles that may read the audit trail of their country.
AUDIT_READER_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.SYSTEM_ADMIN, Role.OVERSIGHT_OFFICER})

# Roles that may read the staff directory within their scope.
STAFF_READER_ROLES = frozenset(
    {Role.NATIONAL_ADMIN, Role.SYSTEM_ADMIN, Role.UNIT_HEAD, Role.OVERSIGHT_OFFICER}
)

# Roles whose membership must name a unit (they work inside one).
UNIT_ROLES = frozenset(
    {Role.INTAKE_OFFICER, Role.INVESTIGATOR, Role.UNIT_HEAD, Role.CENTRE_OFFICER}
)

# Roles that work at country level and must name no agency or unit (human-rights oversight covers
# every agency of the country).
COUNTRY_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.SYSTEM_ADMIN, Role.OVERSIGHT_OFFICER})

# Roles that see the workspace dashboard (figures over the cases in their scope).
DASHBOARD_ROLES = frozenset(
    {Role.UNIT_HEAD, Role.NATIONAL_ADMIN, Role.OVERSIGHT_OFFICER, Role.SYSTEM_ADMIN}
)

# Roles that keep the concept lexicon (the lexicon page).
LEXICON_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.SYSTEM_ADMIN})
