"""Search by meaning: concept and label expansion, exact matches ranked first, the reasons, and
dialect, Arabizi and French variants, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from insaf.accounts.roles import Role
from insaf.complaints.services import LabelChanges, complaint_correct_labels
from insaf.search.concepts import (
    LayerError,
    concept_token,
    expand,
    read_labels,
    read_names,
    read_queries,
)
from insaf.search.models import SearchEntry
from insaf.search.query import AnyOf, Phrase, Term, parse
from insaf.search.services import search
from tests.conftest import Org
from tests.search.conftest import FileCase

pytestmark = pytest.mark.django_db

BRIBE = "طلب الموظف الرشوة مقابل إنهاء معاملة رخصة القيادة"
GREASE = "قال لي الموظف لازم تدهن السير عشان تمشي المعاملة"  # Levantine: no word for bribe
TEA = "the officer at the checkpoint wanted tea money before letting us pass"
BAKCHICH = "Le policier m'a demandé un bakchich pour rendre mon permis"
TADWIRA = "l flic tlab mni tadwira bach ma ykhalsch l pv"
SLAPPED = "كفخوه الشرطة قدام الناس بالسوق"  # Iraqi: they slapped him
BEATEN = "ضربني الشرطي بالعصا على ظهري"
DISAPPEARED = "اعتقلوا أخي من البيت قبل شهرين ولا نعرف مكانه ولا أحد يعترف بأنه عندهم"
PASSPORT = "انتظرت ثلاثة أشهر لتجديد جواز سفري ولم يرد أحد على الهاتف"
PLAIN = "الموظف في الدائرة لم يحترم الدور وأخر معاملتي بلا سبب"


def references(query: str, **kwargs: object) -> list[str]:
    return [h.complaint.reference for h in search(query, user=None, limit=50, **kwargs).hits]  # type: ignore[arg-type]


def test_a_concept_word_expands_to_its_concept_and_labels() -> None:
    expansion = expand(parse("رشوه"))
    assert expansion is not None and set(expansion.concepts) == {"bribery"}
    (term,) = expansion.query.required
    assert isinstance(term, Term)
    assert concept_token("bribery") in term.tokens and "zqccorruption" in term.tokens
    # Words that name no concept are left as typed; none at all: no expansion.
    assert expand(parse("الطاولة")) is None


def test_several_words_that_are_one_term_expand_together() -> None:
    expansion = expand(parse("اختفاء قسري"))
    assert expansion is not None and set(expansion.concepts) == {"disappearance"}
    (group,) = expansion.query.required
    assert isinstance(group, AnyOf)
    assert isinstance(group.items[0], Phrase)
    assert concept_token("disappearance") in group.items[1].tokens  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("query", "concept"),
    [
        ("رشوة", "bribery"),
        ("رشوه", "bribery"),
        ("bribe", "bribery"),
        ("pot-de-vin", "bribery"),
        ("tadwira", "bribery"),
        ("الضرب", "beating"),
        ("3azaboni", "torture"),
        ("passeport", "passport"),
    ],
)
def test_officers_words_in_every_language_name_concepts(query: str, concept: str) -> None:
    expansion = expand(parse(query), query)
    assert expansion is not None and concept in expansion.concepts


def test_cases_are_indexed_with_their_concepts(file_case: FileCase) -> None:
    case = file_case(GREASE)
    entry = SearchEntry.objects.get(complaint=case)
    assert concept_token("bribery") in entry.alt.split()


def test_bribery_is_found_in_every_way_people_write_it(file_case: FileCase) -> None:
    cases = {text: file_case(text).reference for text in (BRIBE, GREASE, TEA, BAKCHICH, TADWIRA)}
    other = file_case(PASSPORT).reference
    for query in ("رشوة", "bribe", "pot-de-vin"):
        found = references(query)
        assert set(found) >= set(cases.values()), (query, found)
        assert other not in found


def test_exact_matches_come_first_then_matches_by_meaning_with_reasons(
    file_case: FileCase,
) -> None:
    exact = file_case(BRIBE)
    by_meaning = [file_case(GREASE), file_case(TEA)]
    with translation.override("en"):
        hits = search("رشوة", user=None, limit=10).hits
    assert hits[0].complaint == exact and hits[0].exact and not hits[0].reason
    assert {h.complaint.pk for h in hits[1:]} == {c.pk for c in by_meaning}
    for hit in hits[1:]:
        assert not hit.exact
        assert hit.reason.startswith("bribery — ")
        assert "<mark>" in hit.snippet
    reasons = {h.complaint.pk: h.reason for h in hits}
    assert reasons[by_meaning[0].pk] == "bribery — تدهن السير"
    assert reasons[by_meaning[1].pk] == "bribery — tea money"
    # Paging runs across the tiers without repeating or losing a case.
    first = search("رشوة", user=None, limit=2).hits
    second = search("رشوة", user=None, limit=2, offset=2).hits
    paged = [h.complaint.pk for h in first + second]
    assert paged == [h.complaint.pk for h in hits]


def test_dialect_variants_of_beating(file_case: FileCase) -> None:
    slapped, beaten = file_case(SLAPPED), file_case(BEATEN)
    found = references("الضرب")
    assert found[0] == beaten.reference  # the word as typed first
    assert slapped.reference in found


@pytest.mark.parametrize(
    ("query", "category", "reason"),
    [
        # A concept that stands for the label: its name, then the label's.
        ("رشوة", "corruption", "bribery — Corruption or abuse of position"),
        # The officers' words for the label (meta/labels.csv): the label's name alone.
        ("استخدام القوه", "use_of_force", "Excessive use of force"),
    ],
)
def test_a_label_finds_a_case_whose_text_never_says_it(
    file_case: FileCase, jordan: Org, query: str, category: str, reason: str
) -> None:
    case = file_case(PLAIN)
    assert case.reference not in references(query)
    complaint_correct_labels(
        actor=jordan.staff[Role.UNIT_HEAD],
        complaint_id=case.pk,
        version=case.version,
        changes=LabelChanges(category=category),
    )
    with translation.override("en"):
        hits = search(query, user=None).hits
    (hit,) = [h for h in hits if h.complaint.pk == case.pk]
    assert not hit.exact and hit.reason == reason


def test_the_words_together_find_the_concept(file_case: FileCase) -> None:
    case = file_case(DISAPPEARED)
    assert case.reference in references("اختفاء قسري")


def test_cases_that_mean_a_concept_without_the_other_words_come_after_with_what_they_lack(
    file_case: FileCase,
) -> None:
    both = file_case("طلب الموظف في مكتب الزرقاء رشوة لتجديد الرخصة")  # bribe, in Zarqa
    concept_and_word = file_case("دفعت حق الشاي للموظف في مكتب الزرقاء")  # the concept, the word
    concept_only = file_case(GREASE)  # the concept alone, without "الزرقاء"
    neither = file_case(PASSPORT)
    expansion = expand(parse("رشوة الزرقاء"), "رشوة الزرقاء")
    assert expansion is not None and expansion.dropped == ("الزرقاء",)
    with translation.override("en"):
        hits = search("رشوة الزرقاء", user=None, limit=10).hits
    assert [h.complaint.pk for h in hits] == [both.pk, concept_and_word.pk, concept_only.pk]
    assert hits[0].exact and not hits[0].missing
    assert not hits[1].missing and hits[1].reason == "bribery — حق الشاي"
    assert hits[2].missing == ("الزرقاء",)
    assert hits[2].reason == "bribery — تدهن السير (without: الزرقاء)"
    assert neither.pk not in {h.complaint.pk for h in hits}
    # Paging runs across the three tiers too.
    paged = [
        h.complaint.pk
        for offset in (0, 1, 2)
        for h in search("رشوة الزرقاء", user=None, limit=1, offset=offset).hits
    ]
    assert paged == [both.pk, concept_and_word.pk, concept_only.pk]
    # A number, a prefix or a phrase typed is never left out; nor is anything when no word
    # names a concept.
    for query in ("رشوة 500", "رشوة زرق*", 'رشوة "مكتب الزرقاء"', "الزرقاء صباحا"):
        found = expand(parse(query), query)
        assert found is None or found.loose is None, query
    # Arabizi's digits are letters: such a word may be left out like any other.
    found = expand(parse("rashwe mo3amala"), "rashwe mo3amala")
    assert found is not None and found.dropped == ("mo3amala",)


def test_without_concepts_only_the_words_match(file_case: FileCase) -> None:
    exact = file_case(BRIBE)
    file_case(GREASE)
    assert references("رشوة", concepts=False) == [exact.reference]


def test_the_command_line_says_why(file_case: FileCase) -> None:
    file_case(GREASE)
    out = StringIO()
    call_command("search", "رشوة", "--json", stdout=out)
    (row,) = json.loads(out.getvalue())
    assert row["exact"] is False
    assert row["matched"] == "bribery — تدهن السير"


def test_the_api_says_why(file_case: FileCase, jordan: Org, client: object) -> None:
    from tests.conftest import sign_in_with_second_factor

    file_case(GREASE)
    api = sign_in_with_second_factor(client, jordan.staff[Role.NATIONAL_ADMIN])  # type: ignore[arg-type]
    body = api.get("/api/v1/search", {"q": "رشوة"}, headers={"Accept-Language": "en"}).json()
    (item,) = body["items"]
    assert item["matched"] == "bribery — تدهن السير" and item["exact"] is False


def test_reindex_keeps_the_concepts(file_case: FileCase) -> None:
    case = file_case(GREASE)
    SearchEntry.objects.filter(complaint=case).update(alt="")
    call_command("search", "reindex", "--no-progress", stdout=StringIO(), stderr=StringIO())
    assert case.reference in references("رشوة")


def test_each_word_of_an_or_group_expands_alone() -> None:
    expansion = expand(parse("رشوة OR واسطة"), "رشوة OR واسطة")
    assert expansion is not None
    assert {"bribery", "favouritism"} <= set(expansion.concepts)
    (group,) = expansion.query.required
    assert isinstance(group, AnyOf)
    tokens = {t for option in group.items for t in option.tokens}  # type: ignore[union-attr]
    assert {concept_token("bribery"), concept_token("favouritism")} <= tokens


def test_a_concepts_name_in_any_language_names_it() -> None:
    for query in ("disparition", "disappearance", "واسطه"):
        expansion = expand(parse(query), query)
        assert expansion is not None, query
        assert set(expansion.concepts) & {"disappearance", "favouritism"}, query


def test_a_capitalised_latin_word_is_a_name_not_arabizi() -> None:
    assert expand(parse("Haddad"), "Haddad") is None


@pytest.mark.parametrize(
    ("query", "meant", "not_meant"),
    [
        ("elderly man", "elderly", "torture"),  # not الدريل, a drill
        ("passeport perdu", "passport", "firearm"),  # not بارودة, a rifle
    ],
)
def test_a_query_an_english_or_french_term_met_is_not_read_as_arabizi(
    query: str, meant: str, not_meant: str
) -> None:
    expansion = expand(parse(query), query)
    assert expansion is not None and meant in expansion.concepts
    assert not_meant not in expansion.concepts


def test_a_word_with_arabizi_digits_is_still_arabizi_beside_an_english_term() -> None:
    expansion = expand(parse("bribe 7abs"), "bribe 7abs")
    assert expansion is not None and {"bribery", "inmate"} <= set(expansion.concepts)


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("استخدام القوه", "label_c_use_of_force"),
        ("excessive force", "label_c_use_of_force"),
        ("usage excessif de la force", "label_c_use_of_force"),
        ("mauvais traitements", "label_c_torture_ill_treatment"),
        ("neglect of duty", "label_c_neglect_of_duty"),
        ("violation grave", "label_g_1"),
        ("سوء معامله", "label_c_torture_ill_treatment"),
    ],
)
def test_the_words_officers_use_for_a_label_name_it(query: str, label: str) -> None:
    expansion = expand(parse(query), query)
    assert expansion is not None and label in expansion.concepts
    (item,) = expansion.query.required
    tokens = item.tokens if isinstance(item, Term) else item.items[1].tokens  # type: ignore[union-attr]
    # The label's facet token, and no concept token: no text is indexed with one.
    assert concept_token(label) not in tokens
    assert any(t.startswith(("zqc", "zqv", "zqg")) for t in tokens)


def test_a_labels_file_with_an_unknown_label_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("label,lang,term\ncategory:use_of_force,ar,استخدام القوة\n", encoding="utf-8")
    terms, concepts = read_labels(path)
    assert [t.text for t in terms] == ["استخدام القوة"]
    assert concepts["label_c_use_of_force"].labels == (("c", "use_of_force"),)
    for bad in ("category:beating,ar,ضرب", "vulnerable:youth,en,youth", "category:misconduct,de,x"):
        path.write_text(f"label,lang,term\n{bad}\n", encoding="utf-8")
        with pytest.raises(LayerError, match="line 2"):
            read_labels(path)
    assert read_labels(tmp_path / "absent.csv") == ([], {})


INSULIN = "والدي نزيل ومريض سكري ولم يعطوه الأنسولين منذ أسبوعين"
THANKS = "I want to thank the clinic staff for the medical care my son received"


@pytest.mark.parametrize("query", ["medical care", "الرعاية الصحية", "soins médicaux"])
def test_the_words_officers_type_for_a_concept_find_it_in_queries_only(
    file_case: FileCase, query: str
) -> None:
    insulin = file_case(INSULIN)
    thanks = file_case(THANKS)
    expansion = expand(parse(query), query)
    assert expansion is not None and "medical_denial" in expansion.concepts
    with translation.override("en"):
        hits = search(query, user=None, limit=50).hits
    found = {h.complaint.pk: h for h in hits}
    # The case that never says the words is found by the concept, with its reason.
    assert insulin.pk in found and not found[insulin.pk].exact
    assert found[insulin.pk].reason.startswith("denied medical care — ")
    # A text is never indexed with the concept for the words themselves: the thanks is found
    # (in English) only because it says them, and comes first.
    entry = SearchEntry.objects.get(complaint=thanks)
    assert concept_token("medical_denial") not in entry.alt.split()
    if query == "medical care":
        assert hits[0].complaint.pk == thanks.pk and hits[0].exact


def test_a_queries_file_with_an_unknown_concept_is_refused(tmp_path: Path) -> None:
    names = read_names(Path(settings.INSAF_DATA_DIR) / "concepts" / "meta" / "names.csv")
    path = tmp_path / "queries.csv"
    path.write_text("concept,lang,term\nbribery,en,kickback\n", encoding="utf-8")
    assert [(t.concept, t.text) for t in read_queries(path, names)] == [("bribery", "kickback")]
    for bad in ("bribe,en,kickback", "custody,en,lock-up", "bribery,de,x", "bribery,en,"):
        path.write_text(f"concept,lang,term\n{bad}\n", encoding="utf-8")
        with pytest.raises(LayerError, match="line 2"):
            read_queries(path, names)
    assert read_queries(tmp_path / "absent.csv", names) == []


def test_a_kind_of_document_finds_its_own_kind_and_official_documents_every_kind(
    file_case: FileCase,
) -> None:
    passport = file_case(PASSPORT)
    licence = file_case("Ils ont gardé mon permis de conduire depuis l'accident")
    residence = file_case("ana mestanni el iqama men shahrein w ma 7ada byrodd")
    assert set(references("الباسبور")) >= {passport.reference}
    assert licence.reference not in references("الباسبور")
    assert residence.reference not in references("passport")
    assert set(references("carte de séjour")) >= {residence.reference}
    assert set(references("الوثائق الرسمية")) >= {
        passport.reference,
        licence.reference,
        residence.reference,
    }


def test_a_word_ending_in_a_star_names_the_concepts_whose_words_start_so(
    file_case: FileCase,
) -> None:
    spelled = file_case("I have been waiting three months for my passport renewal")
    meant = file_case(PASSPORT)  # جواز سفري: no word starting with "passp"
    other = file_case(PLAIN)
    expansion = expand(parse("passp*"), "passp*")
    assert expansion is not None and set(expansion.concepts) == {"passport"}
    hits = search("passp*", user=None, limit=10).hits
    assert [h.complaint.pk for h in hits][:2] == [spelled.pk, meant.pk]
    assert hits[0].exact and not hits[1].exact and hits[1].reason
    assert other.pk not in {h.complaint.pk for h in hits}
    # Too short, or the start of the words of too many concepts, to stand for a meaning.
    assert expand(parse("pa*"), "pa*") is None
    assert expand(parse("con*"), "con*") is None


def test_a_concept_word_sharing_only_its_root_with_a_case_is_not_an_exact_match(
    file_case: FileCase,
) -> None:
    fractures = file_case("خرج من التحقيق وعنده كسور في يده وضلوعه")
    glass = file_case("ولاد الجيران كسروا زجاج المحل وهربوا")  # they broke the glass: the root
    pregnant = file_case("زوجتي حامل في الشهر السابع واحتجزوها يومين")
    bear = file_case("لم أعد أتحمل الانتظار في الدائرة")  # to bear: the root of حامل
    for word, meant, root_only in [("كسور", fractures, glass), ("حامل", pregnant, bear)]:
        with translation.override("en"):
            hits = search(word, user=None, limit=10).hits
        assert hits[0].complaint == meant and hits[0].exact
        assert root_only in [h.complaint for h in hits]  # by meaning, after the exact match
        for hit in hits:
            if hit.complaint == root_only:
                assert not hit.exact
                assert hit.reason == f"a word of the same root as {word}"
                assert "<mark>" in hit.snippet  # the word of the same root
        # Without concepts the root still finds it, as the word's analysis says.
        assert root_only.reference in references(word, concepts=False)
