"""Demonstration data for one national node: organisations and one staff user per role."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from insaf.accounts.models import User
from insaf.accounts.roles import Role
from insaf.accounts.services import membership_grant, user_create, user_update
from insaf.core.enums import AgencyType, UnitType
from insaf.core.models import Agency, Country, Governorate, Unit

DEMO_PASSWORD = "insaf-demo-2026"  # noqa: S105  (printed for the demo; never a real node)

GOVERNORATES = [
    ("capital", "محافظة العاصمة", "Capital governorate", "Gouvernorat de la capitale"),
    ("north", "محافظة الشمال", "Northern governorate", "Gouvernorat du Nord"),
    ("south", "محافظة الجنوب", "Southern governorate", "Gouvernorat du Sud"),
]

AGENCIES = [
    (
        "psd",
        AgencyType.PUBLIC_SECURITY,
        "مديرية الأمن العام",
        "Public Security Directorate",
        "Direction de la sûreté publique",
    ),
    (
        "passports",
        AgencyType.PASSPORTS_IMMIGRATION,
        "دائرة الجوازات والهجرة",
        "Passports and Immigration Department",
        "Département des passeports et de l'immigration",
    ),
    (
        "civil-status",
        AgencyType.CIVIL_STATUS,
        "دائرة الأحوال المدنية",
        "Civil Status Department",
        "Département de l'état civil",
    ),
    (
        "traffic",
        AgencyType.TRAFFIC,
        "إدارة السير",
        "Traffic Department",
        "Direction de la circulation",
    ),
    (
        "corrections",
        AgencyType.CORRECTIONS,
        "إدارة مراكز الإصلاح والتأهيل",
        "Correction and Rehabilitation Centres Department",
        "Direction des centres de correction et de réhabilitation",
    ),
    (
        "human-rights",
        AgencyType.HUMAN_RIGHTS_OFFICE,
        "مكتب حقوق الإنسان",
        "Human Rights Office",
        "Bureau des droits de l'homme",
    ),
]

UNITS = [
    (
        "psd",
        "central-station",
        UnitType.POLICE_STATION,
        "capital",
        "مركز أمن المدينة",
        "City police station",
        "Commissariat de la ville",
    ),
    (
        "psd",
        "north-station",
        UnitType.POLICE_STATION,
        "north",
        "مركز أمن الشمال",
        "Northern police station",
        "Commissariat du Nord",
    ),
    (
        "psd",
        "complaints-dept",
        UnitType.DEPARTMENT,
        "capital",
        "قسم الشكاوى",
        "Complaints department",
        "Service des plaintes",
    ),
    (
        "passports",
        "capital-office",
        UnitType.OFFICE,
        "capital",
        "مكتب جوازات العاصمة",
        "Capital passports office",
        "Bureau des passeports de la capitale",
    ),
    (
        "corrections",
        "south-centre",
        UnitType.CORRECTION_CENTRE,
        "south",
        "مركز إصلاح وتأهيل الجنوب",
        "Southern correction and rehabilitation centre",
        "Centre de correction et de réhabilitation du Sud",
    ),
    (
        "human-rights",
        "oversight",
        UnitType.DEPARTMENT,
        "capital",
        "قسم الرقابة",
        "Oversight department",
        "Service de contrôle",
    ),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    scope: str


# username, role, (agency code, unit code) or None for a country- or region-wide role.
STAFF = [
    ("intake", Role.INTAKE_OFFICER, ("psd", "complaints-dept")),
    ("investigator", Role.INVESTIGATOR, ("psd", "complaints-dept")),
    ("unithead", Role.UNIT_HEAD, ("psd", "complaints-dept")),
    ("oversight", Role.OVERSIGHT_OFFICER, None),
    ("centre", Role.CENTRE_OFFICER, ("corrections", "south-centre")),
    ("natadmin", Role.NATIONAL_ADMIN, None),
    ("analyst", Role.SECRETARIAT_ANALYST, None),
    ("sysadmin", Role.SYSTEM_ADMIN, None),
]


def load_demo(country_code: str) -> list[DemoLogin]:
    """Create (or find) the demo organisations and staff of one country. Safe to run again."""
    with transaction.atomic():
        country = Country.objects.get(pk=country_code)
        governorates = {
            code: Governorate.objects.get_or_create(
                country=country, code=code, defaults={"name_ar": ar, "name_en": en, "name_fr": fr}
            )[0]
            for code, ar, en, fr in GOVERNORATES
        }
        agencies = {
            code: Agency.objects.get_or_create(
                country=country,
                code=code,
                defaults={"type": kind, "name_ar": ar, "name_en": en, "name_fr": fr},
            )[0]
            for code, kind, ar, en, fr in AGENCIES
        }
        units = {
            (agency, code): Unit.objects.get_or_create(
                agency=agencies[agency],
                code=code,
                defaults={
                    "type": kind,
                    "governorate": governorates[gov],
                    "name_ar": ar,
                    "name_en": en,
                    "name_fr": fr,
                },
            )[0]
            for agency, code, kind, gov, ar, en, fr in UNITS
        }
        logins = []
        for username, role, unit_key in STAFF:
            user = User.objects.filter(username=username).first() or user_create(
                actor=None, username=username, password=DEMO_PASSWORD
            )
            if role == Role.SYSTEM_ADMIN:
                user_update(actor=None, user=user, is_staff=True, is_superuser=True)
            unit = units[unit_key] if unit_key else None
            membership_grant(
                actor=None,
                user=user,
                role=role,
                country=None if role == Role.SECRETARIAT_ANALYST else country,
                unit=unit,
            )
            region = role == Role.SECRETARIAT_ANALYST
            scope = str(unit) if unit else ("region" if region else str(country))
            logins.append(DemoLogin(username, role, scope))
    return logins
