"""Idempotency-Key on POST /api/v1/complaints: a retry never files twice, even when the retries
race each other (checked against a real server with several worker processes)."""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings as django_settings

from insaf.complaints.models import Complaint, IdempotencyRecord
from tests.api.conftest import PASSPORT, JsonClient, tables_containing
from tests.servers import insaf_ok, server_env, start_gunicorn, stop_gunicorn

KEY = "Idempotency-Key"
BODY = {"text": PASSPORT, "country": "JO", "anonymous": True}


def _file(api: JsonClient, key: str, body: Any = None, **kwargs: Any) -> Any:
    return api.post("/complaints", body or BODY, headers={KEY: key}, **kwargs)


@pytest.mark.usefixtures("policy")
def test_same_key_same_body_replays_the_first_answer(api: JsonClient) -> None:
    first = _file(api, "retry-1")
    assert first.status_code == 201
    again = _file(api, "retry-1")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "receipt_code" in again.json()
    assert Complaint.objects.count() == 1
    record = IdempotencyRecord.objects.get(key="retry-1")
    assert record.complaint is not None
    assert record.complaint.reference == first.json()["reference"]


@pytest.mark.usefixtures("policy")
def test_the_body_is_compared_as_json_not_as_bytes(api: JsonClient) -> None:
    first = _file(api, "retry-2")
    reordered = json.dumps(dict(reversed(list(BODY.items()))), indent=2, ensure_ascii=True)
    again = api.post("/complaints", raw=reordered, headers={KEY: "retry-2"})
    assert again.status_code == 201
    assert again.json() == first.json()
    assert Complaint.objects.count() == 1


@pytest.mark.usefixtures("policy")
def test_same_key_with_another_body_is_refused(api: JsonClient) -> None:
    _file(api, "retry-3")
    other = _file(api, "retry-3", {**BODY, "place": "إربد"}, language="en")
    assert other.status_code == 422
    error = other.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert set(error["fields"]) == {KEY}
    assert Complaint.objects.count() == 1


@pytest.mark.usefixtures("policy")
def test_the_stored_answer_keeps_the_receipt_code_encrypted(api: JsonClient) -> None:
    code = _file(api, "retry-4").json()["receipt_code"]
    assert code not in json.dumps(IdempotencyRecord.objects.get(key="retry-4").response)
    assert tables_containing(code) == []
    assert _file(api, "retry-4").json()["receipt_code"] == code


@pytest.mark.usefixtures("policy")
def test_a_refused_request_stores_nothing(api: JsonClient) -> None:
    refused = _file(api, "retry-5", {**BODY, "country": "XX"})
    assert refused.status_code == 422
    assert not IdempotencyRecord.objects.exists()
    # The corrected request may then use the same key.
    assert _file(api, "retry-5").status_code == 201


@pytest.mark.parametrize("key", ["", "k" * 201, "line\nbreak"])
def test_malformed_keys_are_refused(api: JsonClient, key: str, db: None) -> None:
    response = api.post("/complaints", BODY, headers={KEY: key})
    assert response.status_code in (400, 422)
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert not Complaint.objects.exists()


@pytest.mark.usefixtures("policy")
def test_a_key_of_200_characters_is_accepted(api: JsonClient) -> None:
    assert _file(api, "k" * 200).status_code == 201


# --- Concurrent retries against a real server ----------------------------------------------------

WORKERS = 4
THREADS = 2
RACERS = 8
STARTUP_SECONDS = 60.0


@dataclass(frozen=True)
class RaceServer:
    url: str
    backend: str
    database: str  # a SQLite path, or a PostgreSQL URL

    def count(self, table: str) -> int:
        query = f"SELECT count(*) FROM {table}"
        if self.backend == "sqlite":
            with sqlite3.connect(self.database) as db:
                return int(db.execute(query).fetchone()[0])
        import psycopg

        with psycopg.connect(self.database) as db:
            row = db.execute(query).fetchone()
            assert row is not None
            return int(row[0])


