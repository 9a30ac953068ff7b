"""The concept lexicon as data: files until loaded, then the database, edited by national
administrators on the lexicon page (audited, versioned), used by search at once."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from insaf.accounts.roles import Role
from insaf.audit.models import Event
from insaf.audit.verbs import Verb
from insaf.complaints.errors import InvalidInput
from insaf.search import concepts, lexicon
from insaf.search.models import ConceptTerm, LexiconConcept
from insaf.search.services import search
from insaf.text.concepts import read_terms
from insaf.triage import store
from tests.conftest import Org, sign_in_with_second_factor
from tests.search.conftest import FileCase

pytestmark = pytest.mark.django_db

# "زيت المكينة" (engine oil, for greasing) is in no concept: the test teaches it to bribery.
NEW_WORD = "زيت المكينة"
TEXT = "طلب مني الشرطي زيت المكينة حتى يتركني أمشي"


@pytest.fixture(autouse=True)
def _fresh_layer(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every lookup checks the revision (as processes do every 30 s), and no layer built from
    this test's database outlives it."""
    monkeypatch.setattr(concepts, "CHECK_SECONDS", 0.0)
    concepts.forget()
    yield
    concepts.forget()


def test_the_files_are_the_lexicon_until_it_is_loaded(jordan: Org) -> None:
    files = read_terms(lexicon.folder())
    assert not lexicon.in_database()
    assert lexicon.lexicon_terms() == files
    out = StringIO()
    call_command("concepts", "load", stdout=out)
    assert f"Loaded {len(set(files))} terms" in out.getvalue()
    assert lexicon.in_database() and ConceptTerm.objects.count() == len(set(files))
    assert sorted(lexicon.lexicon_terms(), key=repr) == sorted(set(files), key=repr)
    assert store.lexicon_terms() == lexicon.lexicon_terms()  # triage trains on the same
    again = StringIO()
    call_command("concepts", "load", stdout=again)
    assert "Loaded 0 terms" in again.getvalue()
    assert Event.objects.filter(verb=Verb.LEXICON_LOADED).count() == 2
    assert lexicon.revision() == 2


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "bad.csv, line 3: unknown lang 'xx'"),
        ("ar", "bad.csv، السطر 3: رمز لغة غير معروف 'xx'"),
        ("fr", "bad.csv, ligne 3 : langue inconnue 'xx'"),
    ],
)
def test_a_bad_file_is_refused_in_the_command_line_language(
    tmp_path: Path,
    settings: SettingsWrapper,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    message: str,
) -> None:
    (tmp_path / "concepts").mkdir()
    (tmp_path / "concepts" / "bad.csv").write_text(
        "concept,lang,term,note\nbribery,ar,رشوة,\nbribery,xx,رشوة,\n", encoding="utf-8"
    )
    settings.INSAF_DATA_DIR = tmp_path
    monkeypatch.setenv("INSAF_LANGUAGE", language)
    with pytest.raises(CommandError) as error:
        call_command("concepts", "load", stdout=StringIO())
    assert str(error.value) == message
    assert not ConceptTerm.objects.exists()


def test_bad_terms_are_refused_and_change_nothing(jordan: Org) -> None:
    actor = jordan.staff[Role.NATIONAL_ADMIN]
    for kwargs in (
        {"concept": "nonsense", "lang": "ar", "text": "كلمة"},
        {"concept": "bribery", "lang": "xx", "text": "كلمة"},
        {"concept": "bribery", "lang": "ar", "text": " ... "},
        {"concept": "bribery", "lang": "ar", "text": "رشوة"},  # already there
    ):
        with pytest.raises(InvalidInput):
            lexicon.concept_term_add(actor=actor, **kwargs)
    assert not ConceptTerm.objects.exists()  # not even loaded from the files
    assert lexicon.revision() == 0


