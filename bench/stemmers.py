"""Arabic stemmers and keys for search, measured on word forms of complaints.

Prints, for each way of turning an Arabic word into index tokens, its conflation precision and
recall over a hand-made vocabulary (GROUPS: each group holds forms of one word that a search for
any of them should find: article, prepositions, conjunction, attached pronouns, sound plurals,
ة/ه and hamza spellings). A pair of words "conflates" when a query for one finds the other (their
token sets meet). Recall: the share of same-group pairs that conflate. Precision: the share of
conflating pairs that are same-group. Also: recall on pairs of different derivations of one root
(ROOT_PAIRS, which light stemming is not meant to reach), arabizi queries against the Arabic
vocabulary (ARABIZI_PAIRS), English words that meet Arabic words by accident, and the speed of
insaf.text.analyze_document.

Run: python bench/stemmers.py (writes bench/results/stemmers.txt and .json as well).
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import write_results
from insaf.text import analysis, analyze_document, lucene, query_alternatives, stem
from insaf.text.arabizi import (
    ROOT_KEY,
    SKELETON_ARABIC,
    SKELETON_ARABIZI,
    root_key,
    skeleton,
)
from insaf.text.normalize import fold

# One group per word; each line its forms. Some groups are there to be confused with others
# (وزارة and زيارة, شرطة and شرط, كتاب and مكتب, ولد and والد, حق and حقوق and تحقيق).
GROUPS: list[str] = [
    "تعذيب التعذيب بالتعذيب والتعذيب للتعذيب",
    "عذبوني عذبوه عذبوهم عذبونا عذبوا",
    "رشوة رشوه الرشوة الرشوه برشوة والرشوة",
    "جواز الجواز جوازات الجوازات جوازي جوازه جوازها جوازاتهم بجوازي",
    "شرطة الشرطة للشرطة بالشرطة والشرطة شرطه شرطي الشرطي شرطيين الشرطيين",
    "شرط الشرط بشرط شروط الشروط",
    "محامي المحامي محامين المحامين محاميه محاميها محامون",
    "سجن السجن بالسجن سجنه سجني سجون السجون",
    "سجين السجين سجينة سجناء السجناء",
    "اعتقال الاعتقال باعتقال اعتقاله اعتقالي اعتقالهم",
    "اعتقلوا اعتقلوه اعتقلوني اعتقلونا اعتقلوهم",
    "ضرب الضرب بالضرب ضربوني ضربوه ضربوا ضربني ضربها ضربهم",
    "تحقيق التحقيق بالتحقيق تحقيقات التحقيقات تحقيقه",
    "حقوق الحقوق بحقوق حقوقي حقوقه حقوقهم",
    "حق الحق حقي حقه بحق حقها",
    "مركز المركز بالمركز مركزها للمركز",
    "قسم القسم بالقسم قسمه للقسم",
    "محكمة المحكمة بالمحكمة للمحكمة محكمه",
    "وزارة الوزارة بالوزارة للوزارة وزارات الوزارات",
    "وزير الوزير للوزير بالوزير وزيرة الوزيرة",
    "زيارة الزيارة زيارات بالزيارة زياره زيارتي زيارتها",
    "مستشفى المستشفى بالمستشفى للمستشفى مستشفيات المستشفيات",
    "سيارة السيارة سيارتي سيارته سيارتها سيارات السيارات بسيارة",
    "هاتف الهاتف هاتفي هاتفه هاتفها بالهاتف",
    "مسؤول المسؤول مسئول المسئول مسؤولين المسؤولين مسؤولون",
    "ضابط الضابط للضابط بالضابط",
    "معاملة المعاملة معامله بالمعاملة المعاملات",
    "واسطة الواسطة بالواسطة واسطه",
    "احتجاز الاحتجاز باحتجاز احتجازي احتجازه احتجازهم",
    "حبس الحبس بالحبس حبسه حبسي حبسوني حبسوه",
    "ابن الابن ابني ابنه ابنها ابنهم بابني لابني",
    "بنت البنت بنتي بنته بنتها",
    "زوج الزوج زوجي زوجها",
    "ولد الولد ولدي ولده ولدها",
    "والد الوالد والدي والده والدها",
    "عمل العمل عملي عمله بالعمل للعمل",
    "عملية العملية عمليات العمليات",
    "موظف الموظف موظفين الموظفين موظفة الموظفة موظفون",
    "شكوى الشكوى بالشكوى وشكوى للشكوى",
    "تهمة التهمة بتهمة تهمتي",
    "مظاهرة المظاهرة مظاهرات المظاهرات بالمظاهرة",
    "اعتداء الاعتداء اعتداءات الاعتداءات بالاعتداء",
    "إهانة الإهانة اهانة اهانه بالإهانة اهانات",
    "تهديد التهديد بالتهديد تهديدات التهديدات تهديده",
    "منزل المنزل منزلي منزله بالمنزل",
    "بيت البيت بيتي بيته بيتها بالبيت",
    "مطار المطار بالمطار للمطار مطارات",
    "أمن الأمن الامن بالأمن للأمن",
    "عنف العنف بالعنف",
    "قتل القتل بالقتل قتلوه قتلوا",
    "مخدرات المخدرات بالمخدرات",
    "اختفاء الاختفاء باختفاء",
    "فساد الفساد بالفساد",
    "راتب الراتب راتبي راتبه",
    "وثيقة الوثيقة وثيقتي وثيقته بالوثيقة",
    "وقت الوقت وقتها بالوقت",
    "وضع الوضع وضعي وضعه بالوضع",
    "كتاب الكتاب كتابي بالكتاب",
    "مكتب المكتب مكتبي بالمكتب",
    "كاتب الكاتب",
]

# Different derivations of one root that a searcher may hope to find together.
ROOT_PAIRS: list[tuple[str, str]] = [
    ("تعذيب", "عذبوني"),
    ("التعذيب", "عذبوه"),
    ("اعتقال", "اعتقلوني"),
    ("احتجاز", "احتجزوني"),
    ("سجن", "سجين"),
    ("ضرب", "مضروب"),
    ("تهديد", "هددوني"),
    ("رشوة", "ارتشاء"),
    ("قتل", "مقتول"),
    ("اختفاء", "اختفى"),
]

# An arabizi query word and an Arabic document word it should find.
ARABIZI_PAIRS: list[tuple[str, str]] = [
    ("3azaboni", "عذبوني"),
    ("3azabouni", "عذبوني"),
    ("shorta", "الشرطة"),
    ("elshorta", "الشرطة"),
    ("mo3amla", "المعاملة"),
    ("7abs", "الحبس"),
    ("sijn", "السجن"),
    ("rashwa", "الرشوة"),
    ("wasta", "واسطة"),
    ("ma7kama", "المحكمة"),
    ("mo7ami", "المحامي"),
    ("e7tegaz", "الاحتجاز"),
    ("darabouni", "ضربوني"),
    ("tahdid", "التهديد"),
    ("ta72i2", "التحقيق"),
    ("fasad", "الفساد"),
    ("mostashfa", "المستشفى"),
    ("sayara", "السيارة"),
    ("2esm", "القسم"),
    ("el2amn", "الأمن"),
    ("wazir", "الوزير"),
    ("3onf", "العنف"),
]

# English words of complaints: any Arabic word of the vocabulary they meet is an accident.
ENGLISH = """
police passport prison court lawyer torture bribe arrest detention station officer phone car
hospital minister ministry complaint investigation violence threat sign design summer master
number salary beaten prisoner judge document house airport money family brother son daughter
husband wife father mother child office rights security
""".split()


def _words() -> list[tuple[int, str]]:
    return [(g, w) for g, line in enumerate(GROUPS) for w in line.split()]


Keyer = Callable[[str], set[str]]


def _single(stemmer: Callable[[str], str]) -> Keyer:
    return lambda word: {stemmer(fold(word))}


def _insaf_query(word: str) -> set[str]:
    # Arabic query word against Arabic documents: the stem and the alternative stems (the arabizi
    # skeleton in query_alternatives only meets arabizi documents, and its root-like key is the
    # last row's, so both are left out here).
    return {
        t
        for t in query_alternatives(word)
        if not t.startswith((SKELETON_ARABIC, SKELETON_ARABIZI, ROOT_KEY))
    }


def _with_skeleton(word: str) -> set[str]:
    form = fold(word)
    stemmed = stem.arabic_light(form)
    return _insaf_query(word) | {"#" + skeleton(stemmed)} - {"#"}


def _rootish(word: str) -> set[str]:
    """The root-like key as deployed (``arabizi.root_key``: the skeleton with a dialect's marker
    of the present and the pattern letters م ت ي ن taken off its front)."""
    key = root_key(stem.arabic_light(fold(word)))
    return _insaf_query(word) | ({"#" + key} if key else set())


KEYERS: dict[str, Keyer] = {
    "lucene (Light10, exact)": _single(lucene.stem),
    "snowball arabic": _single(stem.arabic_snowball),
    "insaf light": _single(stem.arabic_light),
    "insaf light + alternative stems": _insaf_query,
    "insaf + skeleton key": _with_skeleton,
    "insaf + root-like key": _rootish,
}


def _measure(keyer: Keyer) -> dict[str, float]:
    words = _words()
    keys = {w: keyer(w) for _, w in words}
    same = same_hit = hit = 0
    for (ga, a), (gb, b) in itertools.combinations(words, 2):
        met = bool(keys[a] & keys[b])
        hit += met
        if ga == gb:
            same += 1
            same_hit += met
    root_hits = sum(bool(keyer(a) & keyer(b)) for a, b in ROOT_PAIRS)
    precision = same_hit / hit if hit else 1.0
    recall = same_hit / same
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall),
        "false_pairs": hit - same_hit,
        "root_recall": root_hits / len(ROOT_PAIRS),
    }


def _document_tokens(text: str) -> set[str]:
    result = analyze_document(text)
    return set(result.main) | set(result.alternate)


def _arabizi() -> dict[str, object]:
    vocabulary = [w for _, w in _words()] + [a for _, a in ARABIZI_PAIRS]
    documents = {w: _document_tokens(w) for w in vocabulary}
    found, missed, false = 0, [], 0
    for query, target in ARABIZI_PAIRS:
        alternatives = set(query_alternatives(query))
        if alternatives & documents[target]:
            found += 1
        else:
            missed.append(query)
        # Words of other groups it meets.
        target_group = {g for g, w in _words() if fold(w) == fold(target)}
        false += sum(
            1
            for g, w in _words()
            if g not in target_group and fold(w) != fold(target) and alternatives & documents[w]
        )
    english_false = {
        word: sorted({w for _, w in _words() if set(query_alternatives(word)) & documents[w]})
        for word in ENGLISH
    }
    english_false = {k: v for k, v in english_false.items() if v}
    return {
        "recall": found / len(ARABIZI_PAIRS),
        "missed": missed,
        "false_meets_per_query": false / len(ARABIZI_PAIRS),
        "english_words_meeting_arabic": english_false,
    }


SAMPLE = (
    "تقدمت بشكوى ضد أفراد من الشرطة في قسم شرطة المدينة بعد أن تم احتجازي لمدة ثلاثة أيام دون "
    "توجيه أي تهمة، وقد تعرضت للضرب والإهانة وطلب مني أحد الضباط دفع رشوة مقابل الإفراج عني. "
    "كما صادروا جواز سفري ولم يعيدوه حتى الآن رغم مراجعتي للإدارة عدة مرات. أطالب بالتحقيق في "
    "الواقعة ومحاسبة المسؤولين عن التعذيب وسوء المعاملة، وإعادة جواز السفر والهاتف المحمول "
    "الذي أخذوه مني عند الاعتقال يوم ١٢/٠٣/٢٠٢٤ في الساعة العاشرة مساءً. "
)


def _speed() -> dict[str, float]:
    texts = {
        "ar": (SAMPLE * 3)[:800],
        "en": (
            "I was arrested by the police on my way home and kept at the station for three "
            "days without any charge. The officers beat me and asked for a bribe to release "
            "me. They took my passport and my phone and did not give them back. "
        )
        * 4,
        "arabizi": ("el shorta 3azabouni fel 2esm w 5adou el basbor beta3i w talabo menni rashwa ")
        * 12,
    }
    out: dict[str, float] = {}
    for name, text in texts.items():
        text = text[:800]
        analyze_document(text)  # the model and the word caches warm up
        n = 2000
        start = time.perf_counter()
        for _ in range(n):
            analyze_document(text)
        warm = (time.perf_counter() - start) / n
        cold = []
        for _ in range(20):
            for cached in (analysis._parts, analysis._arabic, analysis._latin):
                cached.cache_clear()
            start = time.perf_counter()
            analyze_document(text)
            cold.append(time.perf_counter() - start)
        out[f"{name}_us_per_1000_chars"] = warm * 1e6 * 1000 / len(text)
        median = sorted(cold)[len(cold) // 2]
        out[f"{name}_cold_us_per_1000_chars"] = median * 1e6 * 1000 / len(text)
    return out


def main() -> None:
    words = _words()
    same = sum(1 for (ga, _), (gb, _) in itertools.combinations(words, 2) if ga == gb)
    lines = [
        f"Arabic vocabulary: {len(words)} forms in {len(GROUPS)} groups, {same} same-group pairs, "
        f"{len(ROOT_PAIRS)} root pairs.",
        f"{'stemmer':<38}{'precision':>10}{'recall':>8}{'F1':>7}{'false pairs':>13}"
        f"{'root recall':>13}",
    ]
    data: dict[str, object] = {}
    for name, keyer in KEYERS.items():
        m = _measure(keyer)
        data[name] = m
        lines.append(
            f"{name:<38}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>7.3f}"
            f"{m['false_pairs']:>13.0f}{m['root_recall']:>13.2f}"
        )
    arabizi = _arabizi()
    data["arabizi"] = arabizi
    lines += [
        "",
        f"Arabizi queries finding their Arabic word: {arabizi['recall']:.2f} "
        f"(missed: {', '.join(arabizi['missed']) or 'none'}); "
        f"words of other groups met per query: {arabizi['false_meets_per_query']:.2f}",
        f"English query words meeting an Arabic word of the vocabulary by accident: "
        f"{arabizi['english_words_meeting_arabic']}",
    ]
    speed = _speed()
    data["speed"] = speed
    lines += [
        "",
        "analyze_document, microseconds per 1000 characters (800-character texts; warm = words "
        "seen before, cold = word caches emptied):",
        *(f"  {k}: {v:.0f}" for k, v in speed.items()),
    ]
    print("\n".join(lines))
    write_results("stemmers", lines, data)


if __name__ == "__main__":
    main()
