"""Where trained triage models live, which one is in use, and what they are trained on.

``insaf triage train`` saves ``triage-<version>.npz`` in ``INSAF_TRIAGE_DIR`` with ``current``, the
name of the one in use there (written last, atomically, so a process never reads half a model),
and publishes the same bytes in the database (insaf/triage/models.py), which every application
server shares. A process labels with the database's model in use, looked up at most every
``INSAF_TRIAGE_REFRESH`` seconds and loaded once per version; with none published there (or no
database: ``insaf triage`` labels without one), with the folder's, loaded again when ``current``
changes. Training data: the repository's development set (``data/triage/train.jsonl``; never
``test.jsonl``) and the officers' corrections (every case an officer corrected, with its labels
as they stand).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

from insaf.text.concepts import Term
from insaf.triage.model import Labelled, TriageModel, read_jsonl, train

if TYPE_CHECKING:
    from insaf.triage.models import PublishedModel

log = logging.getLogger(__name__)
_lock = threading.Lock()
# (the pointer's path and stat, the model file it names, the model loaded from it)
_loaded: tuple[tuple[object, ...], str, TriageModel | None] | None = None
# The database's model in use: (its version, the model this process labels with: the one loaded
# from it, or when that could not be read the one held before, or None), None when none is
# published; and when to look in the database again.
_published: tuple[str, TriageModel | None] | None = None
_next_look = 0.0


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
    """The model in use: the database's when one is published there and readable, else the
    folder's; None when there is neither. Every filing asks, so the database is asked at most
    every ``INSAF_TRIAGE_REFRESH`` seconds and the folder's pointer read only when its file
    changed."""
    refresh = settings.INSAF_TRIAGE_REFRESH
    if refresh > 0:
        global _published, _next_look
        now = time.monotonic()
        if now >= _next_look:
            with _lock:
                if now >= _next_look:  # not looked at meanwhile by another thread
                    _published = _look_in_database(_published)
                    _next_look = now + refresh
        held = _published
        if held is not None and held[1] is not None:
            return held[1]
    return _folder_model()


def forget() -> None:
    """Look in the database again at the next call (after publishing, or in tests)."""
    global _published, _next_look
    with _lock:
        _published, _next_look = None, 0.0


def _database_exists() -> bool:
    """False for a SQLite file that is not there: connecting would create an empty one."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return True
    name = str(connection.settings_dict["NAME"])
    return name == ":memory:" or name.startswith("file:") or os.path.exists(name)


def _look_in_database(
    held: tuple[str, TriageModel | None] | None,
) -> tuple[str, TriageModel | None] | None:
    """The database's model in use, loaded when it is not the one ``held``; ``held`` again
    when the database does not answer (a passing outage keeps the model a process has)."""
    from django.db import DatabaseError, connection, transaction

    from insaf.triage.models import PublishedModel

    if not _database_exists():
        return held
    try:
        # Inside a filing's transaction, a savepoint: a failure here must not abort the filing.
        # Outside one, no transaction at all (SQLite's are IMMEDIATE: a read would lock writers).
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            row = _in_use().values_list("version", "sha256").first()
            if row is None:
                return None
            version, sha256 = row
            if held is not None and held[0] == version:
                return held
            data = bytes(
                PublishedModel.objects.filter(version=version).values_list("data", flat=True)[0]
            )
    except (DatabaseError, IndexError) as error:
        if held is not None:
            log.warning("The triage model in use could not be looked up (%s).", error)
        return held
    name = f"triage-{version}.npz"
    # A version that cannot be used is not read again at every look; the process goes on with
    # the model it held, if any (else the folder's, or the keyword rule).
    kept = held[1] if held is not None else None
    if hashlib.sha256(data).hexdigest() != sha256:
        log.error("Triage model %s in the database is damaged (its SHA-256 differs).", name)
        return version, kept
    try:
        return version, TriageModel.load(Path(name), content=data)
    except (OSError, ValueError, KeyError) as error:
        log.error("Triage model %s cannot be used (%s): run `insaf triage train`.", name, error)
        return version, kept


def _in_use() -> Any:
    from insaf.triage.models import PublishedModel

    return PublishedModel.objects.filter(in_use_since__isnull=False).order_by(
        "-in_use_since", "-pk"
    )


