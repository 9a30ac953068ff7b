"""The 22 member states, read from data/member-states.csv (pure Python, usable from settings)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CSV_PATH = Path(__file__).resolve().parent / "data" / "member-states.csv"

WEEKDAY_NUMBERS = {
    "Monday": 1,
    "Tuesday": 2,
    "Wednesday": 3,
    "Thursday": 4,
    "Friday": 5,
    "Saturday": 6,
    "Sunday": 7,
}


@dataclass(frozen=True)
class MemberState:
    iso2: str
    iso3: str
    name_ar: str
    short_ar: str
    name_en: str
    name_fr: str
    timezone: str
    weekend: tuple[int, ...]
    calling_code: str
    currency: str
    languages_official: str


@cache
def member_states() -> tuple[MemberState, ...]:
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        return tuple(
            MemberState(
                iso2=row["iso2"],
                iso3=row["iso3"],
                name_ar=row["name_ar"],
                short_ar=row["short_ar"],
                name_en=row["name_en"],
                name_fr=row["name_fr"],
                timezone=row["timezone"],
                weekend=tuple(sorted(WEEKDAY_NUMBERS[d] for d in row["weekend"].split("+"))),
                calling_code=row["calling_code"],
                currency=row["currency"],
                languages_official=row["languages_official"],
            )
            for row in csv.DictReader(handle)
        )


def member_state_codes() -> frozenset[str]:
    return frozenset(state.iso2 for state in member_states())
