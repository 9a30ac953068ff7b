"""The model in the database: trained on one machine, used by every application server."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import override_settings

from insaf.audit.models import Event
from insaf.audit.verbs import Verb
from insaf.complaints.models import Channel, Complaint, CountryPolicy
from insaf.complaints.services import complaint_submit
from insaf.triage import store
from insaf.triage.model import TriageModel
from insaf.triage.models import PublishedModel

TORTURE = "عذبوني في مركز الشرطة وضربوني بالكهرباء حتى أغمي علي"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Path]:
    """A process of an application server with a folder of its own holding no model, looking
    in the database for the one in use."""
    folder = tmp_path / "server"
    folder.mkdir()
    store.forget()
    with override_settings(
        INSAF_TRIAGE_DIR=folder, INSAF_TRIAGE_CLASSIFIER="model", INSAF_TRIAGE_REFRESH=30
    ):
        yield folder
    store.forget()


def _other(model: TriageModel, tmp_path: Path, version: str) -> tuple[TriageModel, Path]:
    """The same weights under another version: a second model without a second training."""
    other = dataclasses.replace(model, version=version)
    return other, other.save(tmp_path / version)


@pytest.mark.django_db
def test_a_model_published_on_one_machine_labels_on_another(
    trained: tuple[TriageModel, Path], server: Path, policy: CountryPolicy
) -> None:
    model, path = trained
    row = store.publish(model, path)
    assert row.size == path.stat().st_size and bytes(row.data) == path.read_bytes()
    taken = store.current_model()
    assert taken is not None and taken.version == model.version
    assert list(server.iterdir()) == []  # nothing written on the server: it needs no disk
    case = complaint_submit(
        country="JO", text=TORTURE, anonymous=True, channel=Channel.WEB
    ).complaint
    assert case.triage_version == model.version and case.grave and case.oversight
    event = Event.objects.get(verb=Verb.TRIAGE_MODEL_PUBLISHED)
    assert event.data["version"] == model.version and event.data["sha256"] == row.sha256


@pytest.mark.django_db
def test_the_database_model_wins_over_the_folder_and_is_seen_after_the_refresh(
    trained: tuple[TriageModel, Path],
    tmp_path: Path,
    server: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model, path = trained
    # The server's folder holds a model of its own, as before models were published.
    _local, local_path = _other(model, server, "linear-local")
    (server / "current").write_text(local_path.name + "\n", encoding="utf-8")
    (server / local_path.name).write_bytes(local_path.read_bytes())
    assert store.current_model().version == "linear-local"  # nothing published yet

    clock = [1000.0]
    monkeypatch.setattr(store.time, "monotonic", lambda: clock[0])
    store.forget()
    first = store.publish(model, path)  # forgets: this process sees it at once
    assert store.current_model().version == model.version

    # Another machine publishes a newer model: seen here only once the refresh has passed.
    newer, newer_path = _other(model, tmp_path, "linear-newer")
    row = PublishedModel.objects.create(
        version=newer.version,
        sha256=hashlib.sha256(newer_path.read_bytes()).hexdigest(),
        size=newer_path.stat().st_size,
        data=newer_path.read_bytes(),
        trained_on=newer.trained_on,
        published_at=first.published_at,
        in_use_since=first.in_use_since + dt.timedelta(microseconds=1),
    )
    clock[0] += 29
    assert store.current_model().version == model.version
    clock[0] += 2
    assert store.current_model().version == row.version

    # Put back: the earlier one, audited with the one it replaces.
    out = io.StringIO()
    call_command("triage", "use", model.version, stdout=out)
    assert model.version in out.getvalue()
    assert store.current_model().version == model.version
    event = Event.objects.filter(verb=Verb.TRIAGE_MODEL_USED).get()
    assert event.data == {"version": model.version, "previous": row.version}

    out = io.StringIO()
    call_command("triage", "models", stdout=out)
    lines = out.getvalue().splitlines()
    assert sorted(line.split()[0] for line in lines) == sorted([model.version, row.version])
    in_use = [line for line in lines if "(in use)" in line]
    assert len(in_use) == 1 and in_use[0].startswith(model.version)


@pytest.mark.django_db
def test_an_unknown_version_is_refused_and_changes_nothing(
    trained: tuple[TriageModel, Path], server: Path
) -> None:
    model, path = trained
    store.publish(model, path)
    before = Event.objects.count()
    with pytest.raises(CommandError, match="No model linear-nothing is published"):
        call_command("triage", "use", "linear-nothing", stdout=io.StringIO())
    assert Event.objects.count() == before
    assert store.current_model().version == model.version


@pytest.mark.django_db
def test_the_commands_on_a_database_without_the_models_table_say_so() -> None:
    """Not migrated yet (or the table lost): a one-line error, not a traceback."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {PublishedModel._meta.db_table}")
    for action in (["models"], ["use", "linear-0000000000"], ["prune", "--keep", "1"]):
        with pytest.raises(CommandError, match="could not be used"), transaction.atomic():
            call_command("triage", *action, stdout=io.StringIO())


