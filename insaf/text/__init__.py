"""Text analysis for search: normalisation, language identification, stemming, arabizi.

Pure Python (no Django), so that it can be used and tested anywhere. The decisions behind it are
in docs/decisions/0006-arabic-analyser.md.
"""

from __future__ import annotations

from insaf.text.analysis import (
    Analysis,
    analyze,
    analyze_document,
    detect_language,
    document_language,
    prefix_form,
    query_alternatives,
    word_spans,
    word_terms,
    word_tokens,
)
from insaf.text.normalize import normalize

__all__ = [
    "Analysis",
    "analyze",
    "analyze_document",
    "detect_language",
    "document_language",
    "normalize",
    "prefix_form",
    "query_alternatives",
    "word_spans",
    "word_terms",
    "word_tokens",
]
