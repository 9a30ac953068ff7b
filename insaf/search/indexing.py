"""Writing the search index: the analysed text and MinHash bands of each case.

Intake (insaf/complaints/services/intake.py) and the bulk import (insaf/complaints/bulk.py) build
a case's entry before their transaction (``prepare_entries``) and write it in the transaction that
writes the case (``write_entries``), so a case is never committed without its index entry.
``reindex`` rebuilds every entry (``insaf search reindex``); ``catch_up``, run every minute by the
background-job consumer, rewrites the entries an older analyser, lexicon or release wrote, so that
a lexicon change reaches older cases without anyone running the rebuild.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from django.db import connection, transaction

from insaf.search import fuzzy, minhash
from insaf.search.concepts import layer
from insaf.search.models import BANDS, SearchEntry
from insaf.text import analyze_document
from insaf.triage.labels import vulnerable_groups

# (id, subject, place, text, language, received_at, then the FACET_FIELDS): what an entry is
# made of.
Source = tuple[Any, ...]
FACET_FIELDS = ("status", "kind", "category", "priority", "grave", "vulnerable_mask")
SOURCE_FIELDS = ("pk", "subject", "place", "text", "language", "received_at", *FACET_FIELDS)
REINDEX_BATCH = 2000
REFRESH_BATCH = 500  # catch_up's entries per transaction
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def facet_token(name: str, value: object) -> str:
    """The index token of one label value: "zq", the facet's letter, the value without
    punctuation (``zqsinprogress``, ``zqctortureilltreatment``). Letters and digits only, so both
    databases keep it whole; no word of any text analyses to it."""
    return f"zq{name}{_NOT_ALNUM.sub('', str(value).lower())}"


def facet_tokens(
    status: str, kind: str, category: str, priority: str, grave: bool, vulnerable_mask: int
) -> list[str]:
    tokens = [
        facet_token("s", status),
        facet_token("k", kind),
        facet_token("c", category),
        facet_token("p", priority),
        facet_token("g", int(grave)),
    ]
    tokens += [facet_token("v", group) for group in vulnerable_groups(vulnerable_mask)]
    return tokens


def facets_column(*values: Any) -> str:
    """The facets column of an entry, from the values of FACET_FIELDS in order."""
    return " ".join(facet_tokens(*values))


def refresh_facets(complaint: Any) -> None:
    """Rewrite a case's facet tokens after a change of its labels or status (the caller's
    transaction; workflow._bump calls it)."""
    values = [getattr(complaint, name) for name in FACET_FIELDS]
    SearchEntry.objects.filter(complaint_id=complaint.pk).update(facets=facets_column(*values))


def indexed_text(subject: str, place: str, text: str) -> str:
    """The text a case is found by: its subject (unless it is just the text's beginning, as when
    intake derived it), the place and the text."""
    parts = []
    head = subject.strip().rstrip("…").strip()
    if head and not text.startswith(head):
        parts.append(head)
    if place.strip():
        parts.append(place.strip())
    parts.append(text)
    return "\n".join(parts)


# The columns of search_entry written by _insert, in the order build_entry gives them.
COLUMNS: tuple[str, ...] = ("complaint_id", "body", "alt", "facets", "signature")
COLUMNS += tuple(f"band{n}" for n in range(BANDS))
COLUMNS += ("version", "received_at")
# Raise it with every change to what an entry holds for the same text and lexicon (the analyser,
# the concept matcher, the columns): entries of an older format are then counted as stale.
# 2: a concept term's first letter is never read as a preposition.
# 3: a dialect's marker of the present is not part of a word's root key (بيرحلوه: رحل); an
# arabizi 8 or 9 is also read as ق (ra8m: رقم, wa9founi: وقفوني); a word's final hamza is
# left out (الدواء: دوا).
# 4: the concept matcher reads ما, لا, مش ... after و or ف ("وما رجعولي") and the noun after a
# contracted على ("عالمخابرات").
# 5: the analyser reads the noun after a contracted على as an alternative stem of the word, so
# lexical search finds it too ("المخابرات" finds "عالمخابرات").
# 6: the concept matcher reads a text's Arabic-Indic digits as a term's ("عمره ١٥": عمره 15).
# 7: more arabizi function words ("kont", "mta3", "bas" ...) are stop words; a one-word concept
# term meets an arabizi word only through a form of three letters or more; English terms are
# stemmed as English only.
# 8: a word that ends as a verb with its object pronoun is not read as على + ال + noun
# ("عالجوني": not "جون").
ENTRY_FORMAT = 8


def entry_version() -> str:
    """The version of the entries written now: the entry format and the lexicon's digest."""
    return f"{ENTRY_FORMAT}.{layer().source}"


