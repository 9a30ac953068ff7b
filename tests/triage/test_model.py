"""The trained classifier: its file, its command line, its use at intake, its training data."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from unittest.mock import patch

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from insaf.accounts.roles import Role
from insaf.complaints.enums import Channel
from insaf.complaints.models import Complaint, CountryPolicy
from insaf.complaints.services import LabelChanges, complaint_correct_labels, complaint_submit
from insaf.text import langid
from insaf.text.concepts import read_terms
from insaf.triage.engine import triage
from insaf.triage.labels import Category, Kind, Priority, Vulnerable
from insaf.triage.model import (
    Labelled,
    TriageModel,
    ages,
    evaluate,
    grave_cues,
    read_jsonl,
    train,
)
from insaf.triage.models import PublishedModel
from insaf.triage.store import training_items
from tests.conftest import Org
from tests.triage.conftest import DATA

TORTURE = "عذبوني في السجن وضربوني بالعصي حتى فقدت الوعي"
THANKS = "شكرا لضباط الجوازات على سرعة الخدمة واحترامهم للمراجعين"


def test_saved_model_gives_the_same_answers(trained: tuple[TriageModel, Path]) -> None:
    model, path = trained
    again = TriageModel.load(path)
    texts = [TORTURE, THANKS, "el police 7absouni 3 ayam bla sabab", "Ils ont saisi mon téléphone"]
    assert again.version == model.version
    assert [p.__dict__ for p in again.predict(texts)] == [p.__dict__ for p in model.predict(texts)]


def test_the_language_model_is_loaded_with_the_model(
    trained: tuple[TriageModel, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = trained
    monkeypatch.setattr(langid, "_identifier", None)
    TriageModel.load(path)
    assert langid._identifier is not None  # loaded in a thread, waited for


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_language_model_that_cannot_be_read_stops_the_load(
    trained: tuple[TriageModel, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = trained

    def unreadable() -> None:
        raise OSError("model.npz.xz: no such file")

    monkeypatch.setattr(langid, "load", unreadable)
    with pytest.raises(OSError, match="no such file"):
        TriageModel.load(path)


def test_predictions_use_the_contracts_codes(trained: tuple[TriageModel, Path]) -> None:
    model, _ = trained
    for found in model.predict([TORTURE, THANKS, "I want to visit my son in the prison"]):
        assert found.kind in Kind.values and found.category in Category.values
        assert set(found.vulnerable) <= set(Vulnerable.values)
        assert set(found.confidence) >= {"kind", "category", "grave"}
        assert all(0.0 <= value <= 1.0 for value in found.confidence.values())


def test_clear_cases(trained: tuple[TriageModel, Path]) -> None:
    model, _ = trained
    torture, thanks = model.predict([TORTURE, THANKS])
    assert torture.grave and torture.kind == Kind.COMPLAINT
    # The evidence is words of the text.
    assert torture.evidence["grave"] and all(word in TORTURE for word in torture.evidence["grave"])
    # Nobody is harmed or asking in thanks: no group, never grave.
    assert thanks.kind == Kind.COMMENDATION
    assert not thanks.grave and thanks.vulnerable == ()


def test_evaluation_counts() -> None:
    truth = [
        Labelled("a", "complaint", "corruption", True, ("woman",)),
        Labelled("b", "complaint", "misconduct", False, ()),
        Labelled("c", "petition", "request", False, ("inmate",)),
    ]
    predicted = [
        Labelled("a", "complaint", "corruption", True, ("woman", "child")),
        Labelled("b", "complaint", "corruption", True, ()),
        Labelled("c", "complaint", "request", False, ()),
    ]
    result = evaluate(truth, predicted)
    assert result.kind_accuracy == pytest.approx(2 / 3)
    assert result.category_accuracy == pytest.approx(2 / 3)
    assert result.grave == {
        "precision": 0.5,
        "recall": 1.0,
        "f1": pytest.approx(2 / 3),
        "support": 1,
    }
    # Groups: one right (woman), one wrong (child), one missed (inmate).
    assert result.vulnerable_micro_f1 == pytest.approx(0.5)
    assert result.confusion["misconduct"] == {"corruption": 1}
    assert any(line.startswith("category.corruption") for line in result.lines())


def test_command_reads_json_lines_and_needs_no_database(
    installed: TriageModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        json.dumps({"id": "1", "text": TORTURE}, ensure_ascii=False),
        "this is not json",
        json.dumps({"id": 2}),
        json.dumps({"id": "3", "text": THANKS, "other": "ignored"}, ensure_ascii=False),
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    out = io.StringIO()
    call_command("triage", stdout=out)  # no django_db mark: touching the database would fail
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [row.get("id") for row in rows] == ["1", None, 2, "3"]
    assert rows[1] == {"id": None, "error": "not valid JSON"}
    assert rows[2] == {"id": 2, "error": "no text"}
    first = rows[0]
    assert set(first) == {
        "id",
        "language",
        "kind",
        "category",
        "grave",
        "vulnerable",
        "priority",
        "confidence",
        "evidence",
    }
    assert first["grave"] is True and first["priority"] == Priority.CRITICAL
    assert first["language"] == "ar"


@pytest.mark.django_db
def test_train_installs_a_model_and_evaluate_reports(
    tmp_path: Path, trained: tuple[TriageModel, Path]
) -> None:
    sample = tmp_path / "few.jsonl"
    rows = [
        {
            "id": "x",
            "text": TORTURE,
            "kind": "complaint",
            "category": "torture_ill_treatment",
            "grave": True,
            "vulnerable": ["inmate"],
        },
    ]
    sample.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    # A part of the development set (the whole set is the session's `trained` model).
    data = tmp_path / "data"
    (data / "triage").mkdir(parents=True)
    for name, count in (("train.jsonl", 400), ("test.jsonl", 60)):
        lines = (DATA / "triage" / name).read_text(encoding="utf-8").splitlines()[:count]
        (data / "triage" / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copytree(DATA / "concepts", data / "concepts")
    with override_settings(INSAF_TRIAGE_DIR=tmp_path / "models", INSAF_DATA_DIR=data):
        with pytest.raises(CommandError, match="No triage model"):
            call_command("triage", "evaluate", str(sample), stdout=io.StringIO())
        out = io.StringIO()
        call_command("triage", "train", stdout=out)
        with pytest.raises(CommandError, match="not labelled JSON lines"):
            call_command("triage", "evaluate", str(tmp_path / "none.jsonl"), stdout=io.StringIO())
        assert "0 officers' corrections" in out.getvalue()
        assert "Published in the database" in out.getvalue()
        assert "held-out test split" in out.getvalue()
        name = (tmp_path / "models" / "current").read_text().strip()
        again = train(read_jsonl(data / "triage" / "train.jsonl"), read_terms(data / "concepts"))
        assert name == f"triage-{again.version}.npz"  # the same data: the same model
        published = PublishedModel.objects.get()
        assert published.version == again.version and published.in_use_since is not None
        assert again.version != trained[0].version and again.grave_stack is not None
        out = io.StringIO()
        call_command("triage", "evaluate", str(sample), stdout=out)
        text = out.getvalue()
        assert "items 1" in text and "category confusion" in text and "grave precision" in text


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ar", ["العناصر 1", "دقة النوع", "مصفوفة الالتباس"]),
        ("fr", ["éléments 1", "exactitude du type", "matrice de confusion"]),
        ("en", ["items 1", "kind accuracy", "category confusion"]),
    ],
)
def test_evaluate_speaks_the_command_lines_language(
    installed: TriageModel,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    words: list[str],
) -> None:
    sample = tmp_path / "one.jsonl"
    row = {"text": TORTURE, "kind": "complaint", "category": "torture_ill_treatment"}
    sample.write_text(json.dumps({**row, "grave": True, "vulnerable": []}, ensure_ascii=False))
    monkeypatch.setenv("INSAF_LANGUAGE", language)
    out = io.StringIO()
    call_command("triage", "evaluate", str(sample), stdout=out)
    text = out.getvalue()
    assert all(word in text for word in words), text
    assert "torture_ill_treatment" in text  # the codes stay codes


def test_warm_up_builds_what_the_first_text_needs(installed: TriageModel) -> None:
    from insaf.triage.engine import warm_up
    from insaf.triage.store import current_model

    model = current_model()  # the process's copy of the installed model
    assert model is not None and model.version == installed.version
    model._featurizer = model._table = None
    warm_up()  # the import calls it before forking its workers, which then share the model
    assert model._featurizer is not None and model._table is not None
    table = model._table
    model.predict([TORTURE])
    assert model._table is table  # built once, not again by the first prediction


@pytest.mark.django_db
def test_intake_uses_the_installed_model(installed: TriageModel, policy: CountryPolicy) -> None:
    case = complaint_submit(
        country="JO", text=TORTURE, anonymous=True, channel=Channel.WEB
    ).complaint
    assert case.triage_version == installed.version
    assert case.grave and case.oversight and case.priority == Priority.CRITICAL
    # The officer sees why: the evidence and confidences are kept with the case.
    assert case.triage_details["evidence"]["grave"]
    assert set(case.triage_details["confidence"]) >= {"kind", "category", "grave"}
    assert triage(TORTURE).version == installed.version


@pytest.mark.django_db
def test_without_a_model_intake_keeps_the_keyword_rule(
    tmp_path: Path, policy: CountryPolicy
) -> None:
    with override_settings(INSAF_TRIAGE_DIR=tmp_path, INSAF_TRIAGE_CLASSIFIER="model"):
        case = complaint_submit(
            country="JO", text=TORTURE, anonymous=True, channel=Channel.WEB
        ).complaint
    assert case.triage_version.startswith("keywords")


@pytest.mark.django_db
def test_a_model_this_version_cannot_read_does_not_stop_intake(
    tmp_path: Path, policy: CountryPolicy
) -> None:
    """A model of an older format (or a damaged file) is not used: intake goes on with the
    keyword rule and the case is kept."""
    meta = json.dumps({"format": 1, "version": "linear-old"}).encode()
    np.savez(tmp_path / "triage-linear-old.npz", meta=np.frombuffer(meta, np.uint8))
    (tmp_path / "current").write_text("triage-linear-old.npz\n", encoding="utf-8")
    with override_settings(INSAF_TRIAGE_DIR=tmp_path, INSAF_TRIAGE_CLASSIFIER="model"):
        case = complaint_submit(
            country="JO", text=TORTURE, anonymous=True, channel=Channel.WEB
        ).complaint
    assert case.triage_version.startswith("keywords")
    assert Complaint.objects.filter(pk=case.pk).exists()


def test_a_process_takes_a_new_model_when_the_pointer_changes(
    trained: tuple[TriageModel, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from insaf.triage.store import current_model

    model = trained[0]
    folder = tmp_path / "models"
    folder.mkdir()
    first = model.save(folder)
    pointer = folder / "current"
    pointer.write_text(first.name + "\n", encoding="utf-8")
    with override_settings(INSAF_TRIAGE_DIR=folder):
        assert current_model() is not None
        loaded = current_model()
        # Unchanged pointer: the model held, the pointer not even read again.
        reads: list[Path] = []
        original = Path.read_text

        def counting(self: Path, *args: object, **kwargs: object) -> str:
            reads.append(self)
            return original(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Path, "read_text", counting)
        assert current_model() is loaded and reads == []
        # `insaf triage train` replaces the pointer (a new file): the next call sees it.
        second = folder / "triage-copy.npz"
        shutil.copy(first, second)
        temporary = folder / "current.tmp"
        temporary.write_text(second.name + "\n", encoding="utf-8")
        temporary.replace(pointer)
        taken = current_model()
        assert taken is not None and taken is not loaded and reads == [pointer]
        pointer.unlink()
        assert current_model() is None


@pytest.mark.django_db
def test_officers_corrections_become_training_data(
    installed: TriageModel, policy: CountryPolicy, jordan: Org
) -> None:
    case = complaint_submit(
        country="JO", text=THANKS, anonymous=True, channel=Channel.WEB
    ).complaint
    items, added = training_items(with_corrections=True)
    assert added == 0
    complaint_correct_labels(
        actor=jordan.staff[Role.UNIT_HEAD],
        complaint_id=case.pk,
        version=case.version,
        changes=LabelChanges(kind="complaint", category="misconduct", vulnerable=["elderly"]),
    )
    items, added = training_items(with_corrections=True)
    assert added == 1
    assert items[-1] == Labelled(THANKS, "complaint", "misconduct", case.grave, ("elderly",))
    assert len(items) == len(read_jsonl(Path(__file__).parents[2] / "data/triage/train.jsonl")) + 1
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
def test_import_labels_a_batch_with_the_installed_model(
    installed: TriageModel, policy: CountryPolicy, tmp_path: Path
) -> None:
    from insaf.complaints.bulk import import_file

    texts = [TORTURE, THANKS, "Ils ont saisi mon téléphone au barrage sans reçu"]
    source = tmp_path / "old.jsonl"
    source.write_text(
        "".join(
            json.dumps(
                {"external_id": f"old-{n}", "country": "JO", "text": text, "anonymous": True},
                ensure_ascii=False,
            )
            + "\n"
            for n, text in enumerate(texts)
        ),
        encoding="utf-8",
    )
    report = import_file(source, country="JO")
    assert report.ok, report.errors
    for case in Complaint.objects.order_by("external_id"):
        one = triage(case.text)
        assert case.triage_version == installed.version
        assert (case.kind, case.category, case.grave) == (one.kind, one.category, one.grave)


def _texts() -> list[str]:
    held_out = [item.text for item in read_jsonl(DATA / "triage" / "test.jsonl")]
    return [*held_out[:120], TORTURE, THANKS, "", "!!", "3azabouni", "١٥ سنة", "ok ok ok ok"]


def test_word_by_word_scores_equal_the_feature_rows(trained: tuple[TriageModel, Path]) -> None:
    """Labelling sums what each word gives (cached per word); training fits the feature rows.
    Both must give the same scores, in batches, for repeated words, and after the table of
    words starts again."""
    model, _ = trained
    texts = _texts()
    rows, analysed = model.featurizer.transform(texts)
    raw, _ = model.raw_scores(analysed)
    table = model._words()
    expected = np.asarray(rows @ table.weights, dtype=np.float64)
    np.testing.assert_allclose(raw, expected, rtol=1e-4, atol=1e-4)
    # A text's scores do not depend on the batch it comes in.
    alone, _ = model.raw_scores(analysed[-3:])
    np.testing.assert_allclose(alone, expected[-3:], rtol=1e-4, atol=1e-4)
    # A full table starts again before a batch, never within one.
    with patch.object(type(table), "LIMIT", 50):
        again, _ = model.raw_scores(analysed[:20])
    assert table.size <= max(50, sum(len(one.words) for one in analysed[:20]))
    np.testing.assert_allclose(again, expected[:20], rtol=1e-4, atol=1e-4)
    # Probabilities as the heads give them from the rows.
    for name, head in model.heads.items():
        np.testing.assert_allclose(
            head.probabilities(raw[:, model._outputs[name]]), head.scores(rows), atol=1e-4
        )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("ابني عمره ١٥ سنة وأخذوه", [15]),
        ("بنتي (٢٦ عاماً)", [26]),
        ("والدي بعمر 70", [70]),
        ("aged 70, my father", [70]),
        ("ma mère âgée de 80 ans", [80]),
        ("my son is 12 yo", [12]),
        ("il a 15ans", [15]),
        ("ابني وبنتي (٦ و٩ سنين)", [9]),
        ("ana esmi Mazen 3andi 15 sana", [15]),
        ("hello my name is Rania i am 13.", [13]),
        ("My son is 17. He was arrested", [17]),
        ("the queue was 3 hours long and the fine is 50 dinars", []),
        ("room 9 is 12 metres square, we are 27 in it", []),
        ("في سنة 2015 وقبل 3 ايام وفي الساعة 10", []),
        ("رقم الهاتف 0791234567", []),
        # Arabizi "3omro", and a number right after a relative.
        ("ebne 3mro 16 sene w mawkouf", [16]),
        ("my son (8) was crying", [8]),
        # Numbers in letters, with what makes them an age.
        ("ابني عمره سبع سنين", [7]),
        ("ابني البالغ ستة عشر عاما", [16]),
        ("ابن أختي عنده تلاتاشر سنة", [13]),
        ("عندي واحد وسبعين عام", [71]),
        ("my seven-year-old son", [7]),
        ("sixty five years old", [65]),
        ("mon fils de dix sept ans", [17]),
        ("ma mère âgée de quatre vingts ans", [80]),
        # ... and without it: a sentence, a time, things owned.
        ("محكوم ست سنين وباقي لي سنتين", []),
        ("من سبع سنوات وانا انتظر", []),
        ("une peine de huit ans", []),
        ("عندي 3 سيارات وعندي تلات عربيات", []),
        ("ابني 3 ايام بالحجز", []),
    ],
)
def test_stated_ages(text: str, found: list[int]) -> None:
    assert ages(text) == found


def _wilson_lower(found: int, total: int, z: float = 1.645) -> float:
    share = found / total
    spread = z * ((share * (1 - share) + z * z / (4 * total)) / total) ** 0.5
    return (share + z * z / (2 * total) - spread) / (1 + z * z / total)


@pytest.mark.parametrize("positives", [20, 100, 450, 5000])
def test_grave_recall_keeps_a_margin_for_unseen_texts(positives: int) -> None:
    """The grave threshold keeps enough positives that 0.95 recall holds on unseen texts with 95%
    confidence: the fewest found whose Wilson lower bound reaches 0.95."""
    from insaf.triage.model import _needed_for, _recall_threshold

    needed = _needed_for(0.95, positives)
    assert needed > 0.95 * positives
    if needed < positives:
        assert _wilson_lower(needed, positives) >= 0.95 > _wilson_lower(needed - 1, positives)
    # The threshold keeps that many positives' scores at or above it.
    rng = np.random.default_rng(positives)
    scores = rng.random(positives)
    labels = [True] * positives
    threshold = _recall_threshold(scores, labels, 0.95, np.zeros(positives, bool))
    assert (scores >= threshold).sum() >= needed


def test_training_without_a_migrated_database_reads_the_lexicon_files(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """`insaf triage train --no-corrections` on a database not migrated yet: the files."""
    from django.db import OperationalError

    from insaf.triage import store

    def unmigrated() -> list[object]:
        raise OperationalError("no such table: search_conceptterm")

    monkeypatch.setattr("insaf.search.lexicon.lexicon_terms", unmigrated)
    with caplog.at_level("WARNING"):
        terms = store.lexicon_terms()
    assert terms == read_terms(DATA / "concepts")
    assert "not the database" in caplog.text


def test_grave_is_decided_by_the_second_stage(trained: tuple[TriageModel, Path]) -> None:
    """Grave: the second stage over the first stage's grave log-odds, the categories'
    one-against-the-rest probabilities and the concepts, at its recall-first threshold."""
    model, path = trained
    stack = model.grave_stack
    assert stack is not None and 0.0 < stack.threshold <= 0.5
    again = TriageModel.load(path).grave_stack  # saved and read back whole
    assert again is not None and again.concepts == stack.concepts
    assert (again.intercept, again.threshold) == (stack.intercept, stack.threshold)
    np.testing.assert_array_equal(again.weights, stack.weights)
    texts = _texts()
    rows, analysed = model.featurizer.transform(texts)
    grave_p = model.heads["grave"].scores(rows)[:, 0]
    category = model.heads["category"]
    logits = np.asarray((rows @ category.weights.T).todense()) + category.intercept
    each = 1.0 / (1.0 + np.exp(-logits))
    cues = [grave_cues(one.matches) for one in analysed]
    expected = stack.probabilities(grave_p, each, analysed, cues)
    found = model.predict(texts)
    quiet = {Kind.SUGGESTION, Kind.COMMENDATION}
    assert [p.grave for p in found] == [
        bool(score >= stack.threshold) and p.kind not in quiet
        for score, p in zip(expected, found, strict=True)
    ]
    for score, p in zip(expected, found, strict=True):
        if p.grave:
            assert p.confidence["grave"] == pytest.approx(score, abs=2e-3)
