"""Lexicon terms proposed from the labels officers accepted, for national administrators to review.

A case whose category or vulnerable group an officer set, or kept until the case closed, says
what it is about; when the lexicon finds none of that label's concepts in its text (names.csv
maps labels to concepts), its words are the lexicon's blind spot. The words and pairs of
adjacent words that recur in such cases, and that mostly come with that label wherever they occur
among accepted cases, are proposed on the lexicon page beside the label's concepts. Nothing
enters the lexicon by itself: an administrator adds a proposal as a term (to the concept they
choose) or dismisses it, and a dismissed proposal is not proposed again.

Only counts are kept and shown, never which cases: a word seen in fewer than ``MIN_CASES`` cases
(a person's name, an address) is never proposed, nor one with digits (amounts, ages, dates).
``refresh`` runs daily in the background (tasks.py) and on ``insaf concepts propose``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from insaf.search.lexicon import TEXT_MAX
from insaf.text import word_spans
from insaf.text.analysis import analyze
from insaf.text.concepts import Lexicon

if TYPE_CHECKING:
    from insaf.search.concepts import Concept

# A proposal recurs in at least this many accepted cases of its label that the lexicon misses...
MIN_CASES = 3
# ...and at least this share of the accepted cases in which it occurs carry the label.
MIN_SHARE = 0.6
# At most this many proposals per label, the most frequent first.
PER_LABEL = 40
# The newest accepted cases read by one refresh.
SAMPLE = 20_000
# A word's stem shorter than this is not proposed alone (it may be in a pair).
MIN_STEM = 3


@dataclass(frozen=True)
class Candidate:
    label: str  # as names.csv writes it: "category:corruption", "vulnerable:child"
    key: str  # the stems of its words, space-separated
    text: str  # the words as the cases write them most often
    cases: int  # accepted cases of the label, missed by the lexicon, that have it
    share: float  # of the accepted cases that have it, those that carry the label


def _grams(text: str, stems: dict[str, str | None]) -> dict[str, str]:
    """The text's words and pairs of adjacent words: stems → the words as written (first
    occurrence). Words with digits are left out, and break pairs."""
    words: list[tuple[str | None, str]] = []
    for start, end in word_spans(text):
        word = text[start:end]
        if word not in stems:
            analysed = analyze(word)
            stems[word] = analysed[0] if analysed and not any(c.isdigit() for c in word) else None
        words.append((stems[word], word))
    grams: dict[str, str] = {}
    for index, (stem, word) in enumerate(words):
        if stem and len(stem) >= MIN_STEM:
            grams.setdefault(stem, word)
        if index + 1 < len(words):
            following, next_word = words[index + 1]
            if stem and following:
                grams.setdefault(f"{stem} {following}", f"{word} {next_word}")
    return grams


def mine(
    cases: Iterable[tuple[str, set[str]]],
    lexicon: Lexicon,
    label_concepts: dict[str, set[str]],
) -> list[Candidate]:
    """The proposals from accepted cases, each (text, the labels accepted on it). A case counts
    as missed for a label when the lexicon finds none of the label's concepts in its text; a
    proposal's words are not already a term (the lexicon finds nothing in them)."""
    stems: dict[str, str | None] = {}
    seen: Counter[str] = Counter()  # accepted cases with the gram
    with_label: dict[str, Counter[str]] = defaultdict(Counter)
    missed: dict[str, Counter[str]] = defaultdict(Counter)
    written: dict[str, Counter[str]] = defaultdict(Counter)
    for text, labels in cases:
        grams = _grams(text, stems)
        found = {match.concept for match in lexicon.find(text)} if labels else set()
        for key, words in grams.items():
            seen[key] += 1
            written[key][words] += 1
        for label in labels:
            concepts = label_concepts.get(label)
            if not concepts:
                continue
            with_label[label].update(grams.keys())
            if not found & concepts:
                missed[label].update(grams.keys())
    proposals: list[Candidate] = []
    for label in sorted(missed):
        chosen: list[Candidate] = []
        for key, count in missed[label].most_common():
            if count < MIN_CASES or len(chosen) >= PER_LABEL:
                break
            share = with_label[label][key] / seen[key]
            if share < MIN_SHARE:
                continue
            text = written[key].most_common(1)[0][0]
            if len(text) > TEXT_MAX or len(key) > TEXT_MAX or lexicon.find(text):
                continue  # a web address, a run of letters; or already a term
            chosen.append(Candidate(label, key, text, count, round(share, 3)))
        proposals += chosen
    return proposals


