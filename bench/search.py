"""Search at scale: import a synthetic corpus, then time 1,000 typical queries.

For each backend (SQLite, and PostgreSQL when reachable) and each corpus size (100,000 and
1,000,000 cases by default; ``BENCH_SEARCH_SIZES=20000`` for a quick run), on a fresh database:

1. generate the corpus (bench/search_corpus.py: dialect mix, the label mix of the shared sample,
   names, places, digits) and time ``insaf import`` on it, which writes the search index in the
   same transactions as the cases;
2. measure the index size (the FTS5 tables on SQLite, search_entry with its GIN index on
   PostgreSQL);
3. run 1,000 generated queries (one to three words, some with filters, phrases, exclusions, OR,
   prefixes) as the demo's national administrator, ten results each with snippets, and print
   p50/p95/p99 latency;
4. run the naive baseline, ``icontains`` on the text for every word with the same filters and
   scope, on the first ``NAIVE_QUERIES`` queries (a full scan each: the whole 1,000 would take
   hours at 1,000,000 cases), and print its percentiles and the ratio to the index.

The target (reported, not asserted): p95 at most 50 ms at 1,000,000 cases on both backends.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import backends, fresh_database, run_child, timed_import, write_results

SIZES = [int(s) for s in os.environ.get("BENCH_SEARCH_SIZES", "100000,1000000").split(",")]
QUERIES = 1000
NAIVE_QUERIES = int(os.environ.get("BENCH_NAIVE_QUERIES", "50"))
WARM_UP = 20
TARGET_P95_MS = 50
TARGET_SIZE = 1_000_000


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))
    return ordered[index]


def _figures(latencies: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(_percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 1),
    }


def _index_size() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_total_relation_size('search_entry') "
                "+ pg_total_relation_size('search_term')"
            )
        else:
            cursor.execute(
                "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat "
                "WHERE name LIKE 'search_fts%' OR name = 'search_entry' "
                "OR name LIKE 'search_entry_band%' OR name LIKE 'search_term%' "
                "OR name LIKE '%search_trigram%'"
            )
        return int(cursor.fetchone()[0])


def _filters(raw: dict[str, Any]) -> Any:
    import datetime as dt

    from insaf.search.services import Filters

    def many(name: str) -> tuple[str, ...]:
        value = raw.get(name)
        if value is None:
            return ()
        return tuple(value) if isinstance(value, list) else (value,)

    def day(name: str) -> dt.date | None:
        return dt.date.fromisoformat(raw[name]) if raw.get(name) else None

    return Filters(
        status=many("status"),
        kind=many("kind"),
        category=many("category"),
        priority=many("priority"),
        grave=raw.get("grave"),
        vulnerable=many("vulnerable"),
        received_from=day("received_from"),
        received_to=day("received_to"),
    )


def _naive(user: Any, text: str, filters: Any) -> list[Any]:
    """What a search box without an index does: every word as a substring of the text."""
    from insaf.complaints.selectors import cases_for

    words = [w.strip('"*') for w in text.split() if w not in ("OR", "|") and w[:1] != "-"]
    cases = filters.apply(cases_for(user))
    for word in words:
        if word:
            cases = cases.filter(text__icontains=word)
    return list(cases.order_by("-received_at")[:10])


def child(size: int, corpus: Path, queries: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp)
        from bench.intake import _prepare_database

        _prepare_database(var)
        _summary, rate, wall = timed_import(corpus, var)

        from django.db import connection

        from insaf.accounts.models import User
        from insaf.complaints.models import Complaint
        from insaf.search.query import QueryError
        from insaf.search.services import search

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        cases = Complaint.objects.count()
        index_bytes = _index_size()
        user = User.objects.get(username="natadmin")
        rows = [json.loads(line) for line in queries.read_text(encoding="utf-8").splitlines()]
        for row in rows[:WARM_UP]:
            try:
                search(row["q"], user=user, filters=_filters(row.get("filters") or {}), limit=10)
            except QueryError:
                pass
        latencies: list[float] = []
        hits: list[int] = []
        similar = 0  # queries whose results include matches through similar spellings
        refused = 0
        for row in rows:
            filters = _filters(row.get("filters") or {})
            start = time.perf_counter()
            try:
                found = search(row["q"], user=user, filters=filters, limit=10)
            except QueryError:
                refused += 1
                continue
            latencies.append(time.perf_counter() - start)
            hits.append(len(found.hits))
            similar += any(not hit.exact for hit in found.hits)
        # The same queries with the words only (no concept tier), for comparison.
        words_only: list[float] = []
        for row in rows:
            filters = _filters(row.get("filters") or {})
            start = time.perf_counter()
            try:
                search(row["q"], user=user, filters=filters, limit=10, concepts=False)
            except QueryError:
                continue
            words_only.append(time.perf_counter() - start)
        naive: list[float] = []
        for row in rows[:NAIVE_QUERIES]:
            filters = _filters(row.get("filters") or {})
            start = time.perf_counter()
            _naive(user, row["q"], filters)
            naive.append(time.perf_counter() - start)
        index = _figures(latencies)
        baseline = _figures(naive)
        print(
            json.dumps(
                {
                    "cases": cases,
                    "imported_per_s": rate,
                    "import_wall_s": round(wall, 1),
                    "index_mb": round(index_bytes / 1e6, 1),
                    "queries": len(latencies),
                    "refused_queries": refused,
                    "queries_with_results": sum(1 for h in hits if h),
                    "queries_with_similar_spellings": similar,
                    "index": index,
                    "words_only": _figures(words_only),
                    "naive_queries": len(naive),
                    "naive": baseline,
                    "ratio_p50": round(baseline["p50_ms"] / max(index["p50_ms"], 0.01), 1),
                    "ratio_p95": round(baseline["p95_ms"] / max(index["p95_ms"], 0.01), 1),
                }
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--size", type=int)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--queries", type=Path)
    options = parser.parse_args()
    if options.child:
        import django

        django.setup()
        # Collect cycles as the web server's workers and the command line do (insaf/runtime.py).
        from insaf.runtime import tune_gc

        tune_gc()
        child(options.size, options.corpus, options.queries)
        return
    from bench.search_corpus import iter_queries, iter_records

    lines: list[str] = []
    data: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        queries = Path(tmp) / "queries.jsonl"
        with queries.open("w", encoding="utf-8") as out:
            for query in iter_queries(QUERIES):
                out.write(json.dumps(query, ensure_ascii=False) + "\n")
        for size in SIZES:
            corpus = Path(tmp) / f"corpus-{size}.jsonl"
            with corpus.open("w", encoding="utf-8") as out:
                for record in iter_records(size):
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            for backend in backends():
                with fresh_database(backend, f"insaf_bench_search_{size}") as url:
                    result = run_child(
                        Path(__file__),
                        url,
                        "--size",
                        str(size),
                        "--corpus",
                        str(corpus),
                        "--queries",
                        str(queries),
                    )
                data.setdefault(backend, {})[str(size)] = result
                index, naive = result["index"], result["naive"]
                verdict = ""
                if size >= TARGET_SIZE:
                    met = index["p95_ms"] <= TARGET_P95_MS
                    verdict = f" [target p95 <= {TARGET_P95_MS} ms: {'met' if met else 'NOT met'}]"
                line = (
                    f"search {backend} {result['cases']:,} cases: import {result['imported_per_s']}"
                    f"/s, index {result['index_mb']} MB; {result['queries']} queries p50 "
                    f"{index['p50_ms']} ms, p95 {index['p95_ms']} ms, p99 {index['p99_ms']} ms "
                    f"({result['queries_with_results']} with results, "
                    f"{result['queries_with_similar_spellings']} with similar spellings); "
                    "naive icontains "
                    f"({result['naive_queries']} queries) p50 {naive['p50_ms']} ms, p95 "
                    f"{naive['p95_ms']} ms, p99 {naive['p99_ms']} ms: index {result['ratio_p50']}x"
                    f" faster at p50, {result['ratio_p95']}x at p95{verdict}; words only (no "
                    f"concept tier): p50 {result['words_only']['p50_ms']} ms, p95 "
                    f"{result['words_only']['p95_ms']} ms"
                )
                print(line, flush=True)
                lines.append(line)
            corpus.unlink()
    write_results("search", lines, data)


if __name__ == "__main__":
    main()
