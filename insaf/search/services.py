"""Searching cases: one query, parsed once (query.py), run inside the user's scope.

The scope (insaf/complaints/selectors.py) and the filters are conditions of the same SQL query as
the full-text match, so a case the user may not see is never read, counted or ranked. SQLite ranks
by bm25 over the FTS5 table, PostgreSQL by ts_rank_cd over the tsvector; the body stream weighs
more than the alternate one (Arabizi transliterations) on both.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from insaf.complaints.models import Complaint
from insaf.complaints.selectors import cases_for
from insaf.search import fuzzy
from insaf.search.concepts import expand as concept_expand
from insaf.search.concepts import reason
from insaf.search.indexing import facet_token
from insaf.search.query import Item, Phrase, Query, Term, parse
from insaf.search.snippets import snippet
from insaf.triage.labels import VULNERABLE_BITS, Vulnerable

MAX_LIMIT = 100
# Relevance is ranked among at most this many matches, the newest (see ranked_ids).
RANK_WINDOW = 500
# On PostgreSQL, a common query first streams a slice of the newest entries: twice as many as its
# estimated density needs, within these bounds (see _window_postgresql).
STREAM_ENTRIES = (20_000, 200_000)
# What the next entry streamed and the next match read from the GIN index cost, relatively (on
# a million entries the stream read 1.3 microseconds an entry, the index 5 a match).
STREAM_ROW_COST, INDEX_MATCH_COST = 1.3, 5.0
# bm25 column weights (body, alt) on SQLite; the 'A' and 'B' weights of ts_rank_cd on PostgreSQL.
BODY_WEIGHT, ALT_WEIGHT = 1.0, 0.4
# The labels' weight: a case found by meaning ranks higher when its labels also say it. A label
# that agrees (set by triage or an officer after reading the whole text) is as good a sign as a
# word of the text: the same weight as the body.
FACET_WEIGHT = 1.0


@dataclass(frozen=True)
class Filters:
    status: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    priority: tuple[str, ...] = ()
    grave: bool | None = None
    vulnerable: tuple[str, ...] = ()
    country: str | None = None
    unit: int | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None

    def terms(self) -> list[Term]:
        """The filters on labels as index terms (the facet tokens of search_entry), so the
        full-text match itself is narrowed; ``apply`` states the same conditions in SQL."""
        wanted = [
            ("s", self.status),
            ("k", self.kind),
            ("c", self.category),
            ("p", self.priority),
            ("v", self.vulnerable),
        ]
        if self.grave is not None:
            wanted.append(("g", (str(int(self.grave)),)))
        return [
            Term(tuple(facet_token(name, v) for v in values)) for name, values in wanted if values
        ]

    def days(self) -> int | None:
        """The length of the received-date range in days (None when open at both ends)."""
        if self.received_from is None and self.received_to is None:
            return None
        start = self.received_from or dt.date(2000, 1, 1)
        end = self.received_to or timezone.localdate()
        return max(1, (end - start).days + 1)

    def apply(self, cases: QuerySet[Complaint]) -> QuerySet[Complaint]:
        if self.status:
            cases = cases.filter(status__in=self.status)
        if self.kind:
            cases = cases.filter(kind__in=self.kind)
        if self.category:
            cases = cases.filter(category__in=self.category)
        if self.priority:
            cases = cases.filter(priority__in=self.priority)
        if self.grave is not None:
            cases = cases.filter(grave=self.grave)
        if self.vulnerable:
            cases = cases.filter(vulnerable_mask__in=_masks_with(self.vulnerable))
        if self.country:
            cases = cases.filter(country_id=self.country)
        if self.unit is not None:
            cases = cases.filter(handling_unit_id=self.unit)
        # On PostgreSQL, the dates are asked of the case's search entry (models.SearchEntry,
        # received_at), where the planner can intersect them with the GIN index's matches.
        received = (
            "search_entry__received_at" if connection.vendor == "postgresql" else "received_at"
        )
        zone = timezone.get_current_timezone()
        if self.received_from is not None:
            start = dt.datetime.combine(self.received_from, dt.time.min, tzinfo=zone)
            cases = cases.filter(**{f"{received}__gte": start})
        if self.received_to is not None:
            end = dt.datetime.combine(self.received_to + dt.timedelta(days=1), dt.time.min, zone)
            cases = cases.filter(**{f"{received}__lt": end})
        return cases


def _masks_with(groups: tuple[str, ...]) -> list[int]:
    """Every vulnerable-group mask that has at least one of ``groups``."""
    wanted = 0
    for group in groups:
        wanted |= VULNERABLE_BITS[Vulnerable(group)]
    return [mask for mask in range(1 << len(VULNERABLE_BITS)) if mask & wanted]


@dataclass
class Hit:
    complaint: Complaint
    score: float
    snippet: str = ""
    # False when the case matched only through a similar spelling of a query word (fuzzy.py)
    # or through a concept or label a query word names (concepts.py).
    exact: bool = True
    # For a match through a concept: which, and by which words of the case.
    reason: str = ""
    # The words typed that the case was found without (the loose tier of concepts.expand).
    missing: tuple[str, ...] = ()


@dataclass
class Results:
    query: Query
    hits: list[Hit] = field(default_factory=list)


def matching(
    cases: QuerySet[Complaint],
    query: Query,
    *,
    newest_first: bool = False,
    window_days: int | None = None,
    exact: Query | None = None,
    stream: bool = False,
) -> Any:
    """``cases`` that match ``query``, each with a ``score`` (higher is better); best first, or
    newest first (by id, the order cases were written) when ``newest_first``. With ``exact`` (the
    query before fuzzy expansion), each also has ``exact``: 1 when it matches that, else 0.
    ``stream``: on PostgreSQL, whether the newest first are streamed (see ``_matching``)."""
    found = _matching(
        cases, query, newest_first=newest_first, window_days=window_days, stream=stream
    )
    if exact is None:
        return found
    if connection.vendor == "postgresql":
        flag = "(search_entry.document @@ to_tsquery('simple'::regconfig, %s))::int"
        # fixed SQL; the query text is a bound parameter
        return found.extra(select={"exact": flag}, select_params=[exact.tsquery()])  # noqa: S610
    flag = (
        "CASE WHEN search_fts.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s) "
        "THEN 1 ELSE 0 END"
    )
    return found.extra(select={"exact": flag}, select_params=[exact.fts5()])  # noqa: S610


def _matching(
    cases: QuerySet[Complaint],
    query: Query,
    *,
    newest_first: bool,
    window_days: int | None,
    stream: bool = False,
) -> Any:
    if connection.vendor == "postgresql":
        ts = query.tsquery()
        # Newest first: streamed down the entries' primary key, stopping at the window (a common
        # query), or answered from the GIN index and sorted ("+ 0" keeps PostgreSQL from walking
        # the key, which it underprices for rare and AND-ed words). _window_postgresql chooses.
        newest = "-search_entry.complaint_id" if stream else "-search_entry_newest"
        return cases.extra(  # fixed SQL; the query text is a bound parameter
            tables=["search_entry"],
            where=[
                "search_entry.complaint_id = complaints_complaint.id",
                "search_entry.document @@ to_tsquery('simple'::regconfig, %s)",
            ],
            params=[ts],
            select={
                "score": "ts_rank_cd(ARRAY[%s, 0, %s, %s]::float4[], search_entry.document, "
                "to_tsquery('simple'::regconfig, %s))",
                "search_entry_newest": "search_entry.complaint_id + 0",
            },
            select_params=[FACET_WEIGHT, ALT_WEIGHT, BODY_WEIGHT, ts],
            order_by=[newest] if newest_first else ["-score", "-id"],
        )
    return cases.extra(  # fixed SQL; the query text is a bound parameter
        tables=["search_fts"],
        where=["search_fts.rowid = complaints_complaint.id", "search_fts MATCH %s"],
        params=[query.fts5()],
        # bm25 is lower for better matches: negated, so that higher is better on both backends.
        select={"score": "-bm25(search_fts, %s, %s, %s)"},
        select_params=[BODY_WEIGHT, ALT_WEIGHT, FACET_WEIGHT],
        # Ordering by the FTS table's rowid lets FTS5 stream its matches newest first.
        order_by=["-search_fts.rowid"] if newest_first else ["-score", "-id"],
    )


# A query whose rarest required part is in at least this share of the entries is "common".
COMMON_SHARE = 0.01
# Below this, a common query asks the GIN index among the newest entries before it streams any
# (_window_from_index): a slice streamed at 1 % to 5 % cost 20 to 130 ms at a million entries.
STREAM_SHARE = 0.05
DATE_SPAN_DAYS = 5 * 365
STATISTICS_SECONDS = 300
_statistics: tuple[float, dict[str, float], float] = (0.0, {}, 0.0)


def _stream_entries(density: float | None, size: int) -> int:
    """How many of the newest entries a common query streams, looking for ``size`` matches,
    before it asks the GIN index."""
    least, most = STREAM_ENTRIES
    if not density:
        return least
    return int(min(most, max(least, 2 * size / density)))


def _lexeme_shares() -> tuple[dict[str, float], float]:
    """PostgreSQL's sample statistics of search_entry.document (refreshed by ANALYZE and
    autovacuum): the share of entries holding each of its most common lexemes, and the share
    below which a lexeme is not listed. Read at most every five minutes per process."""
    global _statistics
    read_at, shares, floor = _statistics
    now = time.monotonic()
    if now - read_at > STATISTICS_SECONDS or not read_at:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                "WHERE tablename = 'search_entry' AND attname = 'document'"
            )
            row = cursor.fetchone()
        shares, floor = {}, 0.0
        if row and row[0]:
            shares = dict(zip(row[0], (float(f) for f in row[1]), strict=False))
            # After the frequencies: the minimum, the maximum, the share of null entries.
            floor = float(row[1][-3]) if len(row[1]) >= 3 else 0.0
        _statistics = (now, shares, floor)
    return shares, floor


def _share(item: Item, shares: dict[str, float], floor: float) -> float:
    if isinstance(item, Term):
        if item.prefix:
            return 1.0  # unknown: treated as common
        # Lexemes missing from the statistics are rarer than the rarest listed: they count as
        # nothing beside a listed one, and as half the floor when none is listed.
        known = [shares[t] for t in item.tokens if t in shares]
        return min(1.0, sum(known)) if known else floor / 2
    if isinstance(item, Phrase):
        return min(_share(word, shares, floor) for word in item.words)
    return min(1.0, sum(_share(inner, shares, floor) for inner in item.items))


def _common(density: float | None) -> bool:
    """Whether matches this dense (``_density_on_postgresql``) among the newest entries let a
    stream reach the window soon (no statistics: a new or small database, where it is safe)."""
    return density is None or density >= COMMON_SHARE


def _density_on_postgresql(query: Query, window_days: int | None) -> float | None:
    """The share of the entries that match, at most: that of the rarest required part (a word,
    a phrase's rarest word, a label filter), times the received-date range as a share of five
    years. None without statistics (a new or small database: streaming is safe there).

    Words that occur together are not independent, so the rarest part is only a bound: two
    common words that seldom meet, or a phrase of common words, may be far rarer. The stream
    finds that out as it goes (``_window_postgresql``). Estimating them as independent (the
    product of the shares) sent twice as many queries over 100 ms at a million cases: words
    that meet often are read from the GIN index, every match of them."""
    shares, floor = _lexeme_shares()
    if not shares:
        return None
    density = min(_share(item, shares, floor) for item in query.required)
    if window_days is not None:
        density *= min(1.0, window_days / DATE_SPAN_DAYS)
    return density


def ranked_ids(
    cases: QuerySet[Complaint],
    query: Query,
    *,
    limit: int,
    offset: int = 0,
    window_days: int | None = None,
    besides: Query | None = None,
    horizon: _Newest | None = None,
) -> list[tuple[int, float]]:
    """(id, score) of the best matches among the newest ``RANK_WINDOW`` matching ``cases``;
    with ``besides``, only the matches that do not match that query. ``horizon``: the search's
    newest entry, read once for all its tiers (PostgreSQL).

    One SQL statement: the inner query streams the matches in the scope and filters newest first
    and stops at the window; only those are scored and sorted. A query matching fewer cases than
    the window (most do) is ranked over all its matches; a very common word (a third of a
    million cases) costs the window, not the whole index."""
    if connection.vendor == "postgresql":
        return _ranked_ids_postgresql(
            cases,
            query,
            limit=limit,
            offset=offset,
            window_days=window_days,
            besides=besides,
            horizon=horizon,
        )
    window = matching(cases, query, newest_first=True, window_days=window_days, exact=besides)
    window = window.values("id", "score", *(["exact"] if besides is not None else []))
    try:
        inner, params = window[:RANK_WINDOW].query.sql_with_params()
    except EmptyResultSet:  # a scope that holds no case (the secretariat's)
        return []
    where = "WHERE exact = 0 " if besides is not None else ""
    sql = (
        f"SELECT id, score FROM ({inner}) AS window_matches {where}"  # noqa: S608 - fixed text
        "ORDER BY score DESC, id DESC LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        return [(int(pk), float(score or 0.0)) for pk, score in cursor.fetchall()]


def _ranked_ids_postgresql(
    cases: QuerySet[Complaint],
    query: Query,
    *,
    limit: int,
    offset: int,
    window_days: int | None,
    besides: Query | None,
    horizon: _Newest | None,
) -> list[tuple[int, float]]:
    """``ranked_ids`` on PostgreSQL. A window streamed newest first comes scored (its rows are
    read in order, nothing is sorted). A window from the GIN index is chosen by id alone and only
    its entries are read again to be scored (and, with ``besides``, tested against that query):
    a tsvector is a few kilobytes, and carried through the sort of thousands of matches it made
    the sort spill to disk."""
    try:
        window = _window_postgresql(cases, query, window_days, besides, horizon=horizon)
        if window.rows is not None:
            kept = [(pk, score) for pk, score, *flag in window.rows if not (flag and flag[0])]
            kept.sort(key=lambda row: (-row[1], -row[0]))
            return [(int(pk), float(score or 0.0)) for pk, score in kept[offset : offset + limit]]
        if window.ids is not None:
            inner, params = "SELECT unnest(%s::bigint[]) AS id", [window.ids]
        else:
            found = _indexed(cases, query, window_days).values("id")
            inner, params = found[:RANK_WINDOW].query.sql_with_params()
    except EmptyResultSet:  # a scope that holds no case (the secretariat's)
        return []
    where, extra = "", []
    if besides is not None:
        where = "WHERE NOT (entry.document @@ to_tsquery('simple'::regconfig, %s)) "
        extra = [besides.tsquery()]
    # Fixed text; the query texts are bound parameters.
    sql = (
        "SELECT window_matches.id, ts_rank_cd(ARRAY[%s, 0, %s, %s]::float4[], "  # noqa: S608
        "entry.document, "
        f"to_tsquery('simple'::regconfig, %s)) AS score FROM ({inner}) AS window_matches "
        "JOIN search_entry AS entry ON entry.complaint_id = window_matches.id "
        f"{where}ORDER BY score DESC, window_matches.id DESC LIMIT %s OFFSET %s"
    )
    weights: list[Any] = [FACET_WEIGHT, ALT_WEIGHT, BODY_WEIGHT, query.tsquery()]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*weights, *params, *extra, limit, offset])
        return [(int(pk), float(score or 0.0)) for pk, score in cursor.fetchall()]


class _Newest:
    """The id of the newest search entry, read when first asked and then kept: every tier of one
    search counts its windows back from the same entry, and asks the database once."""

    def __init__(self) -> None:
        self._id: int | None = None

    def __call__(self) -> int:
        if self._id is None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT max(complaint_id) FROM search_entry")
                self._id = int(cursor.fetchone()[0] or 0)
        return self._id


@dataclass(frozen=True)
class _Window:
    """How ``_window_postgresql`` found the newest RANK_WINDOW matches: streamed, with their
    scores (``rows``: (id, score) or, with ``besides``, (id, score, whether it matches that));
    from the GIN index among the newest entries (``ids``); or neither, when the GIN index is to
    find them among all the entries."""

    rows: list[tuple[Any, ...]] | None = None
    ids: list[int] | None = None


def _window_postgresql(
    cases: QuerySet[Complaint],
    query: Query,
    window_days: int | None,
    besides: Query | None,
    size: int | None = None,
    horizon: _Newest | None = None,
) -> _Window:
    """The newest ``size`` (RANK_WINDOW) matches, by the cheapest way (``_Window``), counted
    back from the newest entry (``horizon``).

    The statistics cannot tell how often common words meet, or follow each other in a phrase:
    two common words that seldom meet, streamed to the end, read the whole table (a million
    entries, over a second) for a few hundred matches. So a stream first reads a slice of the
    newest entries (twice what the estimated density needs, STREAM_ENTRIES bounds), and what it
    found there says how dense the matches really are. With that density the rest of the stream
    costs about STREAM_ROW_COST per entry it still has to read, and the GIN index about
    INDEX_MATCH_COST per match it reads; the cheaper goes on. The GIN index is asked first for
    the matches among as many of the newest entries as that density says hold twice the window
    (its matches and the entries' key range are intersected before any row is read), and for
    all of them only when those do not fill it.

    A query rarer than STREAM_SHARE by the statistics (but not rare: COMMON_SHARE) streams
    nothing first: ``_window_from_index``."""
    size = size or RANK_WINDOW
    density = _density_on_postgresql(query, window_days)
    if not _common(density):
        return _Window()
    newest = (horizon or _Newest())()
    if density is not None and density < STREAM_SHARE:
        return _window_from_index(cases, query, window_days, size, density, newest)
    first = _stream_entries(density, size)
    found = list(_streamed(cases, query, window_days, besides, after=newest - first)[:size])
    if len(found) == size or newest <= first:
        return _Window(rows=found)  # the window is full, or the stream has read every entry
    if not found:
        return _Window()  # no match among the newest: nothing says where the matches are
    met = len(found) / first
    span = min(newest, math.ceil(2 * size / met))
    if (size - len(found)) / met * STREAM_ROW_COST <= met * span * INDEX_MATCH_COST:
        more = _streamed(cases, query, window_days, besides, upto=newest - first)
        return _Window(rows=found + list(more[: size - len(found)]))
    ids = _indexed_after(cases, query, window_days, newest - span, size)
    return _Window(ids=ids) if len(ids) == size else _Window()


def _window_from_index(
    cases: QuerySet[Complaint],
    query: Query,
    window_days: int | None,
    size: int,
    density: float,
    newest: int,
) -> _Window:
    """The GIN index's matches among the newest entries that, at ``density``, hold twice the
    window (the index's matches and the key range intersected before any row is read). When
    those are too few, the rest are streamed from the entries just older, as far as the density
    met says should hold them four times over; and only when that falls short too is the index
    asked for every match. A second question to the index would cost what the first did (the
    posting lists of every word are read whole, 90 ms for two common words at a million cases),
    where a stream at the density met usually reads a few thousand entries."""
    span = min(newest, math.ceil(2 * size / density))
    ids = _indexed_after(cases, query, window_days, newest - span, size)
    if len(ids) == size or span >= newest:
        return _Window(ids=ids)  # the window is full, or holds every match
    if not ids:
        return _Window()  # nothing met: nothing says where the matches are
    wanted = size - len(ids)
    reach = math.ceil(4 * wanted * span / len(ids))
    if reach > STREAM_ENTRIES[1]:
        return _Window()
    older = _streamed(
        cases, query, window_days, None, after=newest - span - reach, upto=newest - span
    )
    more = [row[0] for row in older[:wanted]]
    if len(more) == wanted or reach >= newest - span:
        return _Window(ids=ids + more)
    return _Window()


def _indexed(cases: QuerySet[Complaint], query: Query, window_days: int | None) -> Any:
    """The matches taken from the GIN index, newest first."""
    return _matching(cases, query, newest_first=True, window_days=window_days, stream=False)


def _indexed_after(
    cases: QuerySet[Complaint], query: Query, window_days: int | None, after: int, size: int
) -> list[int]:
    """The ids of the newest ``size`` matches above entry ``after``, from the GIN index (its
    matches and the key range intersected before any row is read: the range is asked of the
    BRIN index of the entries' pages, search migration 0011, which costs the same however long
    the range, so the planner intersects even where it expects few matches)."""
    recent = _indexed(cases, query, window_days).extra(
        where=["search_entry.complaint_id > %s"], params=[after]
    )
    return list(recent.values_list("id", flat=True)[:size])


def _streamed(
    cases: QuerySet[Complaint],
    query: Query,
    window_days: int | None,
    besides: Query | None,
    *,
    after: int | None = None,
    upto: int | None = None,
) -> Any:
    """The matches streamed newest first (as ``_window_postgresql`` gives them), above
    ``after`` or from ``upto`` down."""
    found = matching(
        cases, query, newest_first=True, window_days=window_days, exact=besides, stream=True
    )
    # On the entry's key, not the case's: PostgreSQL then walks the entries' primary key and
    # reads a case only for a match (bound on the case's id, it walked the cases and read an
    # entry for each).
    if after is not None:
        found = found.extra(where=["search_entry.complaint_id > %s"], params=[after])
    if upto is not None:
        found = found.extra(where=["search_entry.complaint_id <= %s"], params=[upto])
    return found.values_list("id", "score", *(["exact"] if besides is not None else []))


# Fewer matches than this for the query as typed, and its words also match similar spellings.
FUZZY_BELOW = 10


def search(
    text: str,
    *,
    user: Any | None,
    filters: Filters | None = None,
    limit: int = 20,
    offset: int = 0,
    snippets: bool = True,
    concepts: bool = True,
) -> Results:
    """Cases matching ``text`` that ``user`` may see (every case when ``user`` is None: the
    command line, run by whoever holds the database), best first. QueryError when the text has
    nothing to look for.

    Tiers, each after the one before: the cases that match the words as typed; then (with
    ``concepts``) those that match only through the concepts and labels the words name
    (concepts.py), each with its reason; then those that match the concepts without the other
    words typed, saying which words they lack; then, when few matched, those that match only
    through similar spellings of the words (fuzzy.py)."""
    typed = parse(text)
    filters = filters or Filters()
    query = Query(required=[*typed.required, *filters.terms()], excluded=typed.excluded)
    cases = filters.apply(cases_for(user) if user is not None else Complaint.objects.all())
    limit = max(1, min(limit, MAX_LIMIT))
    days = filters.days()
    horizon = _Newest()  # read once, on PostgreSQL, by the first tier that needs it
    expansion = concept_expand(typed, text) if concepts else None
    as_typed = query  # the words with every reading, roots included (to highlight a root)
    roots = expansion.roots if expansion is not None else ()
    if expansion is not None and expansion.exact is not None:
        query = Query(
            required=[*expansion.exact.required, *filters.terms()], excluded=typed.excluded
        )
    found = ranked_ids(cases, query, limit=limit, offset=offset, window_days=days, horizon=horizon)
    meaning: dict[int, dict[str, str]] = {}  # the cases found through concepts
    without: dict[int, tuple[str, ...]] = {}  # of those, the ones without some words typed
    covered = query  # what the tiers so far match
    if expansion is not None:
        wider = Query(
            required=[*expansion.query.required, *filters.terms()], excluded=typed.excluded
        )
        more = _next_tier(
            cases, wider, query, found, limit=limit, offset=offset, days=days, horizon=horizon
        )
        found += more
        meaning = {pk: expansion.concepts for pk, _ in more}
        covered = wider
        if expansion.loose is not None:
            # Then the cases that match the concepts but not the other words ("رشوة الزرقاء":
            # the bribes that never mention Zarqa).
            loose = Query(
                required=[*expansion.loose.required, *filters.terms()], excluded=typed.excluded
            )
            more = _next_tier(
                cases,
                loose,
                covered,
                found,
                limit=limit,
                offset=offset,
                days=days,
                horizon=horizon,
            )
            found += more
            meaning.update({pk: expansion.concepts for pk, _ in more})
            without = {pk: expansion.dropped for pk, _ in more}
            covered = loose
    # Few matches so far (fewer than FUZZY_BELOW): after them come the cases that match only
    # when the words also match their similar spellings in the index (names, misspellings).
    if offset == 0 and len(found) < limit:
        so_far = len(found)
    elif offset == 0 and limit >= FUZZY_BELOW:
        so_far = FUZZY_BELOW
    else:
        so_far = _count(cases, covered, days, FUZZY_BELOW, horizon)
    expanded = fuzzy.expand(typed) if so_far < FUZZY_BELOW else None
    similar: dict[int, Query] = {}  # the cases found through similar spellings
    if expanded is not None:
        wider = Query(required=[*expanded.required, *filters.terms()], excluded=typed.excluded)
        more = _next_tier(
            cases,
            wider,
            covered,
            found,
            limit=limit,
            offset=offset,
            days=days,
            before=so_far,
            horizon=horizon,
        )
        found += more
        similar = {pk: wider for pk, _ in more}
    by_id = Complaint.objects.select_related(
        "country", "handling_unit", "handling_officer"
    ).in_bulk([pk for pk, _ in found])
    hits = [
        Hit(by_id[pk], score, exact=pk not in similar and pk not in meaning)
        for pk, score in found
        if pk in by_id
    ]
    for hit in hits:
        named = meaning.get(hit.complaint.pk)
        if named:
            hit.reason, spans = concept_reason(hit.complaint, named)
            by_root = not hit.reason and bool(roots)
            if by_root:
                # Found by a word of the same root, neither the concept's words nor its labels.
                hit.reason = _("a word of the same root as %(words)s") % {"words": " ".join(roots)}
            missing = without.get(hit.complaint.pk)
            if missing:
                hit.missing = missing
                hit.reason = _("%(reason)s (without: %(words)s)") % {
                    "reason": hit.reason,
                    "words": " ".join(missing),
                }
            if snippets:
                shown = as_typed if by_root else query
                hit.snippet = snippet(hit.complaint.text, shown, spans=spans)
        elif snippets:
            hit.snippet = snippet(hit.complaint.text, similar.get(hit.complaint.pk, query))
    return Results(as_typed, hits)


def _next_tier(
    cases: QuerySet[Complaint],
    query: Query,
    covered: Query,
    found: list[tuple[int, float]],
    *,
    limit: int,
    offset: int,
    days: int | None,
    before: int | None = None,
    horizon: _Newest | None = None,
) -> list[tuple[int, float]]:
    """The part of the page (``limit`` cases from ``offset``) that falls to a tier: the cases that
    match ``query`` and not ``covered`` (the tiers before it, ``before`` cases when the caller
    has counted them), after the ``found`` so far."""
    if len(found) >= limit:
        return []
    if before is None:
        before = (
            len(found) if offset == 0 else _count(cases, covered, days, offset + limit, horizon)
        )
    return ranked_ids(
        cases,
        query,
        limit=limit - len(found),
        offset=max(0, offset - before),
        window_days=days,
        besides=covered,
        horizon=horizon,
    )


def _count(
    cases: QuerySet[Complaint],
    query: Query,
    window_days: int | None,
    most: int,
    horizon: _Newest | None = None,
) -> int:
    """How many cases match ``query``, counted up to ``most`` (on PostgreSQL as the window is
    found: a walk that meets few matches turns to the GIN index)."""
    try:
        if connection.vendor == "postgresql":
            window = _window_postgresql(cases, query, window_days, None, most, horizon)
            if window.rows is not None:
                return len(window.rows)
            if window.ids is not None:
                return len(window.ids)
            found = _indexed(cases, query, window_days)
        else:
            found = matching(cases, query, newest_first=True, window_days=window_days)
        return len(found.values_list("id", flat=True)[:most])
    except EmptyResultSet:
        return 0


def concept_reason(case: Complaint, concepts: dict[str, str]) -> tuple[str, list[tuple[int, int]]]:
    """Why ``case`` matched through ``concepts``, and where in its text (for the snippet)."""
    from insaf.search.indexing import facet_tokens

    facets = set(
        facet_tokens(
            case.status, case.kind, case.category, case.priority, case.grave, case.vulnerable_mask
        )
    )
    return reason(case.text, facets, concepts, case.language)
