"""insert_rows writes exactly what bulk_create would: dates, aware datetimes, JSON, enums, FKs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.forms.models import model_to_dict

from insaf.complaints.enums import EventType
from insaf.complaints.models import CaseEvent, Complaint
from insaf.complaints.services import Submission
from insaf.core.bulkinsert import insert_rows
from insaf.core.models import Country, Holiday

FileCase = Callable[..., Submission]


def test_rows_read_back_like_bulk_create(file_case: FileCase) -> None:
    case = file_case().complaint
    when = dt.datetime(2026, 3, 1, 10, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=3)))

    def event(body: str) -> CaseEvent:
        return CaseEvent(
            complaint=case,
            type=EventType.NOTE,
            public=False,
            body=body,
            data={"n": 1, "عربي": ["نص", None, True], "nested": {"x": 1.5}},
            created_at=when,
        )

    CaseEvent.objects.bulk_create([event("orm")])
    insert_rows(CaseEvent, [event("fast")])
    orm = model_to_dict(CaseEvent.objects.get(body="orm"), exclude=["id", "body"])
    fast = model_to_dict(CaseEvent.objects.get(body="fast"), exclude=["id", "body"])
    assert fast == orm
    assert CaseEvent.objects.get(body="fast").created_at == when


def test_dates_and_enums(db: None) -> None:
    country = Country.objects.get(pk="JO")
    insert_rows(
        Holiday, [Holiday(country=country, date=dt.date(2026, 5, 25), name="عيد الاستقلال")]
    )
    holiday = Holiday.objects.get(country=country)
    assert holiday.date == dt.date(2026, 5, 25) and holiday.name == "عيد الاستقلال"


def test_nothing_to_insert(db: None) -> None:
    insert_rows(Complaint, [])
    assert not Complaint.objects.exists()
