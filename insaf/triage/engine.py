"""The triage interface: every complaint gets labels, a priority and evidence at intake.

``triage(text, ...)`` returns a ``TriageResult``. The classifier behind it is chosen here: the
trained model (insaf/triage/model.py, installed by ``insaf triage train``), or, while none is
installed or when ``INSAF_TRIAGE_CLASSIFIER=keywords``, ``KeywordClassifier``
(insaf/triage/keywords.py), a minimal rule over normalised keywords. Every result names the
classifier's version, which is stored on the case with the labels.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from django.conf import settings

from insaf.triage.labels import Category, Kind, Priority, derive_priority

if TYPE_CHECKING:
    from insaf.triage.model import TriageModel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TriageResult:
    language: str
    kind: Kind
    category: Category
    grave: bool
    vulnerable: tuple[str, ...]
    priority: Priority
    version: str
    # Per label: a confidence in [0, 1] and the words that led to it.
    confidence: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, list[str]] = field(default_factory=dict)
    # The concepts found in the text, one per mention, and the digest of the lexicon that found
    # them (empty from the keyword rule): the search index takes them as they are when its own
    # lexicon is the same (insaf/search/concepts.py, Layer.tokens_from).
    concepts: tuple[str, ...] = ()
    lexicon: str = ""


class Classifier(Protocol):
    version: str

    def classify(self, text: str, *, language: str | None = None) -> TriageResult: ...

    def classify_many(
        self, texts: Sequence[str], languages: Sequence[str | None]
    ) -> list[TriageResult]: ...


class ModelClassifier:
    """The trained classifier (insaf/triage/model.py) behind the Classifier interface."""

    def __init__(self, model: TriageModel) -> None:
        self.model = model
        self.version = model.version

    def classify(self, text: str, *, language: str | None = None) -> TriageResult:
        (result,) = self.classify_many([text], [language])
        return result

    def classify_many(
        self, texts: Sequence[str], languages: Sequence[str | None]
    ) -> list[TriageResult]:
        results = []
        for found in self.model.predict(texts, languages):
            kind = Kind(found.kind)
            category = Category(found.category)
            results.append(
                TriageResult(
                    language=found.language,
                    kind=kind,
                    category=category,
                    grave=found.grave,
                    vulnerable=found.vulnerable,
                    priority=derive_priority(
                        kind=kind, category=category, grave=found.grave, vulnerable=found.vulnerable
                    ),
                    version=self.version,
                    confidence=found.confidence,
                    evidence=found.evidence,
                    concepts=found.concepts,
                    lexicon=self.model.lexicon_digest,
                )
            )
        return results


_warned = False


def _classifier() -> Classifier:
    """The trained model when one is installed (``insaf triage train``) and the settings do not
    ask for the keyword rule; else the keyword rule, with a warning once per process."""
    global _warned
    from insaf.triage.keywords import KeywordClassifier

    if settings.INSAF_TRIAGE_CLASSIFIER == "model":
        from insaf.triage.store import current_model

        model = current_model()
        if model is not None:
            return ModelClassifier(model)
        if not _warned:
            _warned = True
            log.warning(
                "No triage model in %s: run `insaf triage train`.", settings.INSAF_TRIAGE_DIR
            )
    return KeywordClassifier()


def warm_up() -> None:
    """Load the classifier and build what its first text would (processes forked afterwards,
    such as the import's workers, share it instead of each building its own)."""
    classifier = _classifier()
    if isinstance(classifier, ModelClassifier):
        classifier.model.warm()


def triage(text: str, *, language: str | None = None, kind: str | None = None) -> TriageResult:
    """Label one text. A ``kind`` given by the filer wins over the classifier's, and the
    priority is derived again from the final labels."""
    return _with_kind(_classifier().classify(text, language=language), kind)


def triage_many(
    texts: Sequence[str], *, languages: Sequence[str | None], kinds: Sequence[str | None]
) -> list[TriageResult]:
    """Label many texts at once (the import): the model labels them as one batch."""
    found = _classifier().classify_many(texts, languages)
    return [_with_kind(result, kind) for result, kind in zip(found, kinds, strict=True)]


def _with_kind(result: TriageResult, kind: str | None) -> TriageResult:
    if kind and kind != result.kind:
        final_kind = Kind(kind)
        return TriageResult(
            language=result.language,
            kind=final_kind,
            category=result.category,
            grave=result.grave,
            vulnerable=()
            if final_kind in (Kind.SUGGESTION, Kind.COMMENDATION)
            else result.vulnerable,
            priority=derive_priority(
                kind=final_kind,
                category=result.category,
                grave=result.grave,
                vulnerable=result.vulnerable,
            ),
            version=result.version,
            confidence={**result.confidence, "kind": 1.0},
            evidence={**result.evidence, "kind": ["given by the filer"]},
            concepts=result.concepts,
            lexicon=result.lexicon,
        )
    return result


def warm() -> None:
    """Load the classifier now rather than for the first filing (the web server's workers call
    this as they start: loading the model takes about a second)."""
    _classifier()
