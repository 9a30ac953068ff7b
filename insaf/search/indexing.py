"""Writing the search index: the analysed text and MinHash bands of each case.

Intake (insaf/complaints/services/intake.py) and the bulk import (insaf/complaints/bulk.py) build
a case's entry before their transaction (``prepare_entries``) and write it in the transaction that
writes the case (``write_entries``), so a case is never committed without its index entry.
``reindex`` rebuilds every entry (``insaf search reindex``).
"""

from __future__ import annotations

import multiprocessing
import os
import re
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


def refresh_facets(complaint: Any) -> None:
    """Rewrite a case's facet tokens after a change of its labels or status (the caller's
    transaction; workflow._bump calls it)."""
    values = [getattr(complaint, name) for name in FACET_FIELDS]
    SearchEntry.objects.filter(complaint_id=complaint.pk).update(
        facets=" ".join(facet_tokens(*values))
    )


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
        " ".join(facet_tokens(*facets)),
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


def _write(sources: Sequence[Source], entries: list[Row]) -> None:
    ids = [source[0] for source in sources]
    with transaction.atomic():
        SearchEntry.objects.filter(complaint_id__gte=ids[0], complaint_id__lte=ids[-1]).delete()
        _insert(entries)


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
        _write(sources, rows)
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
    # Cases deleted meanwhile (never in normal operation) leave no entry behind: CASCADE.
    return done
