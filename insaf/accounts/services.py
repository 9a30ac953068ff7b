"""Writes on staff users and memberships: each is one transaction that appends its audit event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from insaf.accounts.models import Membership, User
from insaf.accounts.roles import COUNTRY_ROLES, UNIT_ROLES, Role
from insaf.audit.services import audit_record
from insaf.audit.verbs import Verb
from insaf.core.models import Agency, Country, Unit


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": _("A user with this username already exists.")})
        user = User(username=username, email=email, first_name=first_name, last_name=last_name)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(force_insert=True)
        audit_record(actor=actor, verb=Verb.USER_CREATED, target=user, data={"username": username})
    return user


# Fields whose change is audited with old and new values (never the password's hash).
AUDITED_USER_FIELDS = (
    "username",
    "email",
    "first_name",
    "last_name",
    "is_active",
    "is_staff",
    "is_superuser",
    "calendar",
    "language",
)


def user_update(*, actor: User | None, user: User, **changes: Any) -> User:
    """Change a user's audited fields (see AUDITED_USER_FIELDS); unchanged values are ignored."""
    unknown = set(changes) - set(AUDITED_USER_FIELDS)
    if unknown:
        raise ValueError(f"user_update cannot change {sorted(unknown)}")
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        old = {name: getattr(current, name) for name in changes}
        changed = {name: value for name, value in changes.items() if old[name] != value}
        if not changed:
            return user
        for name, value in changed.items():
            setattr(user, name, value)
        user.full_clean(exclude=["password"], validate_unique=False)
        user.save(update_fields=list(changed))
        audit_record(
            actor=actor,
            verb=Verb.USER_CHANGED,
            target=user,
            country=user_country(user),
            data={"old": {k: old[k] for k in changed}, "new": changed},
        )
    return user


def user_set_password(*, actor: User | None, user: User, password: str | None) -> User:
    """Set a new password, or none (password sign-in disabled). The audit keeps no trace of it."""
    with transaction.atomic():
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
        audit_record(
            actor=actor,
            verb=Verb.USER_PASSWORD_SET,
            target=user,
            country=user_country(user),
            data={"usable": bool(password)},
        )
    return user


def user_deactivate(*, actor: User | None, user: User) -> User:
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            verb=Verb.USER_DEACTIVATED,
            target=user,
            country=user_country(user),
            data={"username": user.get_username()},
        )
    return user


def membership_check_scope(
    *, role: Role, country: Country | None, agency: Agency | None, unit: Unit | None
) -> None:
    """The scope a role works at: see insaf/accounts/roles.py."""
    if role == Role.SECRETARIAT_ANALYST:
        if agency or unit:
            raise ValidationError(_("A secretariat analyst is scoped to a country or the region."))
        return
    if country is None:
        raise ValidationError(_("This role needs a country."))
    if agency and agency.country_id != country.pk:
        raise ValidationError(_("The agency does not belong to that country."))
    if unit and unit.agency.country_id != country.pk:
        raise ValidationError(_("The unit does not belong to that country."))
    if unit and agency and unit.agency_id != agency.pk:
        raise ValidationError(_("The unit does not belong to that agency."))
    if role in COUNTRY_ROLES and (agency or unit):
        raise ValidationError(_("This role works for a whole country, not an agency or unit."))
    if role in UNIT_ROLES and unit is None:
        raise ValidationError(_("This role works inside a unit: choose one."))


def membership_grant(
    *,
    actor: User | None,
    user: User,
    role: Role,
    country: Country | None,
    agency: Agency | None = None,
    unit: Unit | None = None,
) -> Membership:
    role = Role(role)
    if unit is not None and agency is None:
        agency = unit.agency
    membership_check_scope(role=role, country=country, agency=agency, unit=unit)
    with transaction.atomic():
        existing = Membership.objects.filter(
            user=user, role=role, country=country, agency=agency, unit=unit
        ).first()
        if existing is not None:
            return existing
        membership = Membership.objects.create(
            user=user, role=role, country=country, agency=agency, unit=unit
        )
        audit_record(
            actor=actor,
            verb=Verb.MEMBERSHIP_GRANTED,
            target=membership,
            country=country.pk if country else None,
            data={"new": _membership_details(membership)},
        )
    return membership


def membership_revoke(*, actor: User | None, membership: Membership) -> None:
    with transaction.atomic():
        details = _membership_details(membership)
        target_id = membership.pk
        membership.delete()
        membership.pk = target_id
        audit_record(
            actor=actor,
            verb=Verb.MEMBERSHIP_REVOKED,
            target=membership,
            country=details["country"],
            data={"old": details},
        )


def _membership_details(membership: Membership) -> dict[str, Any]:
    return {
        "user": membership.user.get_username(),
        "role": membership.role,
        "country": membership.country_id,
        "agency": membership.agency_id,
        "unit": membership.unit_id,
    }


def user_country(user: User | None) -> str | None:
    """The one country a user works in, to scope their events (None if several or none)."""
    if user is None:
        return None
    countries = set(user.memberships.values_list("country_id", flat=True))
    return countries.pop() if len(countries) == 1 else None
