"""Data migrations of the search app: their functions, run on the current models."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from insaf.search.models import ConceptTerm, LexiconRevision, SearchEntry
from tests.search.conftest import FileCase

pytestmark = pytest.mark.django_db

kinds = importlib.import_module("insaf.search.migrations.0006_kinds_of_documents")


def _rows() -> set[tuple[str, str, bool]]:
    return set(ConceptTerm.objects.values_list("concept", "text", "active"))


def test_the_kinds_of_documents_move_the_loaded_terms_and_back() -> None:
    now = timezone.now()
    for concept, lang, text in [
        ("documents", "en", "passport"),
        ("documents", "ar", "رخصة"),
        ("documents", "ar", "ورقة من المختار"),  # an administrator's own term
        ("bribery", "ar", "ادهن السير"),
        ("bribery", "ar", "دهن السير"),
    ]:
        ConceptTerm.objects.create(concept=concept, lang=lang, text=text, changed_at=now)
    LexiconRevision.objects.update_or_create(pk=1, defaults={"number": 7})
    kinds.forwards(apps, None)
    assert _rows() == {
        ("passport", "passport", True),
        ("driving_licence", "رخصة", True),
        ("documents", "ورقة من المختار", True),
        ("bribery", "ادهن السير", False),
        ("bribery", "دهن السير", True),
    }
    assert LexiconRevision.objects.get(pk=1).number == 8  # running processes reload
    kinds.backwards(apps, None)
    assert _rows() == {
        ("documents", "passport", True),
        ("documents", "رخصة", True),
        ("documents", "ورقة من المختار", True),
        ("bribery", "ادهن السير", True),
        ("bribery", "دهن السير", True),
    }


def test_a_term_already_under_its_kind_is_not_written_twice() -> None:
    now = timezone.now()
    ConceptTerm.objects.create(concept="documents", lang="en", text="passport", changed_at=now)
    ConceptTerm.objects.create(concept="passport", lang="en", text="passport", changed_at=now)
    kinds.forwards(apps, None)
    assert _rows() == {("documents", "passport", False), ("passport", "passport", True)}


def test_a_lexicon_still_read_from_the_files_is_left_alone() -> None:
    kinds.forwards(apps, None)
    assert not ConceptTerm.objects.exists()
    assert not LexiconRevision.objects.filter(number__gt=0).exists()


collisions = importlib.import_module("insaf.search.migrations.0007_lexicon_collisions")


def test_the_disability_terms_that_met_common_words_are_switched_off_and_back() -> None:
    now = timezone.now()
    for lang, text in [("ar", "أبكم"), ("ar-ma", "عمى"), ("ar", "أصم")]:
        ConceptTerm.objects.create(concept="disability", lang=lang, text=text, changed_at=now)
    LexiconRevision.objects.update_or_create(pk=1, defaults={"number": 3})
    collisions.forwards(apps, None)
    assert _rows() == {
        ("disability", "أبكم", False),
        ("disability", "عمى", False),
        ("disability", "أصم", True),
    }
    assert LexiconRevision.objects.get(pk=1).number == 4
    collisions.backwards(apps, None)
    assert {active for _, _, active in _rows()} == {True}
    collisions.forwards(apps, None)  # and nothing while the lexicon is read from the files
    ConceptTerm.objects.all().delete()
    collisions.forwards(apps, None)
    assert not ConceptTerm.objects.exists()


entry_dates = importlib.import_module("insaf.search.migrations.0008_entry_received_at")


def test_the_entries_written_before_are_given_their_cases_received_date(
    file_case: FileCase,
) -> None:
    received = dt.datetime(2025, 3, 31, 22, 30, tzinfo=dt.UTC)
    case = file_case("طلب الموظف رشوة لتجديد جواز السفر", received_at=received)
    SearchEntry.objects.filter(complaint=case).update(received_at=None)
    entry_dates.fill(apps, SimpleNamespace(connection=connection))
    assert SearchEntry.objects.get(complaint=case).received_at == received


id_ranges = importlib.import_module("insaf.search.migrations.0011_entry_id_ranges")


def _id_ranges_index() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes "
            "WHERE tablename = 'search_entry' AND indexname = 'search_entry_id_ranges'"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def test_postgresql_keeps_the_ranges_of_ids_of_the_entries_pages() -> None:
    """On PostgreSQL the entries' key has a BRIN index (a search's range of the newest entries
    is intersected with the GIN index's matches through it); the migration drops it going back
    and creates it again. SQLite has none: the migration does nothing there."""
    editor = connection.schema_editor()
    if connection.vendor != "postgresql":
        id_ranges.forwards(apps, editor)
        id_ranges.backwards(apps, editor)
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'search_entry_id_ranges'")
            assert cursor.fetchone() is None
        return
    definition = _id_ranges_index()
    assert definition is not None and "USING brin (complaint_id)" in definition
    assert "pages_per_range='64'" in definition
    id_ranges.backwards(apps, editor)
    assert _id_ranges_index() is None
    id_ranges.forwards(apps, editor)
    assert _id_ranges_index() == definition