def stale_entries() -> int:
    """How many entries another version wrote (or an unknown one), or have no received date (an
    older release's process still writing during an upgrade: a date filter would miss them on
    PostgreSQL): ``insaf search reindex`` rewrites them."""
    # NULL versions included: exclude() negates the pair as a whole.
    return SearchEntry.objects.exclude(version=entry_version(), received_at__isnull=False).count()


# A row of COLUMNS, then the case's spellings for the fuzzy vocabulary (not a column).
Row = tuple[Any, ...]


def build_entry(source: Source, concepts: list[str] | None = None) -> Row:
    """The search_entry row of one case and its spellings (pure computation, no database).
    ``concepts``: its text's concept tokens when they are known already (``Layer.tokens_from``)."""
    pk, subject, place, text, language, received_at, *facets = source
    analysis = analyze_document(indexed_text(subject, place, text), language or None)
    signature = minhash.signature(analysis.main)
    if concepts is None:
        concepts = layer().tokens_of(text, language or None)
    return (
        pk,
        " ".join(analysis.main),
        " ".join([*analysis.alternate, *concepts]),
        facets_column(*facets),
        signature,
        *minhash.bands(signature),
        entry_version(),
        received_at,
        analysis.spellings,
    )


def _insert(rows: list[Row]) -> None:
    """INSERT the rows with one executemany (no model instances: the import writes hundreds of
    thousands, and the values are already of the database's types), and add their spellings to
    the fuzzy vocabulary."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in COLUMNS)
    marks = ", ".join(["%s"] * len(COLUMNS))
    width = len(COLUMNS)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO search_entry ({columns}) VALUES ({marks})",  # noqa: S608
            [row[:width] for row in rows],
        )
    fuzzy.add_terms(fuzzy.vocabulary_of(row[width] for row in rows))


def source_of(complaint: Any) -> Source:
    return tuple(getattr(complaint, name) for name in SOURCE_FIELDS)


def prepare_entries(
    complaints: Sequence[Any], concepts: Sequence[list[str] | None] | None = None
) -> list[Row]:
    """The entries of new cases, built before the transaction that writes them (the analysis is
    most of an entry's cost; on SQLite the write lock is held while a transaction is open). The
    cases need no id yet: ``write_entries`` takes it. ``concepts``: per case, its concept tokens
    when known (see ``build_entry``)."""
    known = concepts if concepts is not None else [None] * len(complaints)
    return [build_entry(source_of(c), found) for c, found in zip(complaints, known, strict=True)]


def write_entries(complaints: Sequence[Any], rows: list[Row]) -> None:
    """Write the entries ``prepare_entries`` built for these cases, now saved, in the caller's
    transaction."""
    _insert([(c.pk, *row[1:]) for c, row in zip(complaints, rows, strict=True)])


def _build_many(sources: list[Source]) -> list[Row]:
    return [build_entry(source) for source in sources]


def _batches(batch: int) -> Iterator[list[Source]]:
    from insaf.complaints.models import Complaint

    last = 0
    while True:
        rows = list(
            Complaint.objects.filter(pk__gt=last).order_by("pk").values_list(*SOURCE_FIELDS)[:batch]
        )
        if not rows:
            return
        last = rows[-1][0]
        yield rows


_FACETS = COLUMNS.index("facets")


def _write(rows: list[Row], *, stale: str | None = None) -> int:
    """Write these entries in place of their cases' entries, in one transaction; returns how many
    were written. The cases' facets are read again there, under their row locks (PostgreSQL;
    on SQLite a transaction holds the write lock from its start), so that a status or label
    change committed since the rows were built is not undone; a case deleted meanwhile gets no
    entry. ``stale``: the current entry version; only entries not of it are replaced (another
    process may have rewritten some meanwhile)."""
    from insaf.complaints.models import Complaint

    ids = [row[0] for row in rows]
    with transaction.atomic():
        facets = {
            pk: facets_column(*values)
            for pk, *values in Complaint.objects.select_for_update()
            .filter(pk__in=ids)
            .values_list("pk", *FACET_FIELDS)
        }
        entries = SearchEntry.objects.filter(complaint_id__in=ids)
        fresh: set[int] = set()
        if stale is not None:
            fresh = set(
                entries.filter(version=stale, received_at__isnull=False).values_list(
                    "complaint_id", flat=True
                )
            )
        rows = [
            (*row[:_FACETS], facets[row[0]], *row[_FACETS + 1 :])
            for row in rows
            if row[0] in facets and row[0] not in fresh
        ]
        SearchEntry.objects.filter(complaint_id__in=[row[0] for row in rows]).delete()
        _insert(rows)
    return len(rows)


def refresh_stale(after: int = 0, limit: int = REFRESH_BATCH) -> tuple[int, int | None]:
    """Rewrite the first ``limit`` stale entries (``stale_entries``) of the cases whose id is
    greater than ``after``. Returns how many were rewritten and the last case id looked at, or
    None for it when no stale entry is left after ``after``."""
    from insaf.complaints.models import Complaint

    version = entry_version()
    ids = list(
        SearchEntry.objects.filter(complaint_id__gt=after)
        .exclude(version=version, received_at__isnull=False)
        .order_by("complaint_id")
        .values_list("complaint_id", flat=True)[:limit]
    )
    if not ids:
        return 0, None
    sources = list(Complaint.objects.filter(pk__in=ids).order_by("pk").values_list(*SOURCE_FIELDS))
    return _write(_build_many(sources), stale=version), ids[-1]


def catch_up(seconds: float, state: dict[str, Any], batch: int = REFRESH_BATCH) -> int:
    """Rewrite stale entries, ``batch`` per transaction, for about ``seconds`` (the background
    job's share of a minute); returns how many were rewritten. ``state`` carries, from one run to
    the next in the same process, where the walk through the entries stopped and whether it
    found none left for the current version: then the entries are looked at again only when
    the version changes (a lexicon change, a release) or a day later (an older release's process
    still writing during an upgrade). The lexicon's revision is looked at first (not after up to
    30 seconds, as searches do), so the entries are rewritten with the lexicon as it is now."""
    layer(fresh=True)
    version = entry_version()
    now = time.monotonic()
    if state.get("version") != version or now - state.get("walked", now) > 86_400:
        state.clear()
        state.update(version=version, after=0)
    if state.get("done"):
        return 0
    deadline = now + seconds
    written = 0
    while True:
        count, last = refresh_stale(state["after"], batch)
        written += count
        if last is None:
            state.update(done=True, walked=time.monotonic())
            return written
        state["after"] = last
        if time.monotonic() >= deadline:
            return written


def reindex(
    *, progress: Callable[[int, int], None] | None = None, workers: int | None = None
) -> int:
    """Rebuild every case's entry, a batch per transaction (searches keep working meanwhile;
    a case filed during the rebuild is indexed by its own intake). Returns the cases indexed."""
    from insaf.complaints.models import Complaint

    total = Complaint.objects.count()
    done = 0
    fuzzy.clear()  # refilled by the batches, without the words of texts since changed
    if progress:
        progress(0, total)

    def write(sources: list[Source], rows: list[Row]) -> None:
        nonlocal done
        _write(rows)
        done += len(sources)
        if progress:
            progress(done, total)

    workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    if workers <= 1 or total < REINDEX_BATCH:
        for sources in _batches(REINDEX_BATCH):
            write(sources, _build_many(sources))
        return done
    connection.close()  # never share a connection with forked workers
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        # With fork, the first submit starts every worker: do it while no connection is open.
        pool.submit(int).result()
        pending: list[tuple[list[Source], Any]] = []
        for sources in _batches(REINDEX_BATCH):
            pending.append((sources, pool.submit(_build_many, sources)))
            if len(pending) > workers * 2:
                first, future = pending.pop(0)
                write(first, future.result())
        for first, future in pending:
            write(first, future.result())
    # Cases deleted meanwhile (never in normal operation) leave no entry behind: CASCADE, and
    # _write gives none to a case it no longer finds.
    return done
