"""The concept lexicon: its files, and matching terms on analysed text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from insaf.text.concepts import Lexicon, LexiconError, Term, read_terms

FOLDER = Path(settings.INSAF_DATA_DIR) / "concepts"


def found(lexicon: Lexicon, text: str) -> list[tuple[str, str]]:
    return [(m.concept, text[m.start : m.end]) for m in lexicon.find(text)]


@pytest.fixture(scope="module")
def small() -> Lexicon:
    return Lexicon(
        [
            Term("beating", "ar", "ضربوني"),
            Term("beating", "en", "beat"),
            Term("bribery", "ar", "حق الشاي"),
            Term("disappearance", "ar", "لا أحد يعترف"),
            Term("torture", "fr", "torturé"),
            Term("woman", "ar", "أنا موظفة"),
            Term("woman", "ar", "زوجتي"),
            Term("woman", "fr", "je suis allée"),
        ]
    )


def test_clitics_suffixes_and_spelling_variants_match(small: Lexicon) -> None:
    assert found(small, "وضربوه في القسم") == [("beating", "وضربوه")]
    assert found(small, "طلب حق الشاى مني") == [("bribery", "حق الشاى")]
    assert found(small, "they beated me") == [("beating", "beated")]
    assert found(small, "il a été torturé") == [("torture", "torturé")]


def test_arabizi_meets_arabic_through_the_skeleton(small: Lexicon) -> None:
    assert found(small, "el zabet darbouni") == [("beating", "darbouni")]


def test_phrases_need_their_words_in_order(small: Lexicon) -> None:
    assert found(small, "لا احد يعترف بانه عندهم") == [("disappearance", "لا احد يعترف")]
    assert found(small, "يعترف احد لا") == []
    assert found(small, "حق") == []


def test_feminine_endings_are_kept_for_the_woman_concept(small: Lexicon) -> None:
    assert found(small, "وانا موظفه في الوزاره") == [("woman", "وانا موظفه")]
    assert found(small, "انا موظف في الوزاره") == []
    assert found(small, "زوجتي مريضة") == [("woman", "زوجتي")]
    assert found(small, "زوجي مريض") == []
    assert found(small, "je suis allée au commissariat") == [("woman", "je suis allée")]
    assert found(small, "je suis allé au commissariat") == []


def test_the_repository_lexicon_loads_and_covers_every_concept() -> None:
    terms = read_terms(FOLDER)
    assert len(terms) > 2000
    listed = set(re.findall(r"^\| ([a-z_]+) \|", (FOLDER / "concepts.md").read_text(), re.M))
    listed.discard("code")
    assert {t.concept for t in terms} == listed
    langs = {t.lang for t in terms}
    assert {"ar", "ar-eg", "ar-iq", "ar-ma", "arabizi", "en", "fr"} <= langs


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("concept,lang,term\nbribery,ar,رشوة\n", "the header must be"),
        ("concept,lang,term,note\nbribery,ar,رشوة\n", "line 2: 3 columns"),
        ("concept,lang,term,note\nBribery!,ar,رشوة,\n", "line 2: bad concept"),
        ("concept,lang,term,note\nbribery,xx,رشوة,\n", "line 2: unknown lang"),
        ("concept,lang,term,note\nbribery,ar,...,\n", "line 2: the term has no word"),
    ],
)
def test_bad_lexicon_files_are_refused_with_their_line(
    tmp_path: Path, content: str, message: str
) -> None:
    (tmp_path / "bad.csv").write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        read_terms(tmp_path)


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        ("عذبوني في السجن وضربوني حتى فقدت الوعي", ["عذبوني"]),
        ("Ils ont torturé mon fils au commissariat", ["torturé"]),
        ("the officer touched me and tried to rape me in the station", ["rape"]),
        # A metaphor, a neighbour: not grave by themselves.
        ("الانتظار في طابور الجوازات كان تعذيب", []),
        ("The queue at the passport office was torture", []),
        ("جاري ضربني وكسر يدي والشرطة ما سوت شي", []),
    ],
)
def test_grave_cues(text: str, cues: list[str]) -> None:
    from insaf.triage.model import grave_cues

    lexicon = Lexicon(read_terms(FOLDER))
    assert [text[m.start : m.end] for m in grave_cues(lexicon.find(text))] == cues


@pytest.mark.parametrize(
    "text",
    [
        "راجعت مركز أمن وادي السير",  # a town: not "ادهن السير" (bribery), not "الواد" (a boy)
        "زرنا وادي رم ووادي موسى",
    ],
)
def test_a_valley_in_a_place_name_is_neither_a_bribe_nor_a_boy(text: str) -> None:
    lexicon = Lexicon(read_terms(FOLDER))
    assert {m.concept for m in lexicon.find(text)} & {"bribery", "child"} == set()


@pytest.mark.parametrize(
    "text",
    [
        "ابي اعرف شلون يراقبوني",  # "I want" (Gulf), not "أبكم" (mute) cut to "اب"
        "اصيب ابن عمي ياسر في عينه",  # my uncle, not the Maghrebi "عمى" (blind)
        "el 3am li fat sebni f nafs l blasa",  # last year
        "گلبوا العربانات وتكسرت البضاعة",  # street vendors' carts
    ],
)
def test_common_words_name_no_disability(text: str) -> None:
    lexicon = Lexicon(read_terms(FOLDER))
    assert "disability" not in {m.concept for m in lexicon.find(text)}
    assert "disability" in {m.concept for m in lexicon.find("ابوي ضرير وموقوف من ثمن اشهر")}


def test_the_kinds_of_documents_are_concepts_of_their_own() -> None:
    lexicon = Lexicon(read_terms(FOLDER))
    for text, concept in [
        ("جواز سفري محجوز في المطار", "passport"),
        ("انتهت إقامتي ولم يجددوها", "residence"),
        ("ma carte de séjour n'est pas prête", "residence"),
        ("I lost my driving licence", "driving_licence"),
        ("طلبت شهادة عدم محكومية", "civil_records"),
        ("بطاقة الهوية الوطنية", "identity_card"),
    ]:
        kinds = {m.concept for m in lexicon.find(text)} & {
            "documents",
            "passport",
            "residence",
            "identity_card",
            "driving_licence",
            "civil_records",
            "visas_travel",
        }
        assert kinds == {concept}, text


@pytest.mark.parametrize(
    ("text", "concepts"),
    [
        # Arabic words do not meet English or French terms through Arabic spellings of them.
        ("ربي يحفظكم ويوفقكم", set()),  # not "rape"
        ("وجدنا على جسمه كدمات", {"injury"}),
        ("وجدت الاطارات مكسورة", set()),  # broken things are not an injury
        # English and French words do not meet Arabic or Arabizi terms.
        ("I did not hear him when he called me", set()),  # not "died", "killed"
        ("les enfants et la fille", {"child", "woman"}),  # not "viol", "balles"
        ("they keep abducting people", {"disappearance"}),  # an English stem: "abducted"
        ("I missed the bus", set()),  # "went missing" is a disappearance, "missed" is not
        # Arabic words meet Arabizi terms only through the same word.
        ("هاجمت عصابة المزرعة", {"third_party"}),  # not "3athabouh" (torture)
        ("ما في علاقة بالموضوع", set()),  # not "3allaqouh" (hung)
        # Arabizi words meet Arabic terms through their Arabic forms and long skeletons.
        ("el zabet 3azabouni", {"torture", "personnel"}),
        ("ani sayeq kia bayn Baghdad w el 7illa", set()),  # "kia": too short a skeleton
    ],
)
def test_scripts_meet_only_as_the_readme_says(text: str, concepts: set[str]) -> None:
    lexicon = Lexicon(read_terms(FOLDER))
    grave = {"torture", "sexual_violence", "death", "firearm", "injury", "disappearance"}
    assert {m.concept for m in lexicon.find(text)} & (grave | concepts) == concepts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A term's leading ب ل ك ف are its own letters: كسور (fractures) is not سور, كهربوه
        # (they electrocuted him) is not هرب (fled), لمسني (touched me) is not مسن (old man).
        ("انا لاجئ سوري في اربد", []),
        ("صدمني وهرب السائق", []),
        ("جاء رجل مسن الى المركز", []),
        ("عنده كسور في يده", [("injury", "كسور")]),
        ("كهربوه في التحقيق", [("torture", "كهربوه")]),
        # Nor is a term's عال read as على + ال ("عالجوني": they treated me; not "جون").
        ("عالجوني في المستشفى", [("humanitarian", "عالجوني")]),
        ("جون صاحب المحل", []),
        # A text's word still meets a term through its own preposition (بجوازي is جواز).
        ("حجزوا بجوازي في المطار", [("passport", "بجوازي")]),
    ],
)
def test_a_terms_first_letter_is_not_read_as_a_preposition(
    text: str, expected: list[tuple[str, str]]
) -> None:
    lexicon = Lexicon(
        [
            Term("injury", "ar", "كسور"),
            Term("torture", "ar", "كهربوه"),
            Term("sexual_violence", "ar", "لمسني"),
            Term("passport", "ar", "جواز"),
            Term("humanitarian", "ar-lev", "عالجوني"),
        ]
    )
    assert found(lexicon, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A function word of two letters after و or ف, which the stemmer leaves whole.
        ("قال وما حدا بيعرف وينه", [("disappearance", "وما حدا بيعرف وينه")]),
        ("فما حدا بيعرف وينه", [("disappearance", "فما حدا بيعرف وينه")]),
        ("وقف الباص وما حدا نزل", []),
        # The noun after a contracted على (عالـ), four letters or more.
        ("اخدوه عالمخابرات", [("intelligence_service", "عالمخابرات")]),
        ("شركة عالمية", []),
        # A term's own word is read as written: "وقف" (stopped) is not "قف".
        ("جابولو القفة", [("visits", "القفة")]),
        ("وقف قدام الباب", []),
    ],
)
def test_a_texts_words_are_also_read_without_the_clitics_the_stemmer_leaves(
    text: str, expected: list[tuple[str, str]]
) -> None:
    lexicon = Lexicon(
        [
            Term("disappearance", "ar-lev", "ما حدا بيعرف وينه"),
            Term("intelligence_service", "ar", "المخابرات"),
            Term("visits", "ar-ma", "قفة"),
            Term("visits", "ar", "وقف الزيارات"),
        ]
    )
    assert found(lexicon, text) == expected


def test_terms_written_without_a_preposition_meet_texts_with_and_without_it() -> None:
    lexicon = Lexicon(read_terms(FOLDER))
    for text in ("اوقفوه بدون تهمة", "اوقفوه دون تهمة"):
        assert "unlawful_arrest" in {m.concept for m in lexicon.find(text)}
    for text in ("هم بيفرقوا بين الناس", "يفرقوا بين الناس"):
        assert "discrimination" in {m.concept for m in lexicon.find(text)}


@pytest.mark.parametrize(
    ("term", "text"),
    [
        ("عمره 15", "ابني عمره ١٥ سنة"),  # Arabic-Indic digits in the text
        ("عمره 15", "ابني عمره ۱۵ سنة"),  # Persian digits
        ("عمره ١٥", "ابني عمره 15 سنة"),  # and in the term
        ("3omro 15", "ebni 3omro ١٥ sana"),
    ],
)
def test_digits_meet_whatever_digits_they_are_written_in(term: str, text: str) -> None:
    lexicon = Lexicon([Term("child", "ar" if "عمره" in term else "arabizi", term)])
    assert {m.concept for m in lexicon.find(text)} == {"child"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An English term is stemmed as English only: "visit" is not the French stem of "visa".
        ("they refused my visit", [("visits", "visit")]),
        ("I have a visa to travel", []),
        # A one-word term meets an arabizi word through a form of three letters or more
        # ("7amel": حمل), not through a shorter one ("7aga", a thing, reads as حج: not الحجة).
        ("fi 7aga ghalat", []),
        ("mrati 7amel", [("pregnancy", "7amel")]),
        # ... and never an arabizi function word: "kont" (I was) is not الكانتين or "kantin".
        ("kont fel beit", []),
        ("ma fi kantin", [("detention_conditions", "kantin")]),
        # The words of a longer term vouch for each other: "kent" meets "kanet" there.
        ("kent 7emel w darabouha", [("pregnancy", "kent 7emel"), ("pregnancy", "7emel")]),
    ],
)
def test_short_forms_and_function_words_need_a_terms_other_words(
    text: str, expected: list[tuple[str, str]]
) -> None:
    lexicon = Lexicon(
        [
            Term("visits", "en", "visit"),
            Term("elderly", "ar-lev", "الحجة"),
            Term("detention_conditions", "ar", "الكانتين"),
            Term("detention_conditions", "arabizi", "kantin"),
            Term("pregnancy", "ar", "حامل"),
            Term("pregnancy", "arabizi", "kanet 7amel"),
        ]
    )
    assert found(lexicon, text) == expected