def _postgres_admin_url() -> str:
    db = django_settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"


@pytest.fixture(
    scope="module",
    params=["sqlite", "postgresql"],
)
def race_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RaceServer]:
    """A production-like node in its own processes, on a database of its own (committed data,
    real concurrency): SQLite always, PostgreSQL too when the suite runs on PostgreSQL."""
    backend = str(request.param)
    engine = django_settings.DATABASES["default"]["ENGINE"]
    if backend == "postgresql" and "postgresql" not in engine:
        pytest.skip("the suite runs on SQLite; the PostgreSQL race runs with DATABASE_URL set")
    var_dir = tmp_path_factory.mktemp(f"api-race-{backend}")
    name = f"insaf_api_race_{secrets.token_hex(4)}"
    if backend == "sqlite":
        database = str(var_dir / "insaf.sqlite3")
        database_url = f"sqlite:///{database}"
    else:
        import psycopg

        with psycopg.connect(f"{_postgres_admin_url()}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        database = database_url = f"{_postgres_admin_url()}/{name}"
    env = server_env(
        var_dir,
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "api-race-test-secret-key-0123456789-abcdefghijklmnop",
            "INSAF_ENCRYPTION_KEYS": "t1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            "ALLOWED_HOSTS": "127.0.0.1",
            "INSAF_SSL_REDIRECT": "0",
            "INSAF_RATE_FILE": "off",
            "INSAF_RATE_TRACK": "off",
        },
    )
    process = None
    try:
        insaf_ok(env, "migrate", "--no-input", "-v", "0")
        process, url = start_gunicorn(
            var_dir, env, workers=WORKERS, threads=THREADS, startup_seconds=STARTUP_SECONDS
        )
        yield RaceServer(url=url, backend=backend, database=database)
    finally:
        if process is not None:
            stop_gunicorn(process)
        if backend == "postgresql":
            import psycopg

            with psycopg.connect(f"{_postgres_admin_url()}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _race(url: str, key: str, body: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """RACERS requests with one key, released together."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    data = json.dumps(body).encode()
    barrier = threading.Barrier(RACERS)
    results: list[tuple[int, dict[str, Any]]] = []
    lock = threading.Lock()

    def send() -> None:
        request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1, our own server)
            f"{url}/api/v1/complaints",
            data=data,
            method="POST",
            headers={"Content-Type": "application/json", KEY: key, "Accept-Language": "en"},
        )
        barrier.wait(timeout=30)
        try:
            with opener.open(request, timeout=60) as response:
                result = (response.status, json.loads(response.read()))
        except urllib.error.HTTPError as error:
            result = (error.code, json.loads(error.read() or b"{}"))
        with lock:
            results.append(result)

    threads = [threading.Thread(target=send) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_concurrent_retries_file_exactly_one_case(race_server: RaceServer) -> None:
    for round_number in range(3):
        key = f"race-{round_number}-{secrets.token_hex(8)}"
        cases_before = race_server.count("complaints_complaint")
        results = _race(race_server.url, key, {**BODY, "place": f"round {round_number}"})
        assert len(results) == RACERS
        assert {status for status, _ in results} == {201}, results
        assert len({json.dumps(body, sort_keys=True) for _, body in results}) == 1, results
        reference = results[0][1]["reference"]
        assert reference.startswith("JO-")
        assert len(results[0][1]["receipt_code"]) == 16
        assert race_server.count("complaints_complaint") == cases_before + 1
    assert race_server.count("complaints_idempotencyrecord") == 3


def test_old_keys_are_forgotten(db: None) -> None:
    import datetime as dt

    from django.utils import timezone

    from insaf.api.idempotency import purge_expired
    from insaf.complaints.models import IdempotencyRecord

    now = timezone.now()
    for key, age in (("old", dt.timedelta(days=8)), ("recent", dt.timedelta(days=1))):
        IdempotencyRecord.objects.create(
            key=key, request_hash="x" * 64, status_code=201, response={}, created_at=now - age
        )
    assert purge_expired(now=now) == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]
