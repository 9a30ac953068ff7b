"""Demonstration data for one national node: organisations and one staff user per role."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

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
    scope: str  # the unit, country or region the role covers, named in the active language


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
            if not user.email:
                user_update(actor=None, user=user, email=f"{username}@demo.insaf.invalid")
            region = role == Role.SECRETARIAT_ANALYST
            scope = str(unit) if unit else (_("The whole region") if region else str(country))
            logins.append(DemoLogin(username, role, scope))
        _complaint_setup(country, units)
    _sample_cases(country.pk)
    return logins


def _complaint_setup(country: Country, units: dict[tuple[str, str], Unit]) -> None:
    from insaf.complaints.models import CountryPolicy, RoutingRule
    from insaf.complaints.services.config import config_save

    if CountryPolicy.objects.filter(country=country).exists():
        return
    config_save(
        actor=None,
        obj=CountryPolicy(
            country=country,
            appeal_days=30,
            intake_unit=units[("psd", "complaints-dept")],
            oversight_unit=units[("human-rights", "oversight")],
        ),
    )
    for order, (category, agency_code, unit_key) in enumerate(
        [
            ("service_delay", "passports", ("passports", "capital-office")),
            ("detention_conditions", "", ("human-rights", "oversight")),
            ("", "corrections", ("human-rights", "oversight")),
        ],
        start=1,
    ):
        config_save(
            actor=None,
            obj=RoutingRule(
                country=country,
                category=category,
                agency=Agency.objects.get(country=country, code=agency_code)
                if agency_code
                else None,
                unit=units[unit_key],
                order=order * 10,
            ),
        )


SAMPLE_CASES = [
    # (text, anonymous, complainant name, phone)
    (
        "اللي بيحصل في مكتب الجوازات ده مش خدمة. رحت ٣ مرات عشان أجدد الباسبور ومحدش رد.",
        True,
        "",
        "",
    ),
    (
        "ابني محتجز في مركز أمن المدينة منذ خمسة أيام دون أن يُعرض على المدعي العام "
        "ولا نعرف التهمة.",
        False,
        "أم خالد",
        "٠٧٩٥٥٥١٢٣٤",
    ),
    ("عذبوني في التحقيق وضربوني على رجلي حتى اعترفت بشيء لم أفعله.", True, "", ""),
    (
        "I would like to thank the traffic department for the quick help after my accident.",
        False,
        "Lina Haddad",
        "+962 79 555 0101",
    ),
    (
        "Le policier m'a insulté devant mes enfants lors du contrôle routier, "
        "je demande une enquête.",
        False,
        "Karim Benali",
        "0790001122",
    ),
    ("أقترح فتح مكتب للجوازات مساءً لخدمة الموظفين.", True, "", ""),
    (
        "التمس السماح لي بزيارة زوجي النزيل في مركز إصلاح الجنوب فقد مُنعت منذ شهرين.",
        False,
        "سعاد",
        "0788881111",
    ),
    ("طلب مني موظف في دائرة الأحوال المدنية مبلغًا لتسريع إصدار شهادة الميلاد.", True, "", ""),
    ("ana ro7t 3al markaz w el shorta ma sajjalo el balagh, 2alo erja3 bokra.", True, "", ""),
    ("الزنزانة مكتظة والطعام قليل ولا يوجد طبيب في مركز الإصلاح.", True, "", ""),
]


def _sample_cases(country_code: str) -> None:
    from insaf.complaints.enums import Channel
    from insaf.complaints.models import Complaint
    from insaf.complaints.services import PersonInput, complaint_submit

    for number, (text, anonymous, name, phone) in enumerate(SAMPLE_CASES, start=1):
        external_id = f"demo-{number}"
        if Complaint.objects.filter(country_id=country_code, external_id=external_id).exists():
            continue
        complaint_submit(
            country=country_code,
            text=text,
            channel=Channel.WEB,
            anonymous=anonymous,
            complainant=None if anonymous else PersonInput(name=name, phone=phone),
            external_id=external_id,
        )
