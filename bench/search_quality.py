"""Search quality on the development set: recall@10 and MRR of three ways to search.

The development set (tests/search/devset/: a hand-written corpus and queries with the cases each
should find) is imported into a fresh SQLite database (labelled at import by a triage model trained
for the run, as a server would), and every query is run. The figures count the corpus's cases
only: the database's demonstration cases were never judged.

- ``concepts``: the real search (insaf/search): the words as the full analyser reads them
  (normalisation, stop words, light stemming, Arabizi forms), then the cases found through the
  concepts and labels the words name (insaf/search/concepts.py, the lexicon in data/concepts);
- ``lexical``: the same without concepts, the words only;
- ``normalise only``: the same search engine and query language, with documents and queries only
  normalised (hamza, ة/ه, ى/ي, diacritics, tatweel, digits, case and accents), not stemmed, no
  stop words and no Arabizi forms, after a reindex;
- ``naive``: ``icontains`` on the text for every word of the query, newest first (a search box
  without an index).

The share of officers' words that the concept layer reads as the concept they mean
(tests/search/devset/concept-queries.jsonl: four queries for each of 54 concepts, in Arabic,
English, French and Arabizi, written from the concepts' names and meanings by someone who had not
seen the lexicon): a query word that names no concept finds only the cases that use it. And the
other side, the texts: the share of complaints in which the lexicon finds the concept they were
written for (tests/search/devset/concept-texts.jsonl: ten for each concept, in Modern Standard
Arabic, the dialects, Arabizi, English and French, written from the concepts' meanings by two
people who had not seen the lexicon, most of them without the concept's usual word). A case
whose words the lexicon does not know is found by meaning only through its labels.

recall@10: the share of a query's relevant cases among its first ten results, averaged over the
queries (a query with 24 relevant cases scores at most 10/24); also printed with at most ten
relevant cases counted per query ("of at most 10"). MRR: the mean of 1/rank of the first relevant
result (0 when none is in the first ten).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, fresh_database, run_child, write_results

DEVSET = ROOT / "tests" / "search" / "devset"
CORPUS_PREFIX = "dev-"
K = 10


def _metrics(results: dict[str, list[str]], relevant: dict[str, set[str]]) -> dict[str, float]:
    recall = capped = mrr = 0.0
    for qid, wanted in relevant.items():
        found = results.get(qid, [])[:K]
        recall += len(wanted & set(found)) / len(wanted)
        capped += len(wanted & set(found)) / min(len(wanted), K)
        for rank, external_id in enumerate(found, start=1):
            if external_id in wanted:
                mrr += 1 / rank
                break
    n = len(relevant)
    return {
        "recall_at_10": round(recall / n, 3),
        "recall_at_10_capped": round(capped / n, 3),
        "mrr": round(mrr / n, 3),
    }


def _run_engine(
    rows: list[dict[str, Any]], *, concepts: bool, corpus: set[str], others: int
) -> dict[str, list[str]]:
    """Each query's first K results among the ``corpus`` cases (``others`` cases besides them
    are in the database: asked for K + others, the corpus's first K are all there)."""
    from insaf.search.query import QueryError
    from insaf.search.services import search

    results: dict[str, list[str]] = {}
    for row in rows:
        try:
            hits = search(
                row["query"], user=None, limit=K + others, snippets=False, concepts=concepts
            ).hits
        except QueryError:
            hits = []
        found = [h.complaint.external_id or "" for h in hits]
        results[row["id"]] = [x for x in found if x in corpus][:K]
    return results