@pytest.mark.django_db
def test_prune_keeps_the_newest_and_the_one_in_use(
    trained: tuple[TriageModel, Path], tmp_path: Path, server: Path
) -> None:
    model, path = trained
    store.publish(model, path)
    for version in ("linear-second", "linear-third"):
        store.publish(*_other(model, tmp_path, version))
    call_command("triage", "use", model.version, stdout=io.StringIO())  # the oldest, in use
    with pytest.raises(CommandError, match="--keep must be 1 or more"):
        call_command("triage", "prune", "--keep", "0", stdout=io.StringIO())
    out = io.StringIO()
    call_command("triage", "prune", "--keep", "1", stdout=out)
    assert out.getvalue().strip() == "Deleted 1 model: linear-second."
    assert sorted(PublishedModel.objects.values_list("version", flat=True)) == sorted(
        ["linear-third", model.version]
    )
    event = Event.objects.get(verb=Verb.TRIAGE_MODELS_DELETED)
    assert event.data == {"versions": ["linear-second"]}
    out = io.StringIO()
    call_command("triage", "prune", "--keep", "1", stdout=out)
    assert out.getvalue().strip() == "No model to delete."
    assert store.current_model().version == model.version


@pytest.mark.django_db
def test_a_damaged_model_in_the_database_leaves_the_folder_or_the_keyword_rule(
    trained: tuple[TriageModel, Path],
    server: Path,
    policy: CountryPolicy,
    caplog: pytest.LogCaptureFixture,
) -> None:
    model, path = trained
    row = store.publish(model, path)
    PublishedModel.objects.filter(pk=row.pk).update(data=b"not a model")
    store.forget()
    with caplog.at_level(logging.ERROR, logger="insaf.triage.store"):
        assert store.current_model() is None
    assert "damaged" in caplog.text
    case = complaint_submit(
        country="JO", text=TORTURE, anonymous=True, channel=Channel.WEB
    ).complaint
    assert case.triage_version.startswith("keywords") and case.grave  # kept, and still grave
    # The same bytes with their own digest are no model either: refused when loaded.
    PublishedModel.objects.filter(pk=row.pk).update(
        sha256=hashlib.sha256(b"not a model").hexdigest()
    )
    store.forget()
    assert store.current_model() is None
    # The folder's model, when there is one, labels meanwhile.
    (server / path.name).write_bytes(path.read_bytes())
    (server / "current").write_text(path.name + "\n", encoding="utf-8")
    assert store.current_model().version == model.version


@pytest.mark.django_db
def test_a_damaged_newer_model_leaves_the_one_held(
    trained: tuple[TriageModel, Path], server: Path, caplog: pytest.LogCaptureFixture
) -> None:
    model, path = trained
    first = store.publish(model, path)
    assert store.current_model().version == model.version
    # Another machine publishes a newer model, damaged on its way into the database.
    PublishedModel.objects.create(
        version="linear-newer",
        sha256=first.sha256,
        size=11,
        data=b"not a model",
        trained_on=1,
        published_at=first.published_at,
        in_use_since=first.in_use_since + dt.timedelta(microseconds=1),
    )
    store._next_look = 0.0  # the next look, without forgetting what is held
    with caplog.at_level(logging.ERROR, logger="insaf.triage.store"):
        assert store.current_model().version == model.version
    assert "linear-newer" in caplog.text and "damaged" in caplog.text
    caplog.clear()
    store._next_look = 0.0
    assert store.current_model().version == model.version
    assert caplog.text == ""  # the damaged version is not read again at every look


@pytest.mark.django_db
def test_a_failed_look_up_inside_a_filing_leaves_its_transaction_usable(
    trained: tuple[TriageModel, Path], server: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL a failed statement aborts the whole transaction unless a savepoint holds it."""
    model, path = trained
    store.publish(model, path)
    store.forget()
    broken = PublishedModel.objects.extra(where=["no_such_column = 1"])
    monkeypatch.setattr(store, "_in_use", lambda: broken)
    with transaction.atomic():
        assert store.current_model() is None  # the folder is empty
        assert Complaint.objects.count() == 0  # the transaction still answers


def test_labelling_without_a_database_creates_none(
    trained: tuple[TriageModel, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`insaf triage` on a machine whose SQLite file is not there: the folder's model labels,
    and no empty database file is left behind (no django_db mark: touching it would fail)."""
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite file that is not there")
    path = trained[1]
    absent = tmp_path / "absent.sqlite3"
    monkeypatch.setitem(connection.settings_dict, "NAME", str(absent))
    store.forget()
    with override_settings(
        INSAF_TRIAGE_DIR=path.parent, INSAF_TRIAGE_CLASSIFIER="model", INSAF_TRIAGE_REFRESH=30
    ):
        line = json.dumps({"id": "1", "text": TORTURE}, ensure_ascii=False)
        monkeypatch.setattr("sys.stdin", io.StringIO(line + "\n"))
        out = io.StringIO()
        call_command("triage", stdout=out)
    store.forget()
    assert json.loads(out.getvalue())["grave"] is True
    assert not absent.exists()
