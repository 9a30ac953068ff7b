"""Rate limits on the public endpoints: per client address, fixed windows counted in the database
(in Redis with REDIS_URL) and so shared by every process, 429 with Retry-After when over;
configured by INSAF_RATE_FILE and INSAF_RATE_TRACK."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, RequestFactory

from insaf.api import ratelimit
from insaf.api.errors import RateLimited
from insaf.api.ratelimit import Rate, client_address, parse_rate
from insaf.complaints.models import Complaint
from tests.api.conftest import API, PASSPORT, Filed, JsonClient

FileAnonymous = Callable[..., Filed]
BODY = {"text": PASSPORT, "country": "JO", "anonymous": True}


def _post(path: str, body: Any, address: str) -> Any:
    return Client(REMOTE_ADDR=address).post(
        API + path, body, content_type="application/json", headers={"Accept-Language": "en"}
    )


@pytest.mark.usefixtures("policy")
def test_filing_limit(settings: Any) -> None:
    settings.INSAF_RATE_FILE = "2/hour"
    assert _post("/complaints", BODY, "203.0.113.7").status_code == 201
    assert _post("/complaints", BODY, "203.0.113.7").status_code == 201
    refused = _post("/complaints", BODY, "203.0.113.7")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert set(refused.json()["error"]) == {"code", "message", "fields"}
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert Complaint.objects.count() == 2
    # Another address has its own count; tracking has its own bucket.
    assert _post("/complaints", BODY, "203.0.113.8").status_code == 201


@pytest.mark.usefixtures("policy")
def test_every_tracking_attempt_counts(settings: Any, file_anonymous: FileAnonymous) -> None:
    filed = file_anonymous()
    settings.INSAF_RATE_TRACK = "3/minute"
    address = "198.51.100.20"
    wrong = {"reference": filed.reference, "receipt_code": "1" * 16}
    assert _post("/track", wrong, address).status_code == 404
    assert _post("/track/withdraw", wrong, address).status_code == 404
    assert _post("/track/info", {"garbage": True}, address).status_code == 422
    refused = _post("/track", filed.credentials(), address)  # even the right code, now
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert _post("/track/feedback", filed.credentials(rating=5), address).status_code == 429
    assert Complaint.objects.get(reference=filed.reference).status == "registered"
    assert _post("/track", filed.credentials(), "198.51.100.21").status_code == 200


def test_malformed_attempts_count_too(settings: Any, db: None) -> None:
    settings.INSAF_RATE_FILE = "1/minute"
    assert _post("/complaints", "{oops", "192.0.2.1").status_code == 400
    assert _post("/complaints", BODY, "192.0.2.1").status_code == 429


@pytest.mark.usefixtures("policy")
def test_off_means_no_limit(settings: Any) -> None:
    settings.INSAF_RATE_FILE = "off"
    for _ in range(5):
        assert _post("/complaints", BODY, "192.0.2.2").status_code == 201


def test_staff_endpoints_are_not_limited_by_these_buckets(
    settings: Any, api: JsonClient, jordan: Any
) -> None:
    from insaf.accounts.roles import Role
    from tests.api.conftest import bearer

    settings.INSAF_RATE_TRACK = "1/hour"
    settings.INSAF_RATE_FILE = "1/hour"
    headers = bearer(jordan.staff[Role.UNIT_HEAD])
    for _ in range(3):
        assert api.get("/cases", headers=headers).status_code == 200


def test_the_window_resets(settings: Any, db: None) -> None:
    settings.INSAF_RATE_TRACK = "2/minute"
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.3")
    start = 1_000_040.0  # 20 s into a minute window (windows start at multiples of 60 s)
    ratelimit.hit("track", request, now=start)
    ratelimit.hit("track", request, now=start + 1)
    with pytest.raises(RateLimited) as refused:
        ratelimit.hit("track", request, now=start + 2)
    assert refused.value.headers["Retry-After"] == "38"
    ratelimit.hit("track", request, now=start + 40)  # the next minute


def test_counts_are_kept_in_the_database(settings: Any, db: None) -> None:
    """Not in the process's memory: a count survives the cache, and a window that has ended is
    deleted when a new one starts."""
    from django.core.cache import cache

    from insaf.core.models import RateCount

    settings.INSAF_RATE_TRACK = "2/minute"
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.4")
    start = 2_000_000.0
    ratelimit.hit("track", request, now=start)
    ratelimit.hit("track", request, now=start + 1)
    cache.clear()
    with pytest.raises(RateLimited):
        ratelimit.hit("track", request, now=start + 2)
    assert list(RateCount.objects.values_list("count", flat=True)) == [3]
    ratelimit.hit("track", request, now=start + 200)  # a later window: the ended one goes
    assert list(RateCount.objects.values_list("count", flat=True)) == [1]


# Several processes on one database (a node's gunicorn workers), each attempting in turn.
_ATTEMPTS = """
import sys
import django
django.setup()
from django.test import RequestFactory
from insaf.api import ratelimit
from insaf.api.errors import RateLimited
request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.9")
accepted = 0
for _ in range(int(sys.argv[1])):
    try:
        ratelimit.hit("track", request)
        accepted += 1
    except RateLimited:
        pass