def test_a_new_term_finds_cases_at_once_and_can_be_switched_off(
    file_case: FileCase, jordan: Org
) -> None:
    case = file_case(TEXT)
    assert case.reference not in [h.complaint.reference for h in search("رشوة", user=None).hits]
    actor = jordan.staff[Role.NATIONAL_ADMIN]
    before = lexicon.revision()
    term = lexicon.concept_term_add(actor=actor, concept="bribery", lang="ar-lev", text=NEW_WORD)
    assert lexicon.revision() > before
    assert Event.objects.filter(verb=Verb.LEXICON_TERM_ADDED, actor=actor).exists()
    # The query side knows it at once; the case, filed before, after a reindex.
    call_command("search", "reindex", "--no-progress", stdout=StringIO(), stderr=StringIO())
    hits = search("رشوة", user=None).hits
    assert case.reference in [h.complaint.reference for h in hits]
    lexicon.concept_term_switch(actor=actor, term_id=term.pk, active=False)
    assert NEW_WORD not in {t.text for t in lexicon.lexicon_terms()}
    assert Event.objects.filter(verb=Verb.LEXICON_TERM_CHANGED).exists()
    call_command("search", "reindex", "--no-progress", stdout=StringIO(), stderr=StringIO())
    assert case.reference not in [h.complaint.reference for h in search("رشوة", user=None).hits]


def test_the_lexicon_page_is_for_national_administrators(jordan: Org) -> None:
    head = sign_in_with_second_factor(Client(), jordan.staff[Role.UNIT_HEAD])
    assert head.get("/work/lexicon/").status_code == 403
    assert head.post("/work/lexicon/load/").status_code == 403
    admin = sign_in_with_second_factor(Client(), jordan.staff[Role.NATIONAL_ADMIN])
    page = admin.get("/work/lexicon/?concept=bribery").content.decode()
    assert 'id="lexicon-files"' in page and "دهن السير" in page
    assert admin.post("/work/lexicon/load/").status_code == 302
    bad = admin.post("/work/lexicon/add/", {"concept": "bribery", "lang": "ar", "text": ""})
    assert bad.status_code == 422 and 'id="error-summary"' in bad.content.decode()
    added = admin.post(
        "/work/lexicon/add/",
        {"concept": "bribery", "lang": "ar-lev", "text": NEW_WORD, "note": "test"},
    )
    assert added.status_code == 302
    term = ConceptTerm.objects.get(text=NEW_WORD)
    assert term.changed_by == jordan.staff[Role.NATIONAL_ADMIN]
    page = admin.get("/work/lexicon/?concept=bribery").content.decode()
    assert NEW_WORD in page and 'id="lexicon-files"' not in page
    admin.post(f"/work/lexicon/{term.pk}/switch/", {"active": "0"})
    term.refresh_from_db()
    assert not term.active
    exported = admin.get("/work/lexicon/export.csv?concept=bribery").content.decode()
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0] == ["concept", "lang", "term", "note"]
    assert all(row[0] == "bribery" for row in rows[1:]) and len(rows) > 10
    assert NEW_WORD not in exported  # switched off


# Every lexicon view, with the method it answers: each refuses staff without a lexicon role and
# sends a visitor who is not signed in to the sign-in page, before it reads or changes anything.
LEXICON_VIEWS = [
    ("get", "/work/lexicon/?concept=bribery"),
    ("get", "/work/lexicon/export.csv"),
    ("post", "/work/lexicon/add/"),
    ("post", "/work/lexicon/load/"),
    ("post", "/work/lexicon/1/switch/"),
    ("post", "/work/lexicon/concepts/add/"),
    ("post", "/work/lexicon/concepts/bribery/"),
    ("post", "/work/lexicon/proposals/1/dismiss/"),
]


