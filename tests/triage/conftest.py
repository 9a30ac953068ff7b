from __future__ import annotations

import fcntl
import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

import insaf
from insaf.text.concepts import read_terms
from insaf.triage.model import TriageModel, model_version, read_jsonl, train

DATA = Path(settings.INSAF_DATA_DIR)


def _code_digest() -> str:
    """A digest of the code that makes a model (insaf/triage and insaf/text)."""
    digest = hashlib.sha256()
    root = Path(insaf.__file__).parent
    for path in sorted([*root.glob("triage/*.py"), *root.glob("text/*.py")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


@pytest.fixture(scope="session")
def trained(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> tuple[TriageModel, Path]:
    """The model of the repository's development set, trained once (a minute or more) and kept
    in pytest's cache, keyed by its version and the code that makes it: `make test` runs the
    suite on each database, and the second run loads what the first trained. The training
    command's test still trains a smaller model on every run."""
    items = read_jsonl(DATA / "triage" / "train.jsonl")
    terms = read_terms(DATA / "concepts")
    name = f"{model_version(items, terms)}-{_code_digest()}"
    cache = request.config.cache
    folder = cache.mkdir("triage-model") if cache is not None else tmp_path_factory.mktemp("cache")
    kept = folder / name
    # The workers of a parallel run share the cache: the first to come trains while any other
    # waits on the lock, then loads what it kept.
    with open(folder.parent / "triage-model.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        model = None
        if kept.is_dir():
            try:
                model = TriageModel.load(next(kept.glob("triage-*.npz")))
            except (StopIteration, OSError, ValueError, KeyError):
                model = None  # not there, or damaged: train again
        if model is None:
            model = train(items, terms)
            for stale in folder.iterdir():
                shutil.rmtree(stale, ignore_errors=True)
            partial = folder / f"{name}.partial"
            partial.mkdir()
            model.save(partial)
            partial.rename(kept)  # complete, or not there at all
    path = model.save(tmp_path_factory.mktemp("triage"))
    (path.parent / "current").write_text(path.name + "\n", encoding="utf-8")
    return model, path


@pytest.fixture
def installed(trained: tuple[TriageModel, Path]) -> Iterator[TriageModel]:
    """The trained model in use, as `insaf triage train` leaves it."""
    model, path = trained
    with override_settings(INSAF_TRIAGE_DIR=path.parent, INSAF_TRIAGE_CLASSIFIER="model"):
        yield model
