"""The triage interface: every complaint gets labels, a priority and evidence at intake.

``triage(text, ...)`` returns a ``TriageResult``. The classifier behind it is chosen here; until the
triage issue lands a real one, it is ``KeywordClassifier`` (insaf/triage/keywords.py), a minimal
rule over normalised keywords in Arabic (with common dialect forms), English and French. Every
result names the classifier's version, which is stored on the case with the labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from insaf.triage.labels import Category, Kind, Priority, derive_priority


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


class Classifier(Protocol):
    version: str

    def classify(self, text: str, *, language: str | None = None) -> TriageResult: ...


def _classifier() -> Classifier:
    from insaf.triage.keywords import KeywordClassifier

    return KeywordClassifier()


def triage(text: str, *, language: str | None = None, kind: str | None = None) -> TriageResult:
    """Label one text. A ``kind`` given by the filer wins over the classifier's, and the
    priority is derived again from the final labels."""
    result = _classifier().classify(text, language=language)
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
        )
    return result
