"""A concept lexicon file edited by hand into a wrong shape never stops a citizen from filing,
nor staff from searching: the case is indexed without concepts and found by its words, and a
reindex gives it its concepts once the file is corrected."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from insaf.accounts.models import User
from insaf.accounts.roles import Role
from insaf.complaints.models import CountryPolicy
from insaf.search import concepts
from insaf.search.indexing import stale_entries
from insaf.search.models import SearchEntry
from tests.api.conftest import JsonClient, Staff
from tests.conftest import Org, sign_in_with_second_factor

pytestmark = pytest.mark.django_db

BRIBE = "طلب الموظف الرشوة مقابل إنهاء معاملة رخصة القيادة في دائرة السير"


@pytest.fixture
def broken_data(tmp_path: Path, settings: SettingsWrapper) -> Iterator[Path]:
    """A copy of data/ whose conduct.csv ends with a row in an unknown language, read by a
    process that has built no concept layer yet."""
    data = tmp_path / "data"
    shutil.copytree(Path(settings.INSAF_DATA_DIR) / "concepts", data / "concepts")
    with (data / "concepts" / "conduct.csv").open("a", encoding="utf-8") as handle:
        handle.write("bribery,xx,رشوة,\n")
    settings.INSAF_DATA_DIR = data
    concepts.forget()
    yield data
    concepts.forget()


def test_a_broken_lexicon_file_does_not_stop_filing_or_search(
    broken_data: Path,
    api: JsonClient,
    policy: CountryPolicy,
    jordan: Org,
    staff_api: Callable[[User], Staff],
    caplog: pytest.LogCaptureFixture,
) -> None:
    lines = len((broken_data / "concepts" / "conduct.csv").read_text("utf-8").splitlines())
    with caplog.at_level(logging.ERROR, logger="insaf.search.concepts"):
        response = api.post("/complaints", {"text": BRIBE, "country": "JO", "anonymous": True})
    assert response.status_code == 201, response.content
    reference = response.json()["reference"]
    # Indexed by its words, without the concepts the lexicon would have added.
    entry = SearchEntry.objects.get(complaint__reference=reference)
    assert concepts.concept_token("bribery") not in entry.alt.split()
    # The operators are told which file and line, and what is wrong there.
    assert f"conduct.csv, line {lines}: unknown lang 'xx'" in caplog.text
    admin = staff_api(jordan.staff[Role.NATIONAL_ADMIN])
    found = admin.get("/search", {"q": "الرشوة"})
    assert found.status_code == 200, found.content
    assert [item["reference"] for item in found.json()["items"]] == [reference]
    # A word that only the lexicon ties to the case finds nothing, and fails nothing.
    nothing = admin.get("/search", {"q": "برطيل"})
    assert nothing.status_code == 200 and nothing.json()["items"] == []
    page = sign_in_with_second_factor(Client(), jordan.staff[Role.UNIT_HEAD])
    assert page.get("/work/", {"q": "الرشوة"}).status_code == 200
    # Once the file is corrected (a process that starts now reads it), the case indexed without
    # concepts counts as stale, and a reindex gives it the concept: "برطيل" finds it.
    conduct = broken_data / "concepts" / "conduct.csv"
    conduct.write_text(
        "".join(conduct.read_text("utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8"
    )
    concepts.forget()
    assert stale_entries() == 1
    call_command("search", "reindex", "--no-progress", stdout=StringIO(), stderr=StringIO())
    entry.refresh_from_db()
    assert concepts.concept_token("bribery") in entry.alt.split()
    found = admin.get("/search", {"q": "برطيل"}).json()["items"]
    assert [item["reference"] for item in found] == [reference]
