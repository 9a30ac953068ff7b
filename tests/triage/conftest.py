from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from insaf.text.concepts import read_terms
from insaf.triage.model import TriageModel, read_jsonl, train

DATA = Path(settings.INSAF_DATA_DIR)


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[TriageModel, Path]:
    """A model trained once per run on the repository's development set (a few seconds)."""
    model = train(read_jsonl(DATA / "triage" / "train.jsonl"), read_terms(DATA / "concepts"))
    path = model.save(tmp_path_factory.mktemp("triage"))
    (path.parent / "current").write_text(path.name + "\n", encoding="utf-8")
    return model, path


@pytest.fixture
def installed(trained: tuple[TriageModel, Path]) -> Iterator[TriageModel]:
    """The trained model in use, as `insaf triage train` leaves it."""
    model, path = trained
    with override_settings(INSAF_TRIAGE_DIR=path.parent, INSAF_TRIAGE_CLASSIFIER="model"):
        yield model