@pytest.mark.parametrize(("method", "url"), LEXICON_VIEWS)
def test_every_lexicon_view_is_for_its_roles_only(jordan: Org, method: str, url: str) -> None:
    form = {"concept": "bribery", "lang": "ar", "text": NEW_WORD, "active": "0"}
    head = sign_in_with_second_factor(Client(), jordan.staff[Role.UNIT_HEAD])
    assert getattr(head, method)(url, form).status_code == 403
    visitor = getattr(Client(), method)(url, form)
    assert visitor.status_code == 302 and "/login" in visitor["Location"]
    assert not ConceptTerm.objects.exists()  # nothing loaded or added
    assert not Event.objects.filter(verb__startswith="search.lexicon").exists()


def test_export_writes_files_in_the_lexicon_format(tmp_path: object, jordan: Org) -> None:
    from pathlib import Path

    target = Path(str(tmp_path)) / "export"
    call_command("concepts", "export", str(target), stdout=StringIO())
    assert sorted(read_terms(target), key=repr) == sorted(read_terms(lexicon.folder()), key=repr)


def test_bad_lexicon_files_are_named_on_the_page_and_change_nothing(
    jordan: Org, tmp_path: Path, settings: SettingsWrapper
) -> None:
    """data/concepts edited by hand into a wrong shape: the page says which file and line, in
    the administrator's language, and neither loading, adding nor exporting gives a server
    error or writes anything."""
    import shutil

    shutil.copytree(lexicon.folder(), tmp_path / "concepts")
    with (tmp_path / "concepts" / "conduct.csv").open("a", encoding="utf-8") as handle:
        handle.write("bribery,xx,رشوة,\n")
    lines = (tmp_path / "concepts" / "conduct.csv").read_text(encoding="utf-8").splitlines()
    settings.INSAF_DATA_DIR = tmp_path
    admin = sign_in_with_second_factor(Client(), jordan.staff[Role.NATIONAL_ADMIN])
    problem = f"conduct.csv، السطر {len(lines)}: رمز لغة غير معروف &#x27;xx&#x27;"
    page = admin.get("/work/lexicon/?concept=bribery", HTTP_ACCEPT_LANGUAGE="ar")
    assert page.status_code == 200 and problem in page.content.decode()
    loaded = admin.post("/work/lexicon/load/", follow=True)
    assert loaded.status_code == 200 and problem in loaded.content.decode()
    added = admin.post(
        "/work/lexicon/add/", {"concept": "bribery", "lang": "ar-lev", "text": NEW_WORD}
    )
    assert added.status_code == 422 and problem in added.content.decode()
    exported = admin.get("/work/lexicon/export.csv", follow=True)
    assert problem in exported.content.decode()
    assert not ConceptTerm.objects.exists()
    assert lexicon.revision() == 0


# A concept the shipped lexicon does not have: a curfew, and a complaint that says it in
# Levantine words the lexicon does not know either.
CURFEW_TERM = "حظر التجول"
CURFEW_TEXT = "وقفونا الساعة عشرة بالليل وقالوا في حظر التجول وأخذوا السيارة"
CURFEW = {"ar": "حظر تجول", "en": "Curfew", "fr": "Couvre-feu"}


def test_a_new_concept_finds_cases_by_its_names_and_terms(file_case: FileCase, jordan: Org) -> None:
    case = file_case(CURFEW_TEXT)
    actor = jordan.staff[Role.NATIONAL_ADMIN]
    before = lexicon.revision()
    lexicon.concept_add(actor=actor, code="curfew", names=CURFEW, labels=["category:misconduct"])
    assert lexicon.in_database()  # the first change loads the files, names included
    names = concepts.read_names(lexicon.folder() / "meta" / "names.csv")
    assert set(lexicon.concept_names()) == {*names, "curfew"}
    assert lexicon.revision() > before
    event = Event.objects.get(verb=Verb.LEXICON_CONCEPT_ADDED)
    assert event.actor == actor and event.data["labels"] == "category:misconduct"
    layer = concepts.layer()
    assert layer.concepts["curfew"].name("fr") == "Couvre-feu"
    assert layer.label_tokens("curfew") == ["zqcmisconduct"]
    lexicon.concept_term_add(actor=actor, concept="curfew", lang="ar", text=CURFEW_TERM)
    call_command("search", "reindex", "--no-progress", stdout=StringIO(), stderr=StringIO())
    for query in ("curfew", "حظر تجول", "Couvre-feu"):  # its names, in any interface language
        hits = {h.complaint.reference: h for h in search(query, user=None).hits}
        assert case.reference in hits, query
    assert hits[case.reference].reason == f"{CURFEW['ar']} — {CURFEW_TERM}"


