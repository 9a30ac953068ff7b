"""Configuration mistakes stop the process at start-up with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from insaf.env import ConfigurationError
from insaf.keys import generate_key, parse_encryption_keys

GOOD = {
    "SECRET_KEY": "x" * 50,
    "INSAF_ENCRYPTION_KEYS": "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    "ALLOWED_HOSTS": "insaf.example",
    "INSAF_COUNTRY": "JO",
}
PROBE = (
    "import insaf.settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.INSAF_COUNTRY, s.HUEY['huey_class'], "
    "s.PASSWORD_HASHERS[0].rsplit('.', 1)[1], s.SESSION_COOKIE_SECURE)"
)


def _start(tmp_path: Path, **overrides: str | None) -> subprocess.CompletedProcess[str]:
    return _run(tmp_path, PROBE, overrides)


def _run(
    tmp_path: Path, probe: str, overrides: dict[str, str | None]
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INSAF_", "DATABASE_URL"))}
    env.pop("SECRET_KEY", None)
    env.pop("ALLOWED_HOSTS", None)
    env.update(GOOD, INSAF_VAR_DIR=str(tmp_path))
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
    )


def test_good_production_configuration_starts(tmp_path: Path) -> None:
    result = _start(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "JO",
        "huey.SqliteHuey",
        "Argon2PasswordHasher",
        "True",
    ]


def test_redis_url_moves_jobs_and_cache_to_redis(tmp_path: Path) -> None:
    result = _start(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[2] == "huey.RedisHuey"


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short"}, "at least 32 characters"),
        ({"INSAF_ENCRYPTION_KEYS": None}, "INSAF_ENCRYPTION_KEYS is not set"),
        ({"INSAF_ENCRYPTION_KEYS": "k1:c2hvcnQ="}, "it must be 32"),
        ({"INSAF_ENCRYPTION_KEYS": "no-colon"}, "not of the form ID:BASE64"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS is not set"),
        ({"INSAF_COUNTRY": None}, "INSAF_COUNTRY is not set"),
        ({"INSAF_COUNTRY": "XX"}, "'XX' is not a member state"),
        ({"INSAF_MODE": "global"}, "INSAF_MODE must be"),
        ({"INSAF_REQUIRE_2FA": "0"}, "only with INSAF_DEMO=1"),
        ({"INSAF_DEMO": "maybe"}, "INSAF_DEMO must be one of"),
        ({"DATABASE_URL": "mysql://root@localhost/insaf"}, "SQLite or PostgreSQL only"),
        ({"DATABASE_URL": "nonsense://x"}, "DATABASE_URL is not understood"),
        ({"INSAF_SESSION_SECONDS": "eight hours"}, "INSAF_SESSION_SECONDS must be a whole number"),
        ({"INSAF_FILES_URL": "/srv/insaf/files"}, "INSAF_FILES_URL='/srv/insaf/files' is not"),
    ],
)
def test_mistakes_stop_start_up(
    tmp_path: Path, overrides: dict[str, str | None], message: str
) -> None:
    result = _start(tmp_path, **overrides)
    assert result.returncode != 0
    assert "ConfigurationError" in result.stderr
    assert message in result.stderr


def test_files_url_moves_case_files_to_an_object_store(tmp_path: Path) -> None:
    probe = "import insaf.settings as s; print(s.STORAGES['default']['BACKEND'])"
    result = _run(tmp_path, probe, {"INSAF_FILES_URL": "s3://insaf-files/jo"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "storages.backends.s3.S3Storage"
    assert _start(tmp_path).returncode == 0


def test_secretariat_needs_no_country(tmp_path: Path) -> None:
    result = _start(tmp_path, INSAF_MODE="secretariat", INSAF_COUNTRY=None)
    assert result.returncode == 0, result.stderr


def test_demo_generates_and_keeps_its_secrets(tmp_path: Path) -> None:
    first = _start(tmp_path, INSAF_DEMO="1", SECRET_KEY=None, INSAF_ENCRYPTION_KEYS=None)
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    second = _start(tmp_path, INSAF_DEMO="1", SECRET_KEY=None, INSAF_ENCRYPTION_KEYS=None)
    assert second.returncode == 0
    assert (tmp_path / "secret_key").read_text() == key
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_postgres_url_selects_postgresql(tmp_path: Path) -> None:
    result = _start(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:5432/insaf")
    assert result.stdout.split()[0] == "django.db.backends.postgresql"


def test_parse_keys_keeps_order_newest_first() -> None:
    raw = ",".join([generate_key("k2"), generate_key("k1")])
    keys = parse_encryption_keys(raw)
    assert list(keys) == ["k2", "k1"]
    assert all(len(value) == 32 for value in keys.values())


def test_parse_keys_refuses_repeated_ids() -> None:
    with pytest.raises(ConfigurationError, match="repeats"):
        parse_encryption_keys(f"{generate_key('a')},{generate_key('a')}")


def test_keys_generate_works_without_any_configuration(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INSAF_", "SECRET_KEY"))}
    result = subprocess.run(
        [sys.executable, "-m", "insaf.cli", "keys", "generate", "k7"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip()
    assert key.startswith("k7:")
    assert list(parse_encryption_keys(key)) == ["k7"]


def test_key_ids_must_fit_in_a_token() -> None:
    with pytest.raises(ConfigurationError, match="letters, digits"):
        parse_encryption_keys("my key:" + generate_key("x").split(":", 1)[1])


@pytest.mark.django_db
def test_sqlite_commits_reach_the_disk_before_they_are_acknowledged() -> None:
    """synchronous=FULL: in WAL mode NORMAL lets a power cut take back the last commits, and
    with them complaints whose filers already hold a reference."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's pragmas")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "insaf: INSAF_PROXY_COUNT must be 0 or more; got -1.\n"),
        ("ar", "insaf: يجب أن تكون قيمة INSAF_PROXY_COUNT صفرًا أو أكثر؛ القيمة المعطاة -1.\n"),
        ("fr", "insaf: INSAF_PROXY_COUNT doit valoir 0 ou plus ; valeur reçue : -1.\n"),
    ],
)
def test_the_insaf_command_says_a_configuration_error_in_its_language(
    tmp_path: Path, language: str, message: str
) -> None:
    # One line in the command line's language, exit status 2: no traceback.
    probe = "from insaf.cli import main; main(['insaf', 'check'])"
    result = _run(tmp_path, probe, {"INSAF_PROXY_COUNT": "-1", "INSAF_LANGUAGE": language})
    assert (result.returncode, result.stderr) == (2, message)


def test_a_configuration_error_names_its_values_in_every_language() -> None:
    error = ConfigurationError(
        "%(name)s must be a whole number; got %(raw)r.", name="INSAF_BATCH", raw="ten"
    )
    assert str(error) == "INSAF_BATCH must be a whole number; got 'ten'."
    assert error.in_language("en") == str(error)
    assert (
        error.in_language("fr") == "INSAF_BATCH doit être un nombre entier ; valeur reçue : 'ten'."
    )
    assert "INSAF_BATCH" in error.in_language("ar") and "'ten'" in error.in_language("ar")
    assert error.in_language("ar") != str(error)
