"""The writer speaking of herself in the feminine (insaf/text/gender.py)."""

from __future__ import annotations

import pytest

from insaf.text import word_spans
from insaf.text.gender import speaks_as_woman


def _says(text: str) -> bool:
    return speaks_as_woman([text[a:b] for a, b in word_spans(text)], text)


@pytest.mark.parametrize(
    "text",
    [
        "أنا أستاذة وما تجرحتش ولكن التعامل كان خشين بزاف",
        "كنت عائدة مع اخي من الجامعة عندما اوقفتنا نقطة التفتيش",
        "لم أكن مخطئة في شيء سوى السؤال",
        "وقفتني الدورية لأني كنت ماسكة الجوال",
        "إنّي محجّبة وحوّلني عالتفتيش الإضافي",  # diacritics and shadda
        "بصفتي محامية أطالب بالتحقيق",
        "Je suis allée directement au commissariat.",
        "Un commissaire m'a traitée de menteuse devant tout le monde.",
        "J'ai été arrêtée sans raison à la sortie du métro.",
        "Je me suis retrouvée seule au poste toute la nuit.",
        "L'agent m'a violemment poussée contre le mur.",
        # A relation of the person harmed, in the feminine.
        "ابني طالب بالجامعة، اخدوه من قدام الكلية. انا امه وما عم نام.",
        "اني زوجته ومن شهرين ما شفته",
        "أنا أخته الكبيرة وأطالب بالتحقيق",
        "آني خجلانة من اهلي",  # the Iraqi "I"
        # French agreement beyond -ée, and what the writer is.
        "Je suis venue seule avec mon bébé au bureau des passeports.",
        "Un homme m'a suivie jusqu'à la station.",
        "Les gardiens m'ont mise à l'isolement.",
        "Je suis détenue à la prison des femmes depuis un an.",
        "Je suis algérienne et je vis à Tunis.",
        "J'étais seule au guichet.",
        # Arabizi: the writer, then an adjective in -a.
        "kent msafra 3al Emirates w bel matar tal3atni el mo3awne",
        "ana 3amya, w fel matar el mofatesha shaddat 3abayti",
        "ibni mawjoud f markaz shurta men 8 ayam. ana emmo w kel yom baji",
        # The mother of ..., and words said to the writer in the feminine.
        "انا ام السجين المحكوم في السجن المركزي",
        "انا يماه وراني نقلب عليه من شهر",
        "صاح عليّ الموظف وقال: اسكتي والا اطردك من هنا",
        "قالي واش نتي عميا ما كتشوفيش الضو",
        "2ali e2la3i el 3abaya 3ashan afatesh",
        "Je suis étudiante, j'ai 20 ans.",
    ],
)
def test_the_writer_is_a_woman(text: str) -> None:
    assert _says(text)


@pytest.mark.parametrize(
    "text",
    [
        "أنا موظف في البلدية وطلبوا مني رشوة",  # masculine
        "كنت بالمدرسة لما اتصلوا فيني",  # a place, not the writer
        "كنت مرة في المركز وما حدا رد علي",  # "once"
        "أنا زلمة ختيار عمري ٦٦ سنة",  # a man
        "انا من مدينة الزرقاء",  # where from, not what
        "زوجتي كانت خايفة كتير",  # the wife, not the writer
        "Je suis allé au commissariat trois fois.",
        "Il m'a donné une amende injuste.",
        "Je suis entré, c'était une journée ordinaire.",
        "The officer insulted my mother.",
        "انا ابوه وما حدا رد علينا",  # his father
        "أنا أخوه الكبير",  # his brother
        "Je suis venu seul au commissariat.",
        "Il m'a vu entrer et m'a suivi.",
        "Je suis algérien et je vis à Tunis.",
        "Je suis honnête et je paie mes amendes.",
        "ana hena men sa3a w mafeesh 7ad",  # "here", not a description
        "kont ra2e7 el shoghl w wa2afoony",  # masculine
        "J'ai 69 ans et je suis cardiaque.",  # -que is no participle
        "Les flics m'ont tue au bureau, six allers-retours.",  # "tué", written without accents
        "ana 3ala kirsi mut7arrik",  # "on"
        "kont katsna chhar",  # a verb
        "قالي الظابط تعالي هنا يا ابني",  # the masculine "تعالى", typed with ي
        "Le policier m'a precise que je devais revenir",  # "précisé", without accents
        "قال لي: اسكت والا بحبسك",  # the masculine imperative
        "انا امشي كل يوم على الطريق",  # "I walk"
        "Je suis étudiant à la faculté.",
        "ana mesh 3aref leh",
        "ani mu zain w ma 3indi shi",  # Iraqi "mu": not
        "ana mo qader aroo7",  # Gulf "mo": not
    ],
)
def test_the_writer_is_not_said_to_be_a_woman(text: str) -> None:
    assert not _says(text)