def test_a_concept_is_renamed_and_its_labels_changed_at_once(jordan: Org) -> None:
    actor = jordan.staff[Role.NATIONAL_ADMIN]
    assert concepts.layer().label_tokens("visits") == []
    lexicon.concept_change(
        actor=actor,
        code="visits",
        names={"ar": "الزيارات العائلية", "en": "Family visits", "fr": "Visites familiales"},
        labels=["category:detention_conditions", "vulnerable:inmate", "vulnerable:inmate"],
    )
    layer = concepts.layer()
    assert layer.concepts["visits"].name("en") == "Family visits"
    assert layer.label_tokens("visits") == ["zqcdetentionconditions", "zqvinmate"]
    changed = Event.objects.get(verb=Verb.LEXICON_CONCEPT_CHANGED)
    assert changed.data["old"]["labels"] == "" and changed.data["new"]["labels"] == (
        "category:detention_conditions vulnerable:inmate"
    )
    # Its terms and the other concepts are as they were.
    assert {t.text for t in lexicon.lexicon_terms() if t.concept == "visits"} == {
        t.text for t in read_terms(lexicon.folder()) if t.concept == "visits"
    }
    assert layer.concepts["bribery"].name("en") == "bribery"
    revision = lexicon.revision()
    same = lexicon.concept_change(
        actor=actor,
        code="visits",
        names={"ar": "الزيارات العائلية", "en": "Family visits", "fr": "Visites familiales"},
        labels=["vulnerable:inmate", "category:detention_conditions"][::-1],
    )
    assert same.labels == "category:detention_conditions vulnerable:inmate"
    assert lexicon.revision() == revision  # nothing changed, nothing recorded
    assert Event.objects.filter(verb=Verb.LEXICON_CONCEPT_CHANGED).count() == 1


@pytest.mark.parametrize(
    ("code", "names", "labels", "field"),
    [
        ("Curfew", CURFEW, [], "code"),
        ("curfew2", CURFEW, [], "code"),
        ("label_curfew", CURFEW, [], "code"),
        ("bribery", CURFEW, [], "code"),  # already a concept
        ("brib_ery", CURFEW, [], "code"),  # the same index token as bribery
        ("third_party", CURFEW, [], "code"),  # a context concept
        ("curfew", {**CURFEW, "en": " "}, [], "name_en"),
        ("curfew", {**CURFEW, "fr": "x" * 81}, [], "name_fr"),
        ("curfew", {**CURFEW, "en": "Bribery"}, [], "name_en"),  # bribery's (any case)
        ("curfew", CURFEW, ["category:nonsense"], "labels"),
        ("curfew", CURFEW, ["grave:0"], "labels"),
    ],
)
def test_bad_concepts_are_refused_and_change_nothing(
    jordan: Org, code: str, names: dict[str, str], labels: list[str], field: str
) -> None:
    actor = jordan.staff[Role.NATIONAL_ADMIN]
    with pytest.raises(InvalidInput) as refused:
        lexicon.concept_add(actor=actor, code=code, names=names, labels=labels)
    assert field in refused.value.fields
    assert not lexicon.in_database() and not LexiconConcept.objects.exists()
    assert lexicon.revision() == 0


