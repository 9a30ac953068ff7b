"""insert_rows and insert_one write exactly what bulk_create and save would: dates, aware datetimes,
JSON, enums, FKs; pipelined statements commit or roll back with their transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from insaf.complaints.enums import EventType
from insaf.complaints.models import CaseEvent, Complaint
from insaf.complaints.services import Submission
from insaf.core.bulkinsert import insert_one, insert_rows, pipelined
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


def _note(case: Complaint, body: str) -> CaseEvent:
    when = dt.datetime(2026, 3, 1, 10, 30, 15, 123456, tzinfo=dt.UTC)
    return CaseEvent(
        complaint=case,
        type=EventType.NOTE,
        public=False,
        body=body,
        data={"عربي": ["نص", None, True], "x": 1.5},
        created_at=when,
    )


def test_insert_one_reads_back_like_save_and_sets_the_key(file_case: FileCase) -> None:
    case = file_case().complaint
    saved = _note(case, "orm")
    saved.save(force_insert=True)
    fast = _note(case, "fast")
    insert_one(fast)
    assert fast.pk is not None and fast.pk != saved.pk
    assert not fast._state.adding
    stored = CaseEvent.objects.get(pk=fast.pk)
    assert stored.body == "fast"
    assert model_to_dict(stored, exclude=["id", "body"]) == model_to_dict(
        CaseEvent.objects.get(pk=saved.pk), exclude=["id", "body"]
    )
    # A later save() updates the row instead of inserting a second one.
    fast.body = "changed"
    fast.save()
    assert CaseEvent.objects.filter(complaint=case, body__in=["fast", "changed"]).count() == 1


def test_insert_one_keeps_a_given_key(file_case: FileCase) -> None:
    case = file_case().complaint
    free = (CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    event = _note(case, "keyed")
    event.pk = free
    insert_one(event)
    assert CaseEvent.objects.get(pk=free).body == "keyed"


def test_pipelined_writes_commit_with_their_transaction(file_case: FileCase) -> None:
    case = file_case().complaint
    with transaction.atomic(), pipelined():
        insert_rows(CaseEvent, [_note(case, "one"), _note(case, "two")])
        event = _note(case, "three")
        insert_one(event)
        # A read inside the block sees the writes queued before it.
        assert CaseEvent.objects.filter(complaint=case, body__in=["one", "two"]).count() == 2
    assert event.pk is not None
    assert set(
        CaseEvent.objects.filter(complaint=case, body__in=["one", "two", "three"]).values_list(
            "body", flat=True
        )
    ) == {"one", "two", "three"}


@pytest.mark.parametrize("read_after", [False, True])
def test_pipelined_errors_are_djangos_and_roll_the_transaction_back(
    file_case: FileCase, read_after: bool
) -> None:
    """A refused statement raises Django's IntegrityError, at the next read or at the block's end
    (on PostgreSQL the statement itself does not wait for its answer), and nothing is kept."""
    case = file_case().complaint
    duplicate = Complaint.objects.get(pk=case.pk)  # the same reference: refused
    with pytest.raises(IntegrityError), transaction.atomic(), pipelined():
        insert_rows(CaseEvent, [_note(case, "lost")])
        insert_rows(Complaint, [duplicate])
        if read_after:
            CaseEvent.objects.filter(complaint=case).count()
    assert not CaseEvent.objects.filter(body="lost").exists()
    assert Complaint.objects.filter(reference=case.reference).count() == 1
