"""Searching cases through the real index (FTS5 on SQLite, tsvector on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from insaf.accounts.roles import Role
from insaf.complaints.enums import Status
from insaf.complaints.models import Complaint
from insaf.complaints.services import LabelChanges, complaint_correct_labels, complaint_transition
from insaf.search import indexing
from insaf.search.indexing import stale_entries
from insaf.search.models import SearchEntry
from insaf.search.query import QueryError
from insaf.search.services import Filters, search
from tests.conftest import Org, make_staff
from tests.search.conftest import FileCase

pytestmark = pytest.mark.django_db

TORTURE = "عذبوني في مركز الشرطة ثلاثة أيام وضربوني حتى فقدت الوعي"
TORTURE_MSA = "تعرض ابني للتعذيب أثناء التحقيق معه في السجن المركزي"
BRIBE = "طلب الموظف الرشوة مقابل إنهاء معاملة رخصة القيادة"
PASSPORT = "انتظرت ثلاثة أشهر لتجديد جواز سفري ولم يرد أحد على الهاتف"
NAME = "الضابط أحمد المصري صادر هاتفي دون أي محضر"
ARABIZI = "el zabet 3azabni fel 2esm w 7abasni yomen"
FRENCH = "Les agents ont refusé d'enregistrer ma plainte au commissariat de Zarqa"
DIGITS = "حدث ذلك يوم ١٥ آذار عند الحاجز رقم ٤٧"


def refs(text: str, **kwargs: object) -> set[str]:
    return {hit.complaint.reference for hit in search(text, user=None, limit=100, **kwargs).hits}  # type: ignore[arg-type]


@pytest.fixture
def cases(file_case: FileCase) -> dict[str, Complaint]:
    texts = {
        "torture": TORTURE,
        "torture_msa": TORTURE_MSA,
        "bribe": BRIBE,
        "passport": PASSPORT,
        "name": NAME,
        "arabizi": ARABIZI,
        "french": FRENCH,
        "digits": DIGITS,
    }
    return {key: file_case(text) for key, text in texts.items()}


def test_every_filed_case_is_indexed_in_its_transaction(cases: dict[str, Complaint]) -> None:
    assert SearchEntry.objects.count() == Complaint.objects.count() == len(cases)


def test_a_rolled_back_filing_leaves_no_entry(file_case: FileCase) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        file_case(BRIBE)
        raise RuntimeError
    assert not SearchEntry.objects.exists()
    assert refs("رشوة") == set()


@pytest.mark.parametrize(
    "query,key",
    [
        ("التعذيب", "torture_msa"),
        ("تعذيب", "torture_msa"),
        ("رشوه", "bribe"),
        ("الرشوة", "bribe"),
        ("رشوة", "bribe"),
        ("جواز", "passport"),
        ("الجوازات", "passport"),
        ("احمد", "name"),
        ("أحمد", "name"),
        ("3azabni", "arabizi"),
        ("plainte", "french"),
        ("PLAINTES", "french"),
        ("commissariat", "french"),
        ("١٥", "digits"),
        ("15", "digits"),
        ("47", "digits"),
    ],
)
def test_issue_examples(cases: dict[str, Complaint], query: str, key: str) -> None:
    assert cases[key].reference in refs(query)


def test_arabizi_meets_arabic(cases: dict[str, Complaint]) -> None:
    # The Arabizi text is found by the Arabic word, and the Arabic one by its Arabizi spelling.
    assert cases["arabizi"].reference in refs("حبسني")
    assert cases["torture"].reference in refs("3azabouni")


def test_all_words_must_match(cases: dict[str, Complaint]) -> None:
    assert refs("مركز الشرطة") == {cases["torture"].reference}
    assert refs("رشوة جواز", concepts=False) == set()
    # By meaning, "جواز" names passports, and the bribe was for a driving licence; official
    # documents are every kind of document.
    assert refs("رشوة جواز") == set()
    assert refs("رشوة الوثائق الرسمية") == {cases["bribe"].reference}


def test_phrase_exclusion_or_prefix(cases: dict[str, Complaint]) -> None:
    assert refs('"مركز الشرطة"') == {cases["torture"].reference}
    assert refs('"الشرطة مركز"') == set()
    assert refs("ثلاثة") == {cases["torture"].reference, cases["passport"].reference}
    assert refs("ثلاثة -جواز") == {cases["torture"].reference}
    assert refs("رشوة OR جواز") == {cases["bribe"].reference, cases["passport"].reference}
    assert cases["passport"].reference in refs("انتظر*")


def test_results_have_a_score_and_a_highlighted_snippet(cases: dict[str, Complaint]) -> None:
    (hit,) = search("الرشوه", user=None).hits
    assert hit.score > 0
    assert "<mark>الرشوة</mark>" in hit.snippet


def test_a_word_found_by_its_root_is_marked(file_case: FileCase) -> None:
    file_case("في المركز كسروا يدي أثناء التحقيق")  # كسروا: the root of كسور, fractures
    (hit,) = search("كسور", user=None, concepts=False).hits
    assert "<mark>كسروا</mark>" in hit.snippet


def test_snippet_escapes_html(file_case: FileCase) -> None:
    file_case("<script>alert(1)</script> طلبوا رشوة مني")
    (hit,) = search("رشوة", user=None).hits
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet


def test_best_match_first(file_case: FileCase) -> None:
    once = file_case("طلب الموظف مبلغا ثم غادر المكتب دون أن ينجز الطلب المقدم")
    often = file_case("رشوة ثم رشوة ثم رشوة: الموظف لا يعمل إلا بالرشوة ويطلب الرشوة علنا")
    some = file_case("تأخر الموظف في إنجاز المعاملة وطلب رشوة صغيرة")
    hits = search("رشوة", user=None).hits
    assert [h.complaint for h in hits] == [often, some]
    assert once not in [h.complaint for h in hits]


def test_filters(cases: dict[str, Complaint]) -> None:
    bribe = cases["bribe"]
    assert refs("رشوة", filters=Filters(status=(Status.REGISTERED,))) == {bribe.reference}
    assert refs("رشوة", filters=Filters(status=(Status.CLOSED,))) == set()
    assert refs("رشوة", filters=Filters(category=(bribe.category,))) == {bribe.reference}
    assert refs("رشوة", filters=Filters(grave=not bribe.grave)) == set()
    assert refs("رشوة", filters=Filters(country="EG")) == set()
    day = bribe.received_at.date()
    assert refs("رشوة", filters=Filters(received_from=day, received_to=day)) == {bribe.reference}
    later = day.replace(year=day.year + 1)
    assert refs("رشوة", filters=Filters(received_from=later)) == set()


def test_a_date_filter_finds_a_case_received_at_the_turn_of_a_month(file_case: FileCase) -> None:
    # 22:30 in UTC on 31 March is 01:30 on 1 April in Amman: the index has the UTC month.
    first_of_april = file_case(BRIBE, received_at=dt.datetime(2025, 3, 31, 22, 30, tzinfo=dt.UTC))
    may = file_case(BRIBE, received_at=dt.datetime(2025, 5, 2, 9, 0, tzinfo=dt.UTC))
    with timezone.override(ZoneInfo("Asia/Amman")):
        day = dt.date(2025, 4, 1)
        assert refs("رشوة", filters=Filters(received_from=day, received_to=day)) == {
            first_of_april.reference
        }
        march = Filters(received_from=dt.date(2025, 3, 1), received_to=dt.date(2025, 3, 31))
        assert refs("رشوة", filters=march) == set()
        assert refs("رشوة", filters=Filters(received_from=day)) == {
            first_of_april.reference,
            may.reference,
        }
        assert refs("رشوة", filters=Filters(received_to=day)) == {first_of_april.reference}


def test_the_entry_carries_the_date_a_date_filter_asks_on_postgresql(file_case: FileCase) -> None:
    from django.db import connection

    received = dt.datetime(2024, 2, 29, 8, 15, tzinfo=dt.UTC)
    case = file_case(BRIBE, received_at=received)
    assert SearchEntry.objects.get(complaint=case).received_at == received
    call_command("search", "reindex", "--no-progress", stdout=StringIO())
    assert SearchEntry.objects.get(complaint=case).received_at == received
    sql = str(Filters(received_from=dt.date(2024, 2, 1)).apply(Complaint.objects.all()).query)
    if connection.vendor == "postgresql":
        # Asked of the entry, where the planner can intersect it with the GIN index's matches.
        assert '"search_entry"."received_at" >=' in sql
    else:
        assert '"complaints_complaint"."received_at" >=' in sql


def test_vulnerable_filter(jordan: Org, file_case: FileCase) -> None:
    child = file_case("ضرب الشرطي ابني في المدرسة وطلب رشوة")
    other = file_case("طلب الموظف رشوة لتسريع المعاملة")
    head = jordan.staff[Role.UNIT_HEAD]
    for case, groups in ((child, ["child"]), (other, ["woman"])):
        case.refresh_from_db()
        complaint_correct_labels(
            actor=head,
            complaint_id=case.pk,
            version=case.version,
            changes=LabelChanges(vulnerable=groups),
        )
    assert refs("رشوة", filters=Filters(vulnerable=("child",))) == {child.reference}
    assert refs("رشوة", filters=Filters(vulnerable=("child", "woman"))) == {
        child.reference,
        other.reference,
    }
    assert refs("رشوة", filters=Filters(vulnerable=("elderly",))) == set()


def test_staff_scope_is_part_of_the_query(jordan: Org, file_case: FileCase) -> None:
    mine = file_case(BRIBE)
    about_them = file_case(
        BRIBE + " في المركز الثاني", unit_complained_about_id=jordan.sibling_unit.pk
    )
    outsider = make_staff("outsider", Role.INVESTIGATOR, jordan, unit=jordan.other_unit)
    admin = jordan.staff[Role.NATIONAL_ADMIN]
    sibling = make_staff("sibling", Role.UNIT_HEAD, jordan, unit=jordan.sibling_unit)
    assert {h.complaint for h in search("رشوة", user=admin).hits} == {mine, about_them}
    assert search("رشوة", user=outsider).hits == []
    # The unit complained about never finds the case about itself.
    assert about_them not in {h.complaint for h in search("رشوة", user=sibling).hits}


def test_secretariat_analyst_finds_nothing(analyst: object, cases: dict[str, Complaint]) -> None:
    assert search("رشوة", user=analyst).hits == []


def test_query_with_nothing_to_look_for() -> None:
    with pytest.raises(QueryError):
        search("في على", user=None)


def test_command_json(cases: dict[str, Complaint]) -> None:
    out = StringIO()
    call_command("search", "رشوه", "--json", "--limit", "5", stdout=out)
    rows = json.loads(out.getvalue())
    assert [r["reference"] for r in rows] == [cases["bribe"].reference]
    assert set(rows[0]) == {"reference", "external_id", "score", "snippet", "exact", "matched"}
    assert rows[0]["external_id"] is None


def test_reindex_rebuilds_the_same_entries(cases: dict[str, Complaint]) -> None:
    before = {e.pk: (e.body, e.alt, bytes(e.signature)) for e in SearchEntry.objects.all()}
    SearchEntry.objects.filter(complaint=cases["bribe"]).delete()
    SearchEntry.objects.filter(complaint=cases["name"]).update(body="", alt="")
    assert refs("رشوة") == set()
    out, err = StringIO(), StringIO()
    call_command("search", "reindex", "--workers", "1", stdout=out, stderr=err)
    assert f"Indexed {len(cases)} cases." in out.getvalue()
    after = {e.pk: (e.body, e.alt, bytes(e.signature)) for e in SearchEntry.objects.all()}
    assert after == before
    assert refs("رشوة") == {cases["bribe"].reference}
    assert refs("احمد") == {cases["name"].reference}


def test_status_counts_the_entries_an_older_analyser_or_lexicon_wrote(
    cases: dict[str, Complaint], monkeypatch: pytest.MonkeyPatch
) -> None:
    def status() -> str:
        out = StringIO()
        call_command("search", "status", stdout=out)
        return out.getvalue()

    assert f"{len(cases)} cases indexed" in status()
    assert "Every entry is up to date." in status()
    # One entry from before versions were recorded: stale.
    SearchEntry.objects.filter(pk=SearchEntry.objects.order_by("pk")[0].pk).update(version=None)
    assert stale_entries() == 1
    assert "Written by an older analyser, lexicon or release: 1 (the background jobs" in status()
    # Without a received date (written by an older release during an upgrade): stale, once.
    first, second = SearchEntry.objects.order_by("pk").values_list("pk", flat=True)[:2]
    SearchEntry.objects.filter(pk__in=[first, second]).update(received_at=None)
    assert stale_entries() == 2
    # A new entry format (or lexicon): every entry is stale until the reindex.
    monkeypatch.setattr(indexing, "ENTRY_FORMAT", indexing.ENTRY_FORMAT + 1)
    assert stale_entries() == len(cases)
    call_command("search", "reindex", "--workers", "1", stdout=StringIO(), stderr=StringIO())
    assert stale_entries() == 0
    assert set(SearchEntry.objects.values_list("version", flat=True)) == {indexing.entry_version()}
    assert not SearchEntry.objects.filter(received_at=None).exists()


def test_the_background_job_rewrites_stale_entries_batch_by_batch(
    cases: dict[str, Complaint], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {e.pk: (e.body, e.alt, e.facets) for e in SearchEntry.objects.all()}
    state: dict[str, object] = {}
    assert indexing.catch_up(60, state) == 0  # nothing stale: one look, then none
    assert state["done"]
    # A lexicon change or a release: every entry is stale, and rewritten a batch at a time.
    monkeypatch.setattr(indexing, "ENTRY_FORMAT", indexing.ENTRY_FORMAT + 1)
    first = sorted(before)[:2]
    assert indexing.refresh_stale(0, limit=2) == (2, first[-1])
    assert stale_entries() == len(cases) - 2
    assert indexing.catch_up(60, state) == len(cases) - 2
    assert stale_entries() == 0
    assert {e.pk: (e.body, e.alt, e.facets) for e in SearchEntry.objects.all()} == before
    assert indexing.catch_up(60, state) == 0
    assert indexing.refresh_stale() == (0, None)
    # Its time is up after a batch: it goes on from there at its next run.
    monkeypatch.setattr(indexing, "ENTRY_FORMAT", indexing.ENTRY_FORMAT + 1)
    assert indexing.catch_up(0, state, batch=3) == 3
    assert state["after"] == sorted(before)[2]
    assert indexing.catch_up(60, state) == len(cases) - 3
    assert stale_entries() == 0


def test_a_rewrite_keeps_the_facets_of_a_change_made_since_it_was_built(
    cases: dict[str, Complaint],
) -> None:
    case = cases["bribe"]
    source = Complaint.objects.filter(pk=case.pk).values_list(*indexing.SOURCE_FIELDS).get()
    rows = [indexing.build_entry(source)]
    Complaint.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    case.refresh_from_db()
    indexing.refresh_facets(case)
    assert indexing._write(rows) == 1
    entry = SearchEntry.objects.get(pk=case.pk)
    assert indexing.facet_token("s", Status.CLOSED) in entry.facets.split()
    assert entry.body == rows[0][1]
    # An entry another process brought up to date meanwhile is left as it is.
    SearchEntry.objects.filter(pk=case.pk).update(body="rewritten")
    assert indexing._write(rows, stale=indexing.entry_version()) == 0
    assert SearchEntry.objects.get(pk=case.pk).body == "rewritten"
    # A case that is not there (deleted meanwhile) gets no entry.
    missing = Complaint.objects.order_by("-pk")[0].pk + 1
    assert indexing._write([(missing, *rows[0][1:])]) == 0
    assert not SearchEntry.objects.filter(pk=missing).exists()


def test_the_periodic_job_follows_its_setting(
    cases: dict[str, Complaint], monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    from insaf.search import tasks

    monkeypatch.setattr(indexing, "ENTRY_FORMAT", indexing.ENTRY_FORMAT + 1)
    monkeypatch.setattr(tasks, "_STATE", {})
    settings.INSAF_SEARCH_REFRESH_SECONDS = 0  # type: ignore[attr-defined]
    tasks.refresh_stale_entries()
    assert stale_entries() == len(cases)
    settings.INSAF_SEARCH_REFRESH_SECONDS = 20  # type: ignore[attr-defined]
    tasks.refresh_stale_entries()
    assert stale_entries() == 0


def test_ranking_covers_the_newest_matches_of_the_window(
    file_case: FileCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    import insaf.search.services as services

    oldest = file_case("رشوة رشوة رشوة رشوة: لا تنجز المعاملة إلا بالرشوة")
    middle = file_case("طلب الموظف رشوة")
    newest = file_case("طلبوا رشوة ورشوة أخرى عند الحاجز")
    assert [h.complaint for h in search("رشوة", user=None).hits] == [oldest, newest, middle]
    monkeypatch.setattr(services, "RANK_WINDOW", 2)
    assert [h.complaint for h in search("رشوة", user=None).hits] == [newest, middle]


def test_filters_follow_status_and_label_changes(jordan: Org, file_case: FileCase) -> None:
    case = file_case(BRIBE)
    head = jordan.staff[Role.UNIT_HEAD]
    registered = Filters(status=(Status.REGISTERED,))
    withdrawn = Filters(status=(Status.WITHDRAWN,))
    assert refs("رشوة", filters=registered) == {case.reference}
    complaint_transition(actor=head, complaint_id=case.pk, version=case.version, name="withdraw")
    assert refs("رشوة", filters=registered) == set()
    assert refs("رشوة", filters=withdrawn) == {case.reference}
    entry = SearchEntry.objects.get(complaint=case)
    assert "zqswithdrawn" in entry.facets.split() and "zqsregistered" not in entry.facets


def test_every_postgresql_plan_gives_the_same_answer(
    cases: dict[str, Complaint], file_case: FileCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    import insaf.search.services as services
    from insaf.search.query import parse

    if connection.vendor != "postgresql":
        pytest.skip("the plan choice exists on PostgreSQL only")
    # (estimated density, the density from which a query streams, entries the first slice
    # streams, stream cost, index cost)
    plans = [
        (None, 0.05, (20_000, 20_000), 1.3, 5.0),  # no statistics: streamed to the end
        (0.5, 0.05, (1, 1), 0.0, 5.0),  # one entry streamed, then the rest of the stream
        (0.5, 0.05, (1, 1), 1.3, 0.0),  # one entry streamed, then the GIN index (newest, all)
        (0.02, 0.05, (1, 1), 1.3, 5.0),  # the GIN index among the newest entries (all of them)
        (0.5, 1.0, (1, 1), 1.3, 5.0),  # the GIN index among the newest, the more, then all
        (1e-6, 0.05, (20_000, 20_000), 1.3, 5.0),  # rare: the GIN index at once
    ]
    for window in (services.RANK_WINDOW, 2):
        monkeypatch.setattr(services, "RANK_WINDOW", window)
        for text in ["ثلاثة", "مركز الشرطة", "رشوه OR جواز", "انتظر*", '"مركز الشرطة"']:
            answers = []
            for density, stream_share, entries, stream_cost, index_cost in plans:
                monkeypatch.setattr(services, "_density_on_postgresql", lambda *_a, d=density: d)
                monkeypatch.setattr(services, "STREAM_SHARE", stream_share)
                monkeypatch.setattr(services, "STREAM_ENTRIES", entries)
                monkeypatch.setattr(services, "STREAM_ROW_COST", stream_cost)
                monkeypatch.setattr(services, "INDEX_MATCH_COST", index_cost)
                found = search(text, user=None).hits
                counts = [
                    services._count(Complaint.objects.all(), parse(text), None, most)
                    for most in (1, 3, 100)
                ]
                answers.append([(h.complaint, round(h.score, 6)) for h in found] + counts)
            assert answers[0] and all(a == answers[0] for a in answers), (window, text)


@pytest.fixture
def bribes(file_case: FileCase) -> tuple[Complaint, Complaint, Complaint]:
    """Three cases that mention a bribe (oldest, second, newest), three that do not between the
    first two; on PostgreSQL only, where the window's plan is chosen."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the plan choice exists on PostgreSQL only")
    oldest = file_case("طلب الموظف رشوة لتجديد جواز السفر")
    for _ in range(3):
        file_case("تأخرت معاملة الهوية في الدائرة أسابيع")
    second = file_case("طلب الشرطي رشوة مرة أخرى")
    newest = file_case("طلب الشرطي رشوة عند الحاجز")
    return oldest, second, newest


