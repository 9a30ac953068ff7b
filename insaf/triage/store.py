"""Where trained triage models live, which one is in use, and what they are trained on.

``INSAF_TRIAGE_DIR`` holds ``triage-<version>.npz`` files and ``current``, the name of the one in
use (written last, atomically, so a process never reads half a model). Each process loads the
current model once and again when ``current`` changes. Training data: the repository's
development set (``data/triage/train.jsonl``; never ``test.jsonl``) and the officers' corrections
(every case an officer corrected, with its labels as they stand).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from django.conf import settings

from insaf.text.concepts import Term
from insaf.triage.model import Labelled, TriageModel, read_jsonl, train

log = logging.getLogger(__name__)
_lock = threading.Lock()
# (the pointer's path and stat, the model file it names, the model loaded from it)
_loaded: tuple[tuple[object, ...], str, TriageModel | None] | None = None


def model_dir() -> Path:
    return Path(settings.INSAF_TRIAGE_DIR)


def training_file() -> Path:
    return Path(settings.INSAF_DATA_DIR) / "triage" / "train.jsonl"


def lexicon_terms() -> list[Term]:
    """The concept lexicon in use (insaf/search/lexicon.py: the database once loaded, else the
    files of data/concepts)."""
    from django.db import DatabaseError

    from insaf.search.lexicon import folder
    from insaf.search.lexicon import lexicon_terms as current
    from insaf.text.concepts import read_terms

    try:
        return current()
    except DatabaseError as error:
        # Not migrated (training the development set alone needs no database): the files.
        log.warning("The lexicon is read from %s, not the database (%s)", folder(), error)
        return read_terms(folder())


def current_model() -> TriageModel | None:
    """The model in use, or None when none has been trained here. Every filing asks, so the
    pointer is read only when its file changed (``insaf triage train`` replaces it: a new inode);
    a stat costs a tenth of a read."""
    global _loaded
    # A string, not a Path: building a Path on every filing cost more than the stat.
    pointer = os.path.join(settings.INSAF_TRIAGE_DIR, "current")
    try:
        info = os.stat(pointer)
    except FileNotFoundError:
        return None
    key = (pointer, info.st_ino, info.st_mtime_ns, info.st_size)
    held = _loaded
    if held is not None and held[0] == key:
        return held[2]
    try:
        name = Path(pointer).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    target = str(model_dir() / name)
    with _lock:
        if _loaded is not None and _loaded[1] == target:
            _loaded = (key, target, _loaded[2])
            return _loaded[2]
        try:
            model: TriageModel | None = TriageModel.load(Path(target))
        except (OSError, ValueError, KeyError) as error:
            # A file this version cannot read (an older format, a damaged file): intake
            # goes on with the keyword rule rather than failing.
            log.error(
                "Triage model %s cannot be used (%s): run `insaf triage train`.", target, error
            )
            model = None
        _loaded = (key, target, model)
        return model


def corrections() -> list[Labelled]:
    """Every case an officer corrected, with its labels as they stand now."""
    from insaf.complaints.models import Complaint
    from insaf.triage.labels import vulnerable_groups

    cases = Complaint.objects.filter(corrections__isnull=False).distinct().order_by("pk")
    return [
        Labelled(
            text=case.text,
            kind=case.kind,
            category=case.category,
            grave=case.grave,
            vulnerable=tuple(vulnerable_groups(case.vulnerable_mask)),
        )
        for case in cases.only("text", "kind", "category", "grave", "vulnerable_mask")
    ]


def train_and_install(items: list[Labelled]) -> tuple[TriageModel, Path]:
    """Train on ``items`` with the repository's lexicon, save the model and make it current."""
    model = train(items, lexicon_terms())
    folder = model_dir()
    path = model.save(folder)
    pointer = folder / "current"
    temporary = pointer.with_suffix(".tmp")
    temporary.write_text(path.name + "\n", encoding="utf-8")
    temporary.replace(pointer)
    return model, path


def training_items(*, with_corrections: bool) -> tuple[list[Labelled], int]:
    """The development set, plus the corrections when asked (and the database answers):
    (items, how many of them are corrections)."""
    items = read_jsonl(training_file())
    added: list[Labelled] = []
    if with_corrections:
        added = corrections()
    return items + added, len(added)