def test_a_renamed_concept_keeps_names_apart(jordan: Org) -> None:
    actor = jordan.staff[Role.NATIONAL_ADMIN]
    taken = {"ar": "رشوة", "en": "Bribes", "fr": "Pots-de-vin"}  # bribery's Arabic name
    with pytest.raises(InvalidInput) as refused:
        lexicon.concept_change(actor=actor, code="extortion", names=taken, labels=[])
    assert set(refused.value.fields) == {"name_ar"}
    with pytest.raises(InvalidInput):
        lexicon.concept_change(actor=actor, code="nonsense", names=CURFEW, labels=[])
    assert not LexiconConcept.objects.exists() and lexicon.revision() == 0
    # A concept keeps its own name when its labels change.
    own = concepts.layer().concepts["bribery"].names
    lexicon.concept_change(actor=actor, code="bribery", names=own, labels=["category:corruption"])
    assert LexiconConcept.objects.get(code="bribery").labels == "category:corruption"


def test_terms_loaded_before_concepts_were_kept_get_their_names_loaded(jordan: Org) -> None:
    """A database whose terms were loaded before concepts could be edited: names come from the
    file until a concept is changed, which loads them all first."""
    lexicon.lexicon_load(actor=None)
    LexiconConcept.objects.all().delete()
    files = concepts.read_names(lexicon.folder() / "meta" / "names.csv")
    assert lexicon.concept_names() == files
    actor = jordan.staff[Role.NATIONAL_ADMIN]
    lexicon.concept_add(actor=actor, code="curfew", names=CURFEW, labels=[])
    assert set(lexicon.concept_names()) == {*files, "curfew"}
    assert lexicon.concept_names()["bribery"] == files["bribery"]
    assert list(lexicon.concept_names())[: len(files)] == list(files)  # the file's order


def test_the_lexicon_page_adds_and_changes_concepts(jordan: Org) -> None:
    head = sign_in_with_second_factor(Client(), jordan.staff[Role.UNIT_HEAD])
    assert head.post("/work/lexicon/concepts/add/", {"new-code": "x"}).status_code == 403
    assert head.post("/work/lexicon/concepts/visits/", {}).status_code == 403
    admin = sign_in_with_second_factor(Client(), jordan.staff[Role.NATIONAL_ADMIN])
    page = admin.get("/work/lexicon/?concept=visits").content.decode()
    assert 'id="change-concept"' in page and 'id="add-concept"' in page
    fields = {
        "new-code": "curfew",
        "new-name_ar": CURFEW["ar"],
        "new-name_en": CURFEW["en"],
        "new-name_fr": "",
        "new-categories": ["category:misconduct"],
        "new-grave": ["grave:1"],
        "shown": "visits",
    }
    bad = admin.post("/work/lexicon/concepts/add/", fields)
    body = bad.content.decode()
    assert bad.status_code == 422 and 'id="error-summary"' in body and "<details open>" in body
    assert 'href="#id_new-name_fr"' in body
    assert not LexiconConcept.objects.exists()
    taken = admin.post(
        "/work/lexicon/concepts/add/",
        {**fields, "new-name_fr": CURFEW["fr"], "new-name_en": "Visits"},
    )
    assert taken.status_code == 422 and "لمفهوم آخر هذا الاسم" in taken.content.decode()
    added = admin.post("/work/lexicon/concepts/add/", {**fields, "new-name_fr": CURFEW["fr"]})
    assert added.status_code == 302 and added["Location"].endswith("?concept=curfew")
    curfew = LexiconConcept.objects.get(code="curfew")
    assert curfew.labels == "category:misconduct grave:1" and curfew.changed_by is not None
    page = admin.get("/work/lexicon/?concept=curfew").content.decode()
    assert "Couvre-feu" in page and "ادعاء جسيم بانتهاك" in page  # the administrator's language
    changed = admin.post(
        "/work/lexicon/concepts/curfew/",
        {"name_ar": CURFEW["ar"], "name_en": "Night curfew", "name_fr": CURFEW["fr"]},
    )
    assert changed.status_code == 302
    curfew.refresh_from_db()
    assert curfew.name_en == "Night curfew" and curfew.labels == ""
    bad_label = admin.post(
        "/work/lexicon/concepts/curfew/",
        {"name_ar": "x", "name_en": "y", "name_fr": "z", "groups": ["vulnerable:no"]},
    )
    assert bad_label.status_code == 422 and 'href="#id_groups_0"' in bad_label.content.decode()
    assert admin.post("/work/lexicon/concepts/nonsense/", {}).status_code == 404
    curfew.refresh_from_db()
    assert curfew.name_en == "Night curfew"