def test_every_tier_of_a_search_counts_back_from_one_newest_entry(
    bribes: tuple[Complaint, Complaint, Complaint], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tiers of one search (the words, then the concepts they name) each find a window
    counted back from the newest entry; it is read from the database once, not once a tier."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import insaf.search.services as services

    tiers: list[str] = []
    window = services._window_postgresql
    monkeypatch.setattr(
        services, "_window_postgresql", lambda *a, **k: tiers.append("w") or window(*a, **k)
    )
    with CaptureQueriesContext(connection) as captured:
        found = search("رشوة", user=None).hits
    assert {hit.complaint for hit in found} == set(bribes)
    reads = [q for q in captured.captured_queries if "max(complaint_id)" in q["sql"]]
    assert len(tiers) >= 2 and len(reads) == 1


def _plan(word: str) -> tuple[str, list[int] | None]:
    """How the window of ``word`` was found, and the ids it holds."""
    import insaf.search.services as services
    from insaf.search.query import parse

    found = services._window_postgresql(Complaint.objects.all(), parse(word), None, None)
    if found.rows is not None:
        return "streamed", [row[0] for row in found.rows]
    return ("index, newest", found.ids) if found.ids is not None else ("index", None)


def test_a_stream_goes_on_or_turns_to_the_index_by_what_it_met(
    bribes: tuple[Complaint, Complaint, Complaint], monkeypatch: pytest.MonkeyPatch
) -> None:
    import insaf.search.services as services

    oldest, second, newest = bribes
    # Common by the statistics; the first slice streams the newest entry only.
    monkeypatch.setattr(services, "_density_on_postgresql", lambda *_a: 0.5)
    monkeypatch.setattr(services, "STREAM_ENTRIES", (1, 1))
    # A word the newest entry lacks: nothing met, so the GIN index finds the window.
    assert _plan("جواز") == ("index", None)
    # A word it has: the stream goes on while that is the cheaper ...
    monkeypatch.setattr(services, "INDEX_MATCH_COST", 1e9)
    assert _plan("رشوة") == ("streamed", [newest.pk, second.pk, oldest.pk])
    # ... and turns to the index when that is: first among the newest entries (as many as one
    # match in one entry says hold twice the window), which do not fill a window of 500 ...
    monkeypatch.setattr(services, "INDEX_MATCH_COST", 0.0)
    assert _plan("رشوة") == ("index", None)
    # ... and fill a window of two (the four newest entries hold two matches).
    monkeypatch.setattr(services, "RANK_WINDOW", 2)
    assert _plan("رشوة") == ("index, newest", [newest.pk, second.pk])
    # Rare by the statistics: the index at once.
    monkeypatch.setattr(services, "_density_on_postgresql", lambda *_a: 1e-6)
    monkeypatch.setattr(services, "INDEX_MATCH_COST", 1e9)
    assert _plan("رشوة") == ("index", None)


def test_a_query_between_rare_and_common_asks_the_index_among_the_newest_then_streams(
    bribes: tuple[Complaint, Complaint, Complaint], monkeypatch: pytest.MonkeyPatch
) -> None:
    import insaf.search.services as services

    oldest, second, newest = bribes
    # Below the density from which a query streams: the GIN index first.
    monkeypatch.setattr(services, "STREAM_SHARE", 10.0)
    monkeypatch.setattr(services, "_density_on_postgresql", lambda *_a: 1.5)
    monkeypatch.setattr(services, "RANK_WINDOW", 3)
    # The four newest entries (twice a window of three at that density) hold two matches; the
    # third is streamed from the entries just older (as far as four times what is wanted at
    # the density met: eight entries), and the ids are scored together.
    assert _plan("رشوة") == ("index, newest", [newest.pk, second.pk, oldest.pk])
    # Too far to stream: the index for every match.
    monkeypatch.setattr(services, "STREAM_ENTRIES", (1, 7))
    assert _plan("رشوة") == ("index", None)
    # Two fill a window of two among the four newest.
    monkeypatch.setattr(services, "RANK_WINDOW", 2)
    assert _plan("رشوة") == ("index, newest", [newest.pk, second.pk])


def test_plan_choice_from_statistics(monkeypatch: pytest.MonkeyPatch) -> None:
    import insaf.search.services as services
    from insaf.search.query import parse

    shares = {"عمان": 0.3, "شرط": 0.5}
    monkeypatch.setattr(services, "_lexeme_shares", lambda: (shares, 0.004))
    assert services._common(services._density_on_postgresql(parse("عمان"), None))
    assert services._common(services._density_on_postgresql(parse("عمان شرطة"), None))
    # Words together, in a phrase or not: at most as dense as the rarest of them.
    assert services._density_on_postgresql(parse("عمان شرطة"), None) == pytest.approx(0.3)
    assert services._density_on_postgresql(parse('"شرطة عمان"'), None) == pytest.approx(0.3)
    # A word missing from the statistics is rarer than the rarest listed one.
    assert not services._common(services._density_on_postgresql(parse("عمان زنزانة"), None))
    # A week out of five years makes even a common word rare.
    assert not services._common(services._density_on_postgresql(parse("عمان"), 7))
    monkeypatch.setattr(services, "_lexeme_shares", lambda: ({}, 0.0))
    assert services._common(
        services._density_on_postgresql(parse("زنزانة"), None)
    )  # no statistics: stream
