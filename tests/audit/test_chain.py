"""The audit log: append-only in the database, hash-chained, verified end to end."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import translation

from insaf.audit.chain import GENESIS_HASH, event_hash
from insaf.audit.models import Event
from insaf.audit.services import audit_record, audit_verify
from insaf.audit.verbs import Verb
from insaf.core.models import Country

pytestmark = pytest.mark.django_db

DROP_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER audit_event_no_update",
        "DROP TRIGGER audit_event_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER audit_event_no_update ON audit_event",
        "DROP TRIGGER audit_event_no_delete ON audit_event",
    ],
}


def _record_some(count: int = 5) -> list[Event]:
    jordan = Country.objects.get(pk="JO")
    return [
        audit_record(
            actor=None,
            verb=Verb.HOLIDAY_ADDED,
            target=jordan,
            country="JO",
            data={"n": n, "name": "عيد الفطر", "when": "2026-03-20", "ratio": 0.1},
        )
        for n in range(count)
    ]


def _drop_triggers() -> None:
    with connection.cursor() as cursor:
        for statement in DROP_TRIGGERS[connection.vendor]:
            cursor.execute(statement)


def _raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_events_chain_from_genesis() -> None:
    events = _record_some(3)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert len({e.hash for e in events}) == 3


def test_stored_row_hashes_to_its_hash() -> None:
    """What the database gives back (JSON, timestamps) hashes to what was written."""
    _record_some(2)
    for row in Event.objects.values():
        assert event_hash(row) == row["hash"]


def test_verify_counts_and_returns_head() -> None:
    events = _record_some(4)
    result = audit_verify()
    assert result.ok
    assert result.verified == 4
    assert result.head == events[-1].hash


def test_verify_of_empty_log() -> None:
    result = audit_verify()
    assert result.ok and result.verified == 0 and result.head == GENESIS_HASH


def test_update_is_refused_by_the_database() -> None:
    (event,) = _record_some(1)
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(actor_label="someone else")
    event.refresh_from_db()
    assert event.actor_label == "system"


def test_delete_is_refused_by_the_database() -> None:
    (event,) = _record_some(1)
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        Event.objects.filter(pk=event.pk).delete()
    assert Event.objects.filter(pk=event.pk).exists()


def test_raw_sql_update_is_refused_too() -> None:
    (event,) = _record_some(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("UPDATE audit_event SET actor_label = %s WHERE id = %s", ["x", event.pk])


def test_truncate_is_refused_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    _record_some(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("TRUNCATE audit_event", [])


def test_a_fork_of_the_chain_is_refused() -> None:
    """Two events can never name the same predecessor (unique prev_hash)."""
    (first,) = _record_some(1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(
            seq=99,
            created_at=first.created_at,
            actor_label="x",
            verb=Verb.LOGIN,
            prev_hash=first.prev_hash,
            hash="f" * 64,
        )


def test_altered_row_is_found_and_named() -> None:
    events = _record_some(5)
    _drop_triggers()
    _raw("UPDATE audit_event SET actor_label = %s WHERE id = %s", ["intruder", events[2].pk])
    with translation.override("en"):  # the reason is in the active language
        result = audit_verify()
    assert not result.ok
    assert result.broken_seq == 3
    assert result.broken_id == events[2].pk
    assert result.verified == 2
    assert "content" in result.reason


def test_altered_details_are_found() -> None:
    events = _record_some(3)
    _drop_triggers()
    _raw("UPDATE audit_event SET data = %s WHERE id = %s", ['{"n": 99}', events[1].pk])
    assert audit_verify().broken_seq == 2


def test_removed_row_is_found() -> None:
    events = _record_some(5)
    _drop_triggers()
    _raw("DELETE FROM audit_event WHERE id = %s", [events[1].pk])
    result = audit_verify()
    assert not result.ok
    assert result.broken_seq == 3  # the event after the gap
    assert result.verified == 1


def test_reordered_rows_are_found() -> None:
    events = _record_some(4)
    _drop_triggers()
    # Swap the sequence numbers of events 2 and 3 (through a free number, seq is unique).
    _raw("UPDATE audit_event SET seq = %s WHERE id = %s", [1000, events[1].pk])
    _raw("UPDATE audit_event SET seq = %s WHERE id = %s", [2, events[2].pk])
    _raw("UPDATE audit_event SET seq = %s WHERE id = %s", [3, events[1].pk])
    result = audit_verify()
    assert not result.ok
    assert result.broken_seq == 2
    assert result.broken_id == events[2].pk


def test_rehashed_forgery_is_still_found() -> None:
    """A forger who also recomputes the altered row's hash breaks the next row's link."""
    events = _record_some(3)
    _drop_triggers()
    row = Event.objects.values().get(pk=events[0].pk)
    row["actor_label"] = "intruder"
    _raw(
        "UPDATE audit_event SET actor_label = %s, hash = %s WHERE id = %s",
        ["intruder", event_hash(row), events[0].pk],
    )
    with translation.override("en"):
        result = audit_verify()
    assert result.broken_seq == 2
    assert "previous-hash" in result.reason


def test_command_reports_count_and_head(capsys: pytest.CaptureFixture[str]) -> None:
    events = _record_some(2)
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "Verified 2 audit events" in out
    assert events[-1].hash in out


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("fr", "1 événement d'audit vérifié.", "2 événements d'audit vérifiés."),
        ("ar", "تم التحقق من حدث واحد في سجل التدقيق.", "تم التحقق من حدثين في سجل التدقيق."),
        ("en", "Verified 1 audit event.", "Verified 2 audit events."),
    ],
)
def test_command_counts_events_in_the_form_their_number_needs(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    one: str,
    two: str,
) -> None:
    monkeypatch.setenv("INSAF_LANGUAGE", language)
    _record_some(1)
    call_command("audit", "verify")
    assert capsys.readouterr().out.startswith(one)
    _record_some(1)
    call_command("audit", "verify")
    assert capsys.readouterr().out.startswith(two)


def test_command_fails_naming_the_broken_event() -> None:
    events = _record_some(3)
    _drop_triggers()
    _raw("UPDATE audit_event SET verb = %s WHERE id = %s", ["auth.logout", events[1].pk])
    with pytest.raises(CommandError, match=r"event #2 \(id \d+\)") as error:
        call_command("audit", "verify")
    assert error.value.returncode == 1


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("ar", "(المعرّف {id}): محتواه لا يطابق بصمته. تم التحقق من حدث واحد قبله."),
        (
            "fr",
            "(id {id}) : son contenu ne correspond pas à son empreinte. "
            "1 événement antérieur vérifié.",
        ),
        ("en", "(id {id}): its content does not match its hash. 1 event before it verified."),
    ],
)
def test_command_gives_the_reason_in_the_command_line_language(
    monkeypatch: pytest.MonkeyPatch, language: str, reason: str
) -> None:
    events = _record_some(3)
    _drop_triggers()
    _raw("UPDATE audit_event SET actor_label = %s WHERE id = %s", ["intruder", events[1].pk])
    monkeypatch.setenv("INSAF_LANGUAGE", language)
    with pytest.raises(CommandError) as error:
        call_command("audit", "verify")
    assert reason.format(id=events[1].pk) in str(error.value)


def test_a_gap_is_named_in_the_command_line_language(monkeypatch: pytest.MonkeyPatch) -> None:
    events = _record_some(3)
    _drop_triggers()
    _raw("DELETE FROM audit_event WHERE id = %s", [events[1].pk])
    monkeypatch.setenv("INSAF_LANGUAGE", "ar")
    with pytest.raises(CommandError, match="الرقم التسلسلي 3 بينما كان المتوقع 2"):
        call_command("audit", "verify")


def test_command_detects_events_removed_from_the_end() -> None:
    events = _record_some(3)
    recorded_head = events[-1].hash
    _drop_triggers()
    _raw("DELETE FROM audit_event WHERE id = %s", [events[-1].pk])
    call_command("audit", "verify")  # the shortened chain is consistent in itself ...
    with pytest.raises(CommandError, match="no longer in it"):
        call_command("audit", "verify", "--head", recorded_head)  # ... but not with the record


def test_unknown_verbs_are_refused() -> None:
    with pytest.raises(ValueError):
        audit_record(actor=None, verb="accounts.made_up")  # type: ignore[arg-type]
    assert not Event.objects.exists()


def test_verb_label_is_translated_name() -> None:
    (event,) = _record_some(1)
    assert event.verb_label == str(Verb.HOLIDAY_ADDED.label)