def _concept_words() -> dict[str, Any]:
    """How many officers' queries name the concept they mean, in all and per language."""
    from insaf.search.concepts import expand
    from insaf.search.query import parse

    named: dict[str, list[int]] = {}
    others = 0  # queries that also name a concept they do not mean
    for line in (DEVSET / "concept-queries.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        expansion = expand(parse(row["query"]), row["query"])
        concepts = set(expansion.concepts) if expansion is not None else set()
        counts = named.setdefault(row["lang"], [0, 0])
        counts[0] += row["concept"] in concepts
        counts[1] += 1
        # Labels' words (label_...) name labels, which every concept also stands for.
        others += any(c != row["concept"] and not c.startswith("label_") for c in concepts)
    return {
        "named": sum(n for n, _ in named.values()),
        "queries": sum(t for _, t in named.values()),
        "others": others,
        "by_language": {lang: {"named": n, "queries": t} for lang, (n, t) in named.items()},
    }


def _concept_texts() -> dict[str, Any]:
    """How many complaints, written for one concept each by someone who had not seen the
    lexicon, the lexicon finds that concept in; in all and per variety."""
    from insaf.text.concepts import Lexicon, read_terms

    lexicon = Lexicon(read_terms(ROOT / "data" / "concepts"))
    found: dict[str, list[int]] = {}
    for line in (DEVSET / "concept-texts.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        concepts = {m.concept for m in lexicon.find(row["text"])}  # read as its language says
        counts = found.setdefault(row["variety"], [0, 0])
        counts[0] += row["concept"] in concepts
        counts[1] += 1
    return {
        "found": sum(n for n, _ in found.values()),
        "texts": sum(t for _, t in found.values()),
        "by_variety": {v: {"found": n, "texts": t} for v, (n, t) in sorted(found.items())},
    }


def _run_naive(rows: list[dict[str, Any]], corpus: set[str]) -> dict[str, list[str]]:
    from insaf.complaints.models import Complaint

    results: dict[str, list[str]] = {}
    for row in rows:
        words = [
            w.strip('"*') for w in row["query"].split() if w not in ("OR", "|") and w[:1] != "-"
        ]
        cases = Complaint.objects.filter(external_id__in=corpus)
        for word in words:
            if word:
                cases = cases.filter(text__icontains=word)
        found = cases.order_by("-received_at").values_list("external_id", flat=True)[:K]
        results[row["id"]] = [x or "" for x in found]
    return results


def _normalise_only() -> None:
    """Swap the analyser of the index and of the query parser for plain normalisation."""
    import insaf.search.indexing as indexing
    import insaf.search.query as query_module
    from insaf.text import Analysis, normalize, word_spans

    def words(text: str) -> list[str]:
        folded = normalize(text)
        return [folded[a:b].lower() for a, b in word_spans(folded)]

    def analyse(text: str, language: str | None = None) -> Analysis:
        return Analysis(main=words(text), alternate=[])

    indexing.analyze_document = analyse  # type: ignore[assignment]
    query_module.query_alternatives = words  # type: ignore[assignment]
    query_module.prefix_form = lambda word: "".join(words(word))  # type: ignore[assignment]


def child() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        # This process imports the corpus, so its triage must be the model trained for it (in
        # ``tmp``), as on a server: not whatever the checkout's var/ holds, nor the keyword rule.
        os.environ["INSAF_VAR_DIR"] = tmp
        import django

        django.setup()
        from bench.intake import _prepare_database

        _prepare_database(Path(tmp))
        from insaf.complaints.bulk import import_file
        from insaf.complaints.models import Complaint

        report = import_file(DEVSET / "corpus.jsonl", country="JO")
        if not report.ok:
            raise SystemExit(f"the development corpus does not import: {report.errors[:3]}")
        corpus = {
            external_id
            for external_id in Complaint.objects.filter(
                external_id__startswith=CORPUS_PREFIX
            ).values_list("external_id", flat=True)
            if external_id
        }
        versions = set(
            Complaint.objects.filter(external_id__in=corpus).values_list(
                "triage_version", flat=True
            )
        )
        if not all(v.startswith("linear-") for v in versions):
            raise SystemExit(f"the corpus was not labelled by the trained model: {versions}")
        # The demonstration cases (``insaf demo``) are in the database too, but nobody judged
        # them: the figures are over the corpus alone, as if they were not there.
        others = Complaint.objects.exclude(external_id__in=corpus).count()
        rows = [
            json.loads(line)
            for line in (DEVSET / "queries.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        relevant = {row["id"]: set(row["relevant"]) for row in rows}

        def engine(concepts: bool) -> dict[str, list[str]]:
            return _run_engine(rows, concepts=concepts, corpus=corpus, others=others)

        per_query = os.environ.get("INSAF_QUALITY_PER_QUERY")
        if per_query:  # a file to write each query's capped recall, lexical -> with concepts
            found = engine(True)
            plain = engine(False)
            lines = []
            for row in rows:
                wanted = relevant[row["id"]]
                cap = min(len(wanted), K)
                got = len(wanted & set(found[row["id"]][:K])) / cap
                was = len(wanted & set(plain[row["id"]][:K])) / cap
                lines.append(f"{row['id']} {row['query']}: {was:.2f} -> {got:.2f}")
            Path(per_query).write_text("\n".join(lines) + "\n", encoding="utf-8")
        figures = {
            "queries": len(rows),
            "cases": len(corpus),
            "concepts": _metrics(engine(True), relevant),
            "lexical": _metrics(engine(False), relevant),
            "naive": _metrics(_run_naive(rows, corpus), relevant),
            "triage_versions": sorted(versions),
            "concept_words": _concept_words(),
            "concept_texts": _concept_texts(),
        }
        _normalise_only()
        from insaf.search.indexing import reindex

        reindex(workers=1)
        figures["normalise_only"] = _metrics(engine(False), relevant)
        print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", action="store_true")
    options = parser.parse_args()
    if options.child:
        child()
        return
    with fresh_database("sqlite", "insaf_bench_quality") as url:
        figures = run_child(Path(__file__), url)
    lines = []
    for name in ("concepts", "lexical", "normalise_only", "naive"):
        f = figures[name]
        lines.append(
            f"quality {name}: recall@10 {f['recall_at_10']:.3f} (of at most 10: "
            f"{f['recall_at_10_capped']:.3f}), MRR {f['mrr']:.3f} "
            f"({figures['queries']} queries, {figures['cases']} cases)"
        )
    words = figures["concept_words"]
    by_language = ", ".join(
        f"{lang} {f['named']}/{f['queries']}" for lang, f in words["by_language"].items()
    )
    lines.append(
        f"quality concept words: {words['named']} of {words['queries']} officers' queries name "
        f"the concept they mean ({words['named'] / words['queries']:.3f}; {by_language}); "
        f"{words['others']} also name one they do not mean"
    )
    texts = figures["concept_texts"]
    by_variety = ", ".join(f"{v} {f['found']}/{f['texts']}" for v, f in texts["by_variety"].items())
    lines.append(
        f"quality concept texts: the lexicon finds its concept in {texts['found']} of "
        f"{texts['texts']} complaints written for one concept each "
        f"({texts['found'] / texts['texts']:.3f}; {by_variety})"
    )
    for line in lines:
        print(line)
    write_results("search_quality", lines, figures)


if __name__ == "__main__":
    main()
