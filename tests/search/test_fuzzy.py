"""Fuzzy matching: names and misspellings find the cases spelt differently, after the exact ones."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from insaf.accounts.roles import Role
from insaf.complaints.models import Complaint
from insaf.search import fuzzy
from insaf.search.models import SearchTerm
from insaf.search.query import parse
from insaf.search.services import FUZZY_BELOW, search
from tests.conftest import Org, make_staff
from tests.search.conftest import FileCase

pytestmark = pytest.mark.django_db

ZAHRANI = "صادر الضابط سلطان الزهراني هاتفي في نقطة التفتيش دون محضر"
# The same name misspelt (ت for ن): the analyser's skeletons do not bring the two together.
ZAHRATI = "اعتدى علي الرقيب سلطان الزهراتي بالضرب أمام الناس"
PASSPORT = "I waited four months for my passport renewal and nobody answered"


def refs(text: str, **kwargs: object) -> list[tuple[str, bool]]:
    hits = search(text, user=None, limit=20, **kwargs).hits  # type: ignore[arg-type]
    return [(hit.complaint.reference, hit.exact) for hit in hits]


def test_trigrams_and_similarity_are_pg_trgms() -> None:
    assert fuzzy.trigrams("abc") == {"  a", " ab", "abc", "bc "}
    # One letter changed in a five-letter stem: three of six trigrams shared, 3 / 9.
    assert fuzzy.similarity("زهران", "ظهران") == pytest.approx(1 / 3)
    assert fuzzy.similarity("passport", "passport") == 1.0
    if connection.vendor == "postgresql":
        pairs = [("زهران", "ظهران"), ("passport", "pasport"), ("محمد", "مهمد"), ("abc", "xyz")]
        with connection.cursor() as cursor:
            for a, b in pairs:
                cursor.execute("SELECT similarity(%s, %s)", [a, b])
                assert cursor.fetchone()[0] == pytest.approx(fuzzy.similarity(a, b), abs=1e-6)


def test_the_vocabulary_holds_the_words_of_filed_cases(file_case: FileCase) -> None:
    file_case(ZAHRANI + " رقم ٠٧٩٥٥٥١٢٣٤")
    terms = set(SearchTerm.objects.values_list("term", flat=True))
    assert "زهراني" in terms  # the spelling, folded, without its article
    assert not any(t.isdigit() or any(c.isdigit() for c in t) for t in terms)  # no numbers
    assert all(fuzzy.MIN_LENGTH <= len(t) <= fuzzy.MAX_LENGTH for t in terms)
    # A second case with the same words adds nothing.
    before = SearchTerm.objects.count()
    file_case(ZAHRANI)
    assert SearchTerm.objects.count() == before


def test_a_misspelt_name_finds_the_case(file_case: FileCase) -> None:
    zahrani = file_case(ZAHRANI)
    assert refs("الزهرانى") == [(zahrani.reference, True)]  # normalised, not fuzzy
    assert refs("الزحراني") == [(zahrani.reference, True)]  # the skeleton: not fuzzy
    assert refs("الزهراتي") == [(zahrani.reference, False)]  # one letter wrong
    assert refs("الزهرلني") == [(zahrani.reference, False)]
    assert refs("الكرماني") == []  # nothing like it


def test_a_misspelt_english_word_finds_the_case(file_case: FileCase) -> None:
    case = file_case(PASSPORT)
    assert refs("paszport") == [(case.reference, False)]
    assert refs("passwort") == [(case.reference, False)]


def test_exact_matches_come_before_similar_spellings(file_case: FileCase) -> None:
    zahrati = file_case(ZAHRATI)
    zahrani = file_case(ZAHRANI)
    # Each name finds itself first, then the other, similarly spelt.
    assert refs("الزهراني") == [(zahrani.reference, True), (zahrati.reference, False)]
    assert refs("الزهراتي") == [(zahrati.reference, True), (zahrani.reference, False)]
    # The snippet of a similar spelling marks the word that matched.
    hits = search("الزهراتي", user=None).hits
    assert "<mark>الزهراني</mark>" in hits[1].snippet


def test_no_fuzzy_expansion_when_the_word_is_common(file_case: FileCase) -> None:
    cases = [file_case(f"{ZAHRANI} مرة {n}") for n in range(FUZZY_BELOW)]
    file_case(ZAHRATI)
    found = refs("الزهراني")
    assert len(found) == FUZZY_BELOW and all(exact for _, exact in found)
    assert {ref for ref, _ in found} == {c.reference for c in cases}


def test_pages_of_a_fuzzy_search_are_consistent(file_case: FileCase) -> None:
    zahrati = file_case(ZAHRATI)
    zahrani = file_case(ZAHRANI)
    first = search("الزهراني", user=None, limit=1).hits
    second = search("الزهراني", user=None, limit=1, offset=1).hits
    assert [(h.complaint, h.exact) for h in first + second] == [
        (zahrani, True),
        (zahrati, False),
    ]


def test_phrases_prefixes_and_exclusions_are_not_expanded(file_case: FileCase) -> None:
    file_case(ZAHRANI)
    query = parse('"سلطان الزهراتي" الزهرات* -الزهرلني')
    assert fuzzy.expand(query) is None
    assert refs('"سلطان الزهراتي"') == []


def test_fuzzy_matches_stay_in_the_users_scope(jordan: Org, file_case: FileCase) -> None:
    zahrani = file_case(ZAHRANI)
    about_them = file_case(ZAHRATI, unit_complained_about_id=jordan.sibling_unit.pk)
    outsider = make_staff("outsider", Role.INVESTIGATOR, jordan, unit=jordan.other_unit)
    sibling = make_staff("sibling", Role.UNIT_HEAD, jordan, unit=jordan.sibling_unit)
    admin = jordan.staff[Role.NATIONAL_ADMIN]
    assert search("الزهراتي", user=outsider).hits == []
    assert about_them not in {h.complaint for h in search("الزهراني", user=sibling).hits}
    assert [h.complaint for h in search("الزهراني", user=admin).hits] == [zahrani, about_them]


def test_reindex_rebuilds_the_vocabulary(file_case: FileCase) -> None:
    file_case(ZAHRANI)
    SearchTerm.objects.all().delete()
    call_command("search", "reindex", "--no-progress", stdout=StringIO())
    assert SearchTerm.objects.filter(term="زهراني").exists()
    assert refs("الزهراتي") != []


def test_cli_and_api_say_which_matches_are_similar_spellings(file_case: FileCase) -> None:
    case = file_case(ZAHRANI)
    out = StringIO()
    call_command("search", "الزهراتي", "--json", stdout=out)
    (row,) = json.loads(out.getvalue())
    assert row["reference"] == case.reference and row["exact"] is False
    out = StringIO()
    call_command("search", "الزهراتي", stdout=out)
    assert "(similar spelling)" in out.getvalue()
    assert Complaint.objects.count() == 1