def test_export_writes_the_concepts_names(tmp_path: Path, jordan: Org) -> None:
    lexicon.concept_add(
        actor=jordan.staff[Role.NATIONAL_ADMIN], code="curfew", names=CURFEW, labels=["grave:1"]
    )
    target = tmp_path / "export"
    call_command("concepts", "export", str(target), stdout=StringIO())
    written = concepts.read_names(target / "meta" / "names.csv")
    assert written == lexicon.concept_names() and written["curfew"].labels == (("g", "1"),)


def test_a_concept_added_twice_at_once_is_refused_the_second_time(
    jordan: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two administrators add the same code at the same moment: both pass the checks, the
    database keeps one, the other is told and nothing of theirs is written."""
    actor = jordan.staff[Role.NATIONAL_ADMIN]
    lexicon.concept_add(actor=actor, code="curfew", names=CURFEW, labels=[])
    revision = lexicon.revision()
    before = lexicon.concept_names()
    monkeypatch.setattr(
        lexicon, "concept_names", lambda: {k: v for k, v in before.items() if k != "curfew"}
    )
    other = {"ar": "منع تجول", "en": "Night curfew", "fr": "Couvre-feu nocturne"}
    with pytest.raises(InvalidInput) as refused:
        lexicon.concept_add(actor=actor, code="curfew", names=other, labels=[])
    assert set(refused.value.fields) == {"code"}
    assert LexiconConcept.objects.get(code="curfew").name_en == "Curfew"
    assert lexicon.revision() == revision
    assert Event.objects.filter(verb=Verb.LEXICON_CONCEPT_ADDED).count() == 1


def test_the_background_rewrite_uses_a_lexicon_change_at_once(
    file_case: FileCase, jordan: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A term added a moment ago: the background job rewrites the older cases with it, though
    this process's searches would look at the revision only 30 seconds later."""
    from insaf.search import indexing
    from insaf.search.models import SearchEntry

    case = file_case(TEXT)
    monkeypatch.setattr(concepts, "CHECK_SECONDS", 30.0)
    old = indexing.entry_version()
    lexicon.concept_term_add(
        actor=jordan.staff[Role.NATIONAL_ADMIN], concept="bribery", lang="ar-lev", text=NEW_WORD
    )
    assert indexing.entry_version() == old  # searches: not yet
    assert indexing.catch_up(60, {}) >= 1
    entry = SearchEntry.objects.get(pk=case.pk)
    assert entry.version != old and entry.version == indexing.entry_version()
    assert concepts.concept_token("bribery") in entry.alt.split()


def test_a_context_concept_is_renamed_but_stands_for_no_label(jordan: Org) -> None:
    actor = jordan.staff[Role.NATIONAL_ADMIN]
    names = concepts.read_names(lexicon.folder() / "meta" / "names.csv")["personnel"].names
    with pytest.raises(InvalidInput) as refused:
        lexicon.concept_change(
            actor=actor, code="personnel", names=names, labels=["category:misconduct"]
        )
    assert set(refused.value.fields) == {"labels"}
    renamed = {**names, "en": "Security personnel"}
    lexicon.concept_change(actor=actor, code="personnel", names=renamed, labels=[])
    assert lexicon.concept_names()["personnel"].names["en"] == "Security personnel"
    admin = sign_in_with_second_factor(Client(), actor)
    page = admin.get("/work/lexicon/?concept=personnel").content.decode()
    assert 'id="change-concept"' in page and 'name="categories"' not in page
