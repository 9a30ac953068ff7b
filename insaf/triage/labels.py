"""The triage labels: the contract for triage, storage, the API and statistics.

Codes are stable identifiers (stored, exported, used in the API); see docs/TRIAGE-LABELS.md for
their meaning. ``Category`` is listed in tie-break order: when several apply, the earliest wins.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    PETITION = "petition", _("Petition")
    SUGGESTION = "suggestion", _("Suggestion")
    COMMENDATION = "commendation", _("Commendation")


class Category(models.TextChoices):
    TORTURE_ILL_TREATMENT = "torture_ill_treatment", _("Torture or ill-treatment")
    USE_OF_FORCE = "use_of_force", _("Excessive use of force")
    ARBITRARY_DETENTION = "arbitrary_detention", _("Arbitrary detention")
    ENFORCED_DISAPPEARANCE = "enforced_disappearance", _("Enforced disappearance")
    SEXUAL_ABUSE = "sexual_abuse", _("Sexual harassment or violence")
    DETENTION_CONDITIONS = "detention_conditions", _("Conditions of detention")
    CORRUPTION = "corruption", _("Corruption or abuse of position")
    DISCRIMINATION = "discrimination", _("Discrimination")
    MISCONDUCT = "misconduct", _("Misconduct or incivility")
    NEGLECT_OF_DUTY = "neglect_of_duty", _("Neglect of duty")
    SERVICE_DELAY = "service_delay", _("Service delay or failure")
    PROPERTY = "property", _("Property seized or damaged")
    PRIVACY = "privacy", _("Privacy violation")
    REQUEST = "request", _("Request")
    OTHER = "other", _("Other")


class Vulnerable(models.TextChoices):
    WOMAN = "woman", _("Woman")
    CHILD = "child", _("Child (under 18)")
    DISABILITY = "disability", _("Person with disability")
    ELDERLY = "elderly", _("Older person (60+)")
    INMATE = "inmate", _("Inmate or detainee")


class Priority(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


# Queue order: critical first. Stored as a small integer so that queues sort in the database.
PRIORITY_RANK = {Priority.CRITICAL: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}

SERIOUS_CATEGORIES = frozenset(
    {
        Category.TORTURE_ILL_TREATMENT,
        Category.USE_OF_FORCE,
        Category.ARBITRARY_DETENTION,
        Category.ENFORCED_DISAPPEARANCE,
        Category.SEXUAL_ABUSE,
    }
)

# Vulnerable groups are stored as a bit mask so that queues can filter and sort on them anywhere.
VULNERABLE_BITS = {group: 1 << index for index, group in enumerate(Vulnerable)}


def derive_priority(
    *, kind: Kind | str, category: Category | str, grave: bool, vulnerable: Iterable[str]
) -> Priority:
    """critical: grave. high: a vulnerable group or a serious category. low: suggestions and
    commendations. normal: everything else."""
    if grave:
        return Priority.CRITICAL
    if kind in (Kind.SUGGESTION, Kind.COMMENDATION):
        return Priority.LOW
    if list(vulnerable) or category in SERIOUS_CATEGORIES:
        return Priority.HIGH
    return Priority.NORMAL


def vulnerable_mask(groups: Iterable[str]) -> int:
    mask = 0
    for group in groups:
        mask |= VULNERABLE_BITS[Vulnerable(group)]
    return mask


def vulnerable_groups(mask: int) -> list[str]:
    return [str(group) for group, bit in VULNERABLE_BITS.items() if mask & bit]
