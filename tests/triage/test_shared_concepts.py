"""The search index takes the concepts triage found in a case's text instead of looking again,
and gets exactly what it would have found itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from insaf.complaints.enums import Channel
from insaf.complaints.models import CountryPolicy
from insaf.complaints.services import complaint_submit
from insaf.search.concepts import Layer, layer, read_labels, read_names
from insaf.search.indexing import COLUMNS, build_entry, source_of
from insaf.search.models import SearchEntry
from insaf.text.concepts import Term, read_terms
from insaf.triage.engine import triage
from insaf.triage.model import TriageModel, read_jsonl
from tests.triage.conftest import DATA

MIXED = [
    "ضربوني في المركز وطلبوا مني رشوة عشان يطلقوا سراحي",
    "el shorti darabni w tlob menni masari 3ashan ymashi el mo3amale",
    "The officer beat my son in custody and asked for a bribe.",
    "Le policier a frappé mon fils et a demandé un pot-de-vin.",
    "الطابور كان عذاب، بس الموظفين كانوا محترمين",
]


def _layer(terms: list[Term]) -> Layer:
    meta = DATA / "concepts" / "meta"
    return Layer(terms, read_names(meta / "names.csv"), read_labels(meta / "labels.csv"))


def test_triage_concepts_are_the_index_tokens(trained: tuple[TriageModel, Path]) -> None:
    model, _ = trained
    layer = _layer(read_terms(DATA / "concepts"))
    items = read_jsonl(DATA / "triage" / "train.jsonl")
    texts = [item.text for item in items[:1500]] + MIXED
    # The language given by the filer changes how Latin words are read: both must agree on it.
    hints = [None, "en", "fr", "arabizi", "ar"]
    languages = [hints[n % len(hints)] for n in range(len(texts))]
    found_some = 0
    for text, found in zip(texts, model.predict(texts, languages), strict=True):
        shared = layer.tokens_from(found.concepts, model.lexicon_digest)
        assert shared == layer.tokens_of(text, found.language), text
        found_some += bool(shared)
    assert found_some > len(texts) // 3  # most texts name some concept


def test_another_lexicon_is_not_taken(trained: tuple[TriageModel, Path]) -> None:
    model, _ = trained
    terms = read_terms(DATA / "concepts")
    (found,) = model.predict([MIXED[0]])
    assert found.concepts
    assert _layer(terms[1:]).tokens_from(found.concepts, model.lexicon_digest) is None
    assert _layer(terms).tokens_from(found.concepts, "") is None  # the keyword rule's


@pytest.mark.django_db
def test_a_filed_case_is_indexed_as_a_reindex_would(
    installed: TriageModel, policy: CountryPolicy
) -> None:
    result = triage(MIXED[0])
    assert result.concepts and result.lexicon == installed.lexicon_digest
    # The database's lexicon is the one the model was trained with: intake shares.
    assert layer().tokens_from(result.concepts, result.lexicon) is not None
    for text in MIXED:
        case = complaint_submit(
            country="JO", text=text, anonymous=True, channel=Channel.WEB
        ).complaint
        stored = SearchEntry.objects.filter(complaint_id=case.pk).values_list(*COLUMNS).get()
        assert stored == build_entry(source_of(case))[: len(COLUMNS)]
