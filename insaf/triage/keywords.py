"""A minimal keyword classifier: the placeholder until a trained classifier replaces it.

It matches normalised keyword stems (Arabic letter variants folded, harakat and tatweel removed,
Arabic-Indic digits to ASCII, Latin text lower-cased and accent-folded) and applies the label
rules: the first matching category in tie-break order wins; grave follows from grave-only phrases
or from torture, sexual abuse and disappearance; vulnerable groups from words naming them.
It is deliberately simple and its confidence low; it exists so that every case gets labels.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from insaf.triage.engine import TriageResult
from insaf.triage.labels import Category, Kind, Vulnerable, derive_priority

VERSION = "keywords-1"

_HARAKAT = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)


def _latin_accent_folds() -> dict[int, str]:
    """é → e, Ç → C ...: every Latin letter with diacritics folded to its base letter, computed
    once so that normalising is a single C-level translate instead of a loop per character."""
    folds = {}
    for code in range(0x00C0, 0x0250):
        decomposed = unicodedata.normalize("NFD", chr(code))
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base != chr(code) and base.isascii():
            folds[code] = base
    return folds


_FOLD.update(_latin_accent_folds())
_LETTERS = re.compile(r"[^\W\d_]+")
_ARABIC_LETTERS = re.compile("[\u0621-\u064a\u0671-\u06d3]+")
# The opening of a text tells its script as well as the whole of it does, at a fraction of the cost.
LANGUAGE_SAMPLE = 400


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return _HARAKAT.sub("", text).translate(_FOLD).lower()


def _n(words: str) -> tuple[str, ...]:
    return tuple(normalise(word) for word in words.split("|"))


CATEGORY_WORDS: dict[Category, tuple[str, ...]] = {
    Category.TORTURE_ILL_TREATMENT: _n(
        "تعذيب|عذبوني|عذبوه|عذبوها|يعذب|صعق|كهرباء|ضربوني في|ضربوه في|اعتراف بالقوه|"
        "torture|tortured|beaten in custody|forced confession|torturé|tortures|aveux forcés"
    ),
    Category.USE_OF_FORCE: _n(
        "ضربوني|ضربوه|ضربني|اعتدى|اعتداء|رصاص|اطلاق نار|هراوه|كسروا|"
        "beat me|beaten|hit me|shot|rubber bullet|baton|excessive force|"
        "frappé|frappe|matraque|balle|force excessive"
    ),
    Category.ARBITRARY_DETENTION: _n(
        "احتجاز|احتجزوني|محتجز|موقوف|توقيف|بدون مذكره|دون تهمه|بلا تهمه|محامي|"
        "detained|detention|arrested without|no lawyer|without charge|held for|"
        "détenu|détention|arrêté sans|sans avocat|garde à vue"
    ),
    Category.ENFORCED_DISAPPEARANCE: _n(
        "اختفاء|اختفى|مختفي|لا نعرف مكانه|مكان احتجازه|disappeared|whereabouts|disparu|disparition"
    ),
    Category.SEXUAL_ABUSE: _n(
        "تحرش|اغتصاب|تحرش جنسي|لمسني|تعري|"
        "harass|sexual|rape|groped|harcèlement|harcelé|viol|attouchement"
    ),
    Category.DETENTION_CONDITIONS: _n(
        "الزيارة|زياره|الزنزانه|السجن|النزلاء|مركز الاصلاح|الطعام|الاكتظاظ|"
        "cell|prison|inmates|visits|overcrowd|cellule|détenus|visite|surpeuplement"
    ),
    Category.CORRUPTION: _n(
        "رشوه|رشوة|رشاوي|واسطه|ابتزاز|طلب مني مبلغ|"
        "bribe|corrupt|extort|pot-de-vin|corruption|racket"
    ),
    Category.DISCRIMINATION: _n(
        "تمييز|عنصري|بسبب جنسيتي|بسبب ديني|discriminat|racist|because of my nationality|raciste"
    ),
    Category.MISCONDUCT: _n(
        "شتم|شتمني|سب|اهانه|اهانني|صرخ|اسلوب|وقح|insult|rude|shouted|swore|insulte|impoli|crié"
    ),
    Category.NEGLECT_OF_DUTY: _n(
        "رفض تسجيل|لم يتحرك|لم يستجيبوا|تقاعس|"
        "refused to register|did nothing|no response|ignored|refusé d'enregistrer|rien fait"
    ),
    Category.SERVICE_DELAY: _n(
        "جواز|الجوازات|باسبور|هويه|رخصه|اقامه|شهاده|موعد|طابور|الطوابير|تاخير|"
        "passport|identity card|licence|license|residence permit|certificate|appointment|queue|"
        "delay|passeport|carte d'identité|permis|certificat|rendez-vous|retard"
    ),
    Category.PROPERTY: _n(
        "صادروا|مصادره|هاتفي|سيارتي|اتلاف|"
        "seized|confiscated|my phone|my car|damaged|saisi|confisqué|endommagé"
    ),
    Category.PRIVACY: _n(
        "خصوصيه|تفتيش بدون|نشروا صور|بياناتي|"
        "privacy|without a warrant|photos published|my data|vie privée|sans mandat"
    ),
}

GRAVE_WORDS = _n(
    "تعذيب|عذبوني|عذبوه|توفي|مات|وفاه|قتل|اغتصاب|تحرش|اختفى|اختفاء|هددوني بالقتل|طفل مع الكبار|"
    "tortur|died in custody|death in custody|killed|rape|sexual|disappeared|threatened to kill|"
    "décédé|mort en garde|tué|viol|disparu|menacé de mort"
)

VULNERABLE_WORDS: dict[Vulnerable, tuple[str, ...]] = {
    Vulnerable.WOMAN: _n("امراه|زوجتي|ابنتي|انا ام|سيده|woman|my wife|my daughter|femme|ma fille"),
    Vulnerable.CHILD: _n("طفل|قاصر|ابني الصغير|عمره 1|child|minor|years old boy|enfant|mineur"),
    Vulnerable.DISABILITY: _n(
        "اعاقه|معاق|كرسي متحرك|اصم|كفيف|disab|wheelchair|deaf|blind|handicap|fauteuil roulant"
    ),
    Vulnerable.ELDERLY: _n("مسن|كبير في السن|عجوز|elderly|old man|old woman|âgé|retraité"),
    Vulnerable.INMATE: _n(
        "نزيل|سجين|محتجز|موقوف|الزنزانه|inmate|prisoner|detainee|détenu|prisonnier"
    ),
}

KIND_WORDS: dict[Kind, tuple[str, ...]] = {
    Kind.COMMENDATION: _n("شكرا|اشكر|نشكر|thank|grateful|merci|remercie|félicit"),
    Kind.SUGGESTION: _n("اقترح|اقتراح|suggest|propose|je suggère|proposition"),
    Kind.PETITION: _n(
        "التمس|ارجو السماح|اطلب نقل|طلب زياره|عفو|please allow|request a transfer|pardon|"
        "je demande|je sollicite|autoriser"
    ),
}


def detect_language(text: str) -> str:
    sample = text[:LANGUAGE_SAMPLE]
    letters = sum(map(len, _LETTERS.findall(sample)))
    if not letters:
        return "ar"
    if sum(map(len, _ARABIC_LETTERS.findall(sample))) / letters > 0.3:
        return "ar"
    lowered = f" {sample.lower()} "
    french = sum(lowered.count(w) for w in (" le ", " la ", " les ", " est ", " je ", " et ", "é"))
    english = sum(lowered.count(w) for w in (" the ", " is ", " and ", " my ", " i ", " was "))
    return "fr" if french > english else "en"


def _found(words: tuple[str, ...], text: str) -> list[str]:
    return [word for word in words if word and word in text]


class KeywordClassifier:
    version = VERSION

    def classify_many(
        self, texts: Sequence[str], languages: Sequence[str | None]
    ) -> list[TriageResult]:
        return [self.classify(t, language=lang) for t, lang in zip(texts, languages, strict=True)]

    def classify(self, text: str, *, language: str | None = None) -> TriageResult:
        normal = normalise(text)
        evidence: dict[str, list[str]] = {}

        kind = Kind.COMPLAINT
        for kind_candidate, words in KIND_WORDS.items():
            if hits := _found(words, normal):
                kind, evidence["kind"] = kind_candidate, hits
                break

        category = Category.REQUEST if kind == Kind.PETITION else Category.OTHER
        for candidate, words in CATEGORY_WORDS.items():
            if hits := _found(words, normal):
                category, evidence["category"] = candidate, hits
                break

        grave_hits = _found(GRAVE_WORDS, normal) if kind == Kind.COMPLAINT else []
        grave = bool(grave_hits)
        if grave:
            evidence["grave"] = grave_hits

        vulnerable: list[str] = []
        if kind in (Kind.COMPLAINT, Kind.PETITION):
            for group, words in VULNERABLE_WORDS.items():
                if hits := _found(words, normal):
                    vulnerable.append(str(group))
                    evidence[f"vulnerable.{group}"] = hits

        return TriageResult(
            language=language or detect_language(text),
            kind=kind,
            category=category,
            grave=grave,
            vulnerable=tuple(vulnerable),
            priority=derive_priority(
                kind=kind, category=category, grave=grave, vulnerable=vulnerable
            ),
            version=VERSION,
            confidence={
                "kind": 0.6 if "kind" in evidence else 0.4,
                "category": 0.5 if "category" in evidence else 0.2,
                "grave": 0.5,
                "vulnerable": 0.4,
            },
            evidence=evidence,
        )
