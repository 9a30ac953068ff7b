"""No identity in plain text at rest: the raw SQLite file (with its WAL) and PostgreSQL's tables.

A case is filed by a separate process into a database of its own, so that the data is really
committed and written out, then the bytes are searched for the test phone number and name.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import run_insaf

PHONE_DIGITS = "791234567"
NAME = "زينب المحمود"

FILE_A_CASE = f"""
import django
django.setup()
from django.conf import settings
settings.DEMO = True
from insaf.core.demo import load_demo
load_demo("JO")
from insaf.complaints.services import PersonInput, complaint_submit
complaint_submit(
    country="JO",
    text="تأخر إصدار جواز السفر ثلاثة أشهر ولم يرد أحد على اتصالاتي",
    channel="web",
    anonymous=False,
    complainant=PersonInput(name="{NAME}", phone="07{PHONE_DIGITS[2:]}", national_id="9981234567"),
)
"""


def test_no_plaintext_identity_at_rest(own_database: dict[str, str]) -> None:
    assert run_insaf(own_database, "migrate", "-v", "0").returncode == 0
    filed = subprocess.run(
        [sys.executable, "-c", FILE_A_CASE],
        env=own_database,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert filed.returncode == 0, filed.stderr
    url = own_database["DATABASE_URL"]
    needles = [PHONE_DIGITS.encode(), NAME.encode(), b"9981234567"]
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert b"JO-" in raw  # the case itself is there
        for needle in needles:
            assert needle not in raw, needle
    else:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
            for table in (
                "complaints_person",
                "complaints_complaint",
                "notifications_outboxmessage",
            ):
                text = str(conn.execute(f"SELECT t::text FROM {table} t").fetchall())
                for needle in needles:
                    assert needle.decode() not in text, (table, needle)
