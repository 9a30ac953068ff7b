"""English or French: py3langid (BSD, ships its model) for Latin-script text that the stop words
alone do not settle. The model is loaded on first use (about a second), never downloaded.

Arabic script and arabizi are recognised before this is asked (insaf.text.analysis): the script
is counted, and arabizi has digits and function words that give it away, which no library knows.
"""

from __future__ import annotations

import threading
from typing import Any

# The languages the model chooses among: English and French, which the analyser stems, and the
# other Latin-script languages it would otherwise confuse with them, so that a German or
# Spanish text comes out as neither rather than as the nearer of the two.
_CANDIDATES = ["en", "fr", "de", "es", "it", "pt", "nl", "id", "tr"]
_MIN_CONFIDENCE = 0.6

_lock = threading.Lock()
_identifier: Any = None


def _model() -> Any:
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                identifier.set_languages(_CANDIDATES)
                _identifier = identifier
    return _identifier


def load() -> None:
    """Load the model now (about half a second) rather than on the first text that needs it."""
    _model()


def english_or_french(text: str) -> str:
    """``"en"`` or ``"fr"`` when the model is confident that Latin-script ``text`` is in that
    language, ``"und"`` otherwise."""
    language, confidence = _model().classify(text)
    if language in ("en", "fr") and confidence >= _MIN_CONFIDENCE:
        return str(language)
    return "und"
