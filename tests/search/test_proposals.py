"""Lexicon terms proposed from the labels officers accepted: mined from the cases the lexicon
misses, reviewed on the lexicon page, never added by themselves, never shown twice once
dismissed, and never naming a case."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from insaf.accounts.roles import Role
from insaf.audit.models import Event
from insaf.audit.verbs import Verb
from insaf.complaints.enums import Status
from insaf.complaints.models import Complaint
from insaf.search import concepts, lexicon, proposals
from insaf.search.models import TermProposal
from insaf.text.concepts import Lexicon, Term
from tests.conftest import Org, sign_in_with_second_factor
from tests.search.conftest import FileCase

# "إكرامية" (a tip) for a bribe: a word the shipped lexicon does not tie to bribery.
TIPS = [
    "طلب مني الشرطي إكرامية حتى يمشي المعاملة في دائرة الترخيص",
    "الشرطي قال بدك تدفع الإكرامية وإلا بتستنى للأسبوع الجاي",
    "ما خلصت معاملتي إلا بعد ما عطيت الشرطي إكرامية محترمة",
    "قالولي الإكرامية ضرورية عشان الملف يتحرك بسرعة",
]


@pytest.fixture(autouse=True)
def _fresh_layer(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(concepts, "CHECK_SECONDS", 0.0)
    concepts.forget()
    yield
    concepts.forget()


def test_words_that_recur_where_the_lexicon_misses_a_label_are_proposed() -> None:
    small = Lexicon([Term("bribery", "ar", "رشوة"), Term("bribery", "ar", "حق الشاي")])
    corruption = {"category:corruption"}
    cases = [(text, corruption) for text in TIPS]
    cases += [
        ("دفعت رشوة للشرطي وأخذ الإكرامية", corruption),  # found: not a miss
        ("الشرطي كان محترم وساعدني", {"category:misconduct"}),
        ("الشرطي تأخر في الرد", {"category:service_delay"}),
        ("الشرطي ما سجل البلاغ", set()),  # no accepted label: counts where the words occur
        ("طلب سليمان ٢٠٠ دينار إكرامية", corruption),
        ("سليمان طلب ٢٠٠ دينار", corruption),
        *[(f"{'ب' * 120} {'ت' * 120}", corruption) for _ in range(3)],  # longer than a term
    ]
    found = proposals.mine(cases, small, {"category:corruption": {"bribery"}})
    by_text = {c.text: c for c in found}
    tip = next(c for c in found if "إكرامية" in c.text and " " not in c.text)
    assert tip.label == "category:corruption" and tip.cases == 5 and tip.share == 1.0
    assert tip.text in {"إكرامية", "الإكرامية"}  # the form the cases write most often
    assert not any(c.isdigit() for t in by_text for c in t)  # amounts, ages, dates
    assert "سليمان" not in by_text  # in two cases: below MIN_CASES (a name)
    assert all(len(t) <= lexicon.TEXT_MAX for t in by_text)
    # In three missed cases, but also in three of other labels or none: 4 of 7 carry it.
    assert not any("الشرطي" in t for t in by_text)
    assert not any("رشوة" in t or "الشاي" in t for t in by_text)  # already terms


def _accepted(file_case: FileCase, texts: list[str], **labels: object) -> list[Complaint]:
    cases = [file_case(text) for text in texts]
    Complaint.objects.filter(pk__in=[c.pk for c in cases]).update(**labels)
    return cases


def test_proposals_are_kept_reviewed_and_not_proposed_again(
    file_case: FileCase, jordan: Org
) -> None:
    _accepted(file_case, TIPS, category="corruption", label_sources={"category": "officer"})
    # Cases nobody accepted a label of are not read, however often they say it.
    file_case("الإكرامية مطلوبة في كل دائرة")
    assert proposals.refresh() >= 1
    tip = TermProposal.objects.get(label="category:corruption", text__contains="إكرامية")
    assert tip.cases == 4 and tip.share == 1.0
    actor = jordan.staff[Role.NATIONAL_ADMIN]
    lexicon.proposal_dismiss(actor=actor, proposal_id=tip.pk)
    event = Event.objects.get(verb=Verb.LEXICON_PROPOSAL_DISMISSED)
    assert event.actor == actor and event.data["text"] == tip.text
    proposals.refresh()
    tip.refresh_from_db()
    assert tip.status == TermProposal.DISMISSED  # not proposed again
    assert not TermProposal.objects.filter(
        status=TermProposal.OPEN, label="category:corruption", key=tip.key
    ).exists()


def test_a_proposal_taken_up_as_a_term_is_gone(file_case: FileCase, jordan: Org) -> None:
    _accepted(file_case, TIPS[:3], status=Status.CLOSED, category="corruption")  # kept till closed
    proposals.refresh()
    tip = TermProposal.objects.get(label="category:corruption", text__contains="إكرامية")
    lexicon.concept_term_add(
        actor=jordan.staff[Role.NATIONAL_ADMIN], concept="bribery", lang="ar", text=tip.text
    )
    assert not TermProposal.objects.filter(pk=tip.pk).exists()
    out = StringIO()
    call_command("concepts", "propose", stdout=out)
    assert "proposed term" in out.getvalue()
    # The lexicon now finds the word in those cases: it is no longer a miss.
    assert not TermProposal.objects.filter(key=tip.key).exists()


def test_the_lexicon_page_shows_proposals_beside_their_concepts(
    file_case: FileCase, jordan: Org
) -> None:
    _accepted(file_case, TIPS, category="corruption", label_sources={"category": "officer"})
    proposals.refresh()
    tip = TermProposal.objects.get(label="category:corruption", text__contains="إكرامية")
    head = sign_in_with_second_factor(Client(), jordan.staff[Role.UNIT_HEAD])
    assert head.post(f"/work/lexicon/proposals/{tip.pk}/dismiss/").status_code == 403
    admin = sign_in_with_second_factor(Client(), jordan.staff[Role.NATIONAL_ADMIN])
    page = admin.get("/work/lexicon/?concept=bribery").content.decode()
    assert 'id="proposals"' in page and tip.text in page
    assert "إكرامية" not in admin.get("/work/lexicon/?concept=visits").content.decode()
    # "Use as a term": the add form filled in with the words.
    filled = admin.get("/work/lexicon/", {"concept": "bribery", "term": tip.text})
    assert f'value="{tip.text}"' in filled.content.decode()
    dismissed = admin.post(f"/work/lexicon/proposals/{tip.pk}/dismiss/", {"concept": "bribery"})
    assert dismissed.status_code == 302 and dismissed["Location"].endswith("?concept=bribery")
    tip.refresh_from_db()
    assert tip.status == TermProposal.DISMISSED and tip.dismissed_by is not None
    assert tip.text not in admin.get("/work/lexicon/?concept=bribery").content.decode()
    assert admin.post("/work/lexicon/proposals/999999/dismiss/").status_code == 404


def test_a_process_without_a_lexicon_proposes_nothing(
    file_case: FileCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lexicon files could not be read when the process started: every case would look
    missed and every word be proposed; the proposals are left as they are."""
    _accepted(file_case, TIPS, category="corruption", label_sources={"category": "officer"})
    monkeypatch.setattr(concepts, "layer", lambda **_: concepts.Layer([], {}))
    assert proposals.refresh() == 0
    assert not TermProposal.objects.exists()