def _folder_model() -> TriageModel | None:
    """The model the folder's pointer names. The pointer is read only when its file changed
    (``insaf triage train`` replaces it: a new inode); a stat costs a tenth of a read."""
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
    """Train on ``items`` with the repository's lexicon, save the model and make it the
    folder's current one (publishing it is ``publish``'s work)."""
    model = train(items, lexicon_terms())
    folder = model_dir()
    path = model.save(folder)
    pointer = folder / "current"
    temporary = pointer.with_suffix(".tmp")
    temporary.write_text(path.name + "\n", encoding="utf-8")
    temporary.replace(pointer)
    return model, path


def publish(model: TriageModel, path: Path, *, actor: Any = None) -> PublishedModel:
    """Put the model saved at ``path`` in the database and in use there, audited: every
    application server takes it within ``INSAF_TRIAGE_REFRESH`` seconds, this process at once.
    The same version published again (the same data and lexicon) is put back in use."""
    from django.db import transaction
    from django.utils import timezone

    from insaf.audit.services import audit_record
    from insaf.audit.verbs import Verb
    from insaf.triage.models import PublishedModel

    data = path.read_bytes()
    now = timezone.now()
    with transaction.atomic():
        row = PublishedModel.objects.filter(version=model.version).first()
        if row is None:
            row = PublishedModel.objects.create(
                version=model.version,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                data=data,
                trained_on=model.trained_on,
                published_at=now,
                in_use_since=now,
            )
        else:
            row.in_use_since = now
            row.save(update_fields=["in_use_since"])
        audit_record(
            actor=actor,
            verb=Verb.TRIAGE_MODEL_PUBLISHED,
            target=row,
            data={"version": row.version, "sha256": row.sha256, "trained_on": row.trained_on},
        )
    forget()
    return row


def use(version: str, *, actor: Any = None) -> PublishedModel:
    """Put a published model back in use (audited); LookupError when none has that version."""
    from django.db import transaction
    from django.utils import timezone

    from insaf.audit.services import audit_record
    from insaf.audit.verbs import Verb
    from insaf.triage.models import PublishedModel

    with transaction.atomic():
        row = PublishedModel.objects.defer("data").filter(version=version).first()
        if row is None:
            raise LookupError(version)
        previous = _in_use().values_list("version", flat=True).first()
        row.in_use_since = timezone.now()
        row.save(update_fields=["in_use_since"])
        audit_record(
            actor=actor,
            verb=Verb.TRIAGE_MODEL_USED,
            target=row,
            data={"version": row.version, "previous": previous},
        )
    forget()
    return row


def prune(keep: int, *, actor: Any = None) -> list[str]:
    """Delete the published models but the ``keep`` newest and the one in use (audited); the
    versions deleted. Their cases keep the version's name; the model can no longer be put back."""
    from django.db import transaction

    from insaf.audit.services import audit_record
    from insaf.audit.verbs import Verb
    from insaf.triage.models import PublishedModel

    if keep < 1:
        raise ValueError(keep)
    with transaction.atomic():
        in_use = _in_use().values_list("pk", flat=True).first()
        newest = PublishedModel.objects.order_by("-published_at", "-pk").values_list(
            "pk", flat=True
        )
        kept = {*newest[:keep], in_use}
        old = PublishedModel.objects.exclude(pk__in=[pk for pk in kept if pk is not None])
        versions = sorted(old.values_list("version", flat=True))
        if versions:
            old.delete()
            audit_record(actor=actor, verb=Verb.TRIAGE_MODELS_DELETED, data={"versions": versions})
    return versions


def published() -> list[tuple[PublishedModel, bool]]:
    """The models published in the database, newest first, each with whether it is in use."""
    from insaf.triage.models import PublishedModel

    in_use = _in_use().values_list("pk", flat=True).first()
    rows = PublishedModel.objects.defer("data").order_by("-published_at", "-pk")
    return [(row, row.pk == in_use) for row in rows]


def training_items(*, with_corrections: bool) -> tuple[list[Labelled], int]:
    """The development set, plus the corrections when asked (and the database answers):
    (items, how many of them are corrections)."""
    items = read_jsonl(training_file())
    added: list[Labelled] = []
    if with_corrections:
        added = corrections()
    return items + added, len(added)