def label_concepts(concepts: dict[str, Concept]) -> dict[str, set[str]]:
    """Each category and vulnerable-group label → the concepts that stand for it (names.csv),
    context concepts and labels' stand-ins (query words only) left out."""
    from insaf.search.concepts import CONTEXT_CONCEPTS, label_spec

    mapping: dict[str, set[str]] = defaultdict(set)
    for code, concept in concepts.items():
        if code in CONTEXT_CONCEPTS or concept.label_only:
            continue
        for label in concept.labels:
            if label[0] in ("c", "v"):
                mapping[label_spec(label)].add(code)
    return dict(mapping)


def accepted_cases(limit: int = SAMPLE) -> Iterator[tuple[str, set[str]]]:
    """The newest cases with a label officers accepted: set by an officer, or kept until the case
    closed; (text, those labels as names.csv writes them)."""
    from insaf.complaints.enums import Status
    from insaf.complaints.models import Complaint
    from insaf.triage.labels import vulnerable_groups

    rows = (
        Complaint.objects.filter(
            Q(status=Status.CLOSED)
            | Q(label_sources__category="officer")
            | Q(label_sources__vulnerable="officer")
        )
        .order_by("-id")
        .values_list("text", "category", "vulnerable_mask", "label_sources", "status")[:limit]
    )
    for text, category, mask, sources, status in rows.iterator(chunk_size=1000):
        closed = status == Status.CLOSED
        sources = sources or {}
        labels: set[str] = set()
        if closed or sources.get("category") == "officer":
            labels.add(f"category:{category}")
        if closed or sources.get("vulnerable") == "officer":
            labels.update(f"vulnerable:{group}" for group in vulnerable_groups(mask))
        yield text, labels


def refresh() -> int:
    """Mine the accepted cases again and keep the proposals: new ones added, those still found
    updated, those no longer found (now terms, or no longer recurring) removed; dismissed ones
    stay dismissed. The number of open proposals."""
    from insaf.search.concepts import layer
    from insaf.search.models import TermProposal

    current = layer()
    if not current.lexicon.terms:
        # A process that could not read the lexicon (logged by ``layer``): every case would look
        # missed, and every word proposed. The proposals are left as they are.
        return TermProposal.objects.filter(status=TermProposal.OPEN).count()
    found = mine(accepted_cases(), current.lexicon, label_concepts(current.concepts))
    now = timezone.now()
    with transaction.atomic():
        kept = {(p.label, p.key): p for p in TermProposal.objects.select_for_update()}
        fresh = {(c.label, c.key) for c in found}
        TermProposal.objects.filter(
            pk__in=[
                p.pk
                for key, p in kept.items()
                if key not in fresh and p.status == TermProposal.OPEN
            ]
        ).delete()
        added, changed = [], []
        for candidate in found:
            row = kept.get((candidate.label, candidate.key))
            if row is None:
                added.append(
                    TermProposal(
                        label=candidate.label,
                        key=candidate.key,
                        text=candidate.text,
                        cases=candidate.cases,
                        share=candidate.share,
                        updated_at=now,
                    )
                )
            elif row.status == TermProposal.OPEN:
                row.text, row.cases, row.share = candidate.text, candidate.cases, candidate.share
                row.updated_at = now
                changed.append(row)
        TermProposal.objects.bulk_create(added, batch_size=500)
        fields = ["text", "cases", "share", "updated_at"]
        TermProposal.objects.bulk_update(changed, fields, batch_size=500)
    return TermProposal.objects.filter(status=TermProposal.OPEN).count()
