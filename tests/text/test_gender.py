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
    ],
)
def test_the_writer_is_not_said_to_be_a_woman(text: str) -> None:
    assert not _says(text)