print(accepted)
"""


def test_every_process_shares_the_count(tmp_path: Path) -> None:
    """Three processes each try five times against a limit of six: six are accepted in all, not
    six in each (as a count kept in each process's memory would allow)."""
    from tests.servers import insaf_ok, server_env

    env = server_env(
        tmp_path,
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'insaf.sqlite3'}",
            "SECRET_KEY": "rate-test-secret-key-0123456789-abcdefghijklmnopq",
            "INSAF_ENCRYPTION_KEYS": "t1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            "ALLOWED_HOSTS": "127.0.0.1",
            "INSAF_RATE_TRACK": "6/hour",
        },
    )
    insaf_ok(env, "migrate", "--no-input", "-v", "0")
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _ATTEMPTS, "5"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    accepted = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        accepted.append(int(out))
    assert sum(accepted) == 6, accepted


@pytest.mark.parametrize(
    "value,rate",
    [
        ("30/hour", Rate(30, 3600)),
        ("1/second", Rate(1, 1)),
        ("5/minute", Rate(5, 60)),
        ("1000/day", Rate(1000, 86400)),
        (" OFF ", None),
    ],
)
def test_parse_rate(value: str, rate: Rate | None) -> None:
    assert parse_rate(value) == rate


@pytest.mark.parametrize(
    "value", ["", "30", "0/hour", "30/week", "thirty/hour", "٣/hour", "-1/day"]
)
def test_parse_rate_refuses_nonsense(value: str) -> None:
    with pytest.raises(ValueError):
        parse_rate(value)


def test_client_address(settings: Any) -> None:
    factory = RequestFactory()
    forwarded = factory.get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.4"
    )
    settings.INSAF_PROXY_COUNT = 0
    assert client_address(forwarded) == "10.0.0.5"  # X-Forwarded-For is not trusted by default
    settings.INSAF_PROXY_COUNT = 1
    assert client_address(forwarded) == "203.0.113.4"  # what our one proxy saw
    settings.INSAF_PROXY_COUNT = 2
    assert client_address(forwarded) == "198.51.100.9"
    settings.INSAF_PROXY_COUNT = 0
    one = factory.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    same_block = factory.get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::7")
    other_block = factory.get("/", REMOTE_ADDR="2001:db8:1:3::1")
    assert client_address(one) == client_address(same_block) == "2001:db8:1:2::/64"
    assert client_address(other_block) != client_address(one)
    assert client_address(factory.get("/", REMOTE_ADDR="::ffff:192.0.2.1")) == "192.0.2.1"


PROBE = (
    "import insaf.settings as s; print(s.INSAF_RATE_FILE, s.INSAF_RATE_TRACK, s.INSAF_PROXY_COUNT)"
)


def _start(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INSAF_", "DATABASE_URL"))}
    env.update(
        SECRET_KEY="x" * 50,
        INSAF_ENCRYPTION_KEYS="k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        ALLOWED_HOSTS="insaf.example",
        INSAF_COUNTRY="JO",
        INSAF_VAR_DIR=str(tmp_path),
        **overrides,
    )
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=False
    )


def test_settings_defaults_and_values(tmp_path: Path) -> None:
    default = _start(tmp_path)
    assert default.returncode == 0, default.stderr
    assert default.stdout.split() == ["30/hour", "20/hour", "0"]
    custom = _start(
        tmp_path, INSAF_RATE_FILE="Off", INSAF_RATE_TRACK="5/Minute", INSAF_PROXY_COUNT="1"
    )
    assert custom.returncode == 0, custom.stderr
    assert custom.stdout.split() == ["off", "5/minute", "1"]


@pytest.mark.parametrize(
    "name,value",
    [
        ("INSAF_RATE_FILE", "30 per hour"),
        ("INSAF_RATE_FILE", "0/hour"),
        ("INSAF_RATE_TRACK", "20/fortnight"),
        ("INSAF_RATE_TRACK", "/hour"),
        ("INSAF_PROXY_COUNT", "-1"),
        ("INSAF_PROXY_COUNT", "one"),
    ],
)
def test_bad_settings_stop_start_up(tmp_path: Path, name: str, value: str) -> None:
    result = _start(tmp_path, **{name: value})
    assert result.returncode != 0
    assert "ConfigurationError" in result.stderr
    assert name in result.stderr
