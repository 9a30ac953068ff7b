"""Lexicon files edited by hand into a wrong shape: a running process keeps the layer it built
before and reads the files again at the next check; the system check refuses them before a
deployment, naming the file, the line and the problem, without touching the database."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.checks import CheckMessage, Error, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from pytest_django.fixtures import Settings as SettingsWrapper

from insaf.accounts.roles import Role
from insaf.search import concepts, lexicon
from insaf.search.services import search
from tests.conftest import Org
from tests.search.conftest import FileCase

GREASE = "قال لي الموظف لازم تدهن السير عشان تمشي المعاملة"  # a bribe, in no word for one
NEW_WORD = "زيت المكينة"  # in no concept: the test teaches it to bribery


@pytest.fixture
def data(tmp_path: Path, settings: SettingsWrapper) -> Iterator[Path]:
    """A copy of data/concepts in use, for the test to break; no layer outlives the test."""
    shutil.copytree(lexicon.folder(), tmp_path / "data" / "concepts")
    settings.INSAF_DATA_DIR = tmp_path / "data"
    concepts.forget()
    yield tmp_path / "data" / "concepts"
    concepts.forget()


def append(path: Path, line: str) -> int:
    """Add ``line`` to the file; the number of the line it is."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return len(path.read_text(encoding="utf-8").splitlines())


def references(query: str) -> list[str]:
    return [h.complaint.reference for h in search(query, user=None).hits]


@pytest.mark.django_db
def test_a_process_keeps_its_layer_when_the_files_break_and_reads_them_again_later(
    data: Path,
    file_case: FileCase,
    jordan: Org,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    call_command("concepts", "load", stdout=StringIO())
    case = file_case(GREASE)
    assert case.reference in references("رشوة")  # by meaning: the layer is built
    built = concepts.layer()
    # The words for labels, edited into a wrong shape; then the lexicon changes (an
    # administrator adds a term), so the next check builds a new layer, and cannot.
    labels = data / "meta" / "labels.csv"
    good = labels.read_text(encoding="utf-8")
    line = append(labels, "category:bribes,ar,رشاوى")
    lexicon.concept_term_add(
        actor=jordan.staff[Role.NATIONAL_ADMIN], concept="bribery", lang="ar", text=NEW_WORD
    )
    monkeypatch.setattr(concepts, "CHECK_SECONDS", 0.0)  # the next look is a check
    with caplog.at_level(logging.ERROR, logger="insaf.search.concepts"):
        assert concepts.layer() is built
        # Until the next check, nothing reads the files again.
        monkeypatch.setattr(concepts, "CHECK_SECONDS", 3600.0)
        assert case.reference in references("رشوة")
        assert concepts.layer() is built
    (record,) = caplog.records
    assert f"labels.csv, line {line}: bad label 'category:bribes'" in record.getMessage()
    assert "keep the lexicon read before" in record.getMessage()
    # Corrected: the next check builds the layer, with the term added meanwhile.
    labels.write_text(good, encoding="utf-8")
    monkeypatch.setattr(concepts, "CHECK_SECONDS", 0.0)
    assert concepts.layer() is not built
    assert NEW_WORD in {t.text for t in concepts.layer().lexicon.terms}


@pytest.mark.django_db
def test_a_process_that_never_read_the_lexicon_searches_without_concepts(
    data: Path, file_case: FileCase, caplog: pytest.LogCaptureFixture
) -> None:
    line = append(data / "conduct.csv", "bribery,xx,رشوة,")
    with caplog.at_level(logging.ERROR, logger="insaf.search.concepts"):
        case = file_case(GREASE)
    assert f"conduct.csv, line {line}: unknown lang 'xx'" in caplog.text
    assert "go on without concepts" in caplog.text
    assert case.reference in references("تدهن السير")  # by its words
    assert references("رشوة") == []  # not by meaning


# --- The system check ----------------------------------------------------------------------------


def lexicon_errors() -> list[CheckMessage]:
    return [m for m in run_checks(tags=["lexicon"]) if m.id == "search.E001"]


def test_the_check_passes_on_the_repository_lexicon() -> None:
    """Without the database: a test without the django_db mark fails at the first query."""
    out = StringIO()
    call_command("check", "--tag", "lexicon", stdout=out)
    assert "no issues" in out.getvalue()
    assert lexicon_errors() == []


def unknown_language(folder: Path) -> str:
    line = append(folder / "conduct.csv", "bribery,xx,رشوة,")
    return f"conduct.csv, line {line}: unknown lang 'xx'"


def concept_without_a_name(folder: Path) -> str:
    line = append(folder / "harm.csv", "bribary,ar,رشوة,")
    return f"harm.csv, line {line}: the concept 'bribary' has no names in meta/names.csv"


def names_row_without_labels(folder: Path) -> str:
    line = append(folder / "meta" / "names.csv", "bribery,رشوة,bribe")
    return f"names.csv, line {line}: 3 columns, not 5"


def unknown_label(folder: Path) -> str:
    line = append(folder / "meta" / "labels.csv", "grave:2,ar,جسيم")
    return f"labels.csv, line {line}: bad label 'grave:2'"


def query_words_of_no_concept(folder: Path) -> str:
    line = append(folder / "meta" / "queries.csv", "bribe,en,kickback")
    return f"queries.csv, line {line}: unknown concept 'bribe'"


def saved_in_another_encoding(folder: Path) -> str:
    path = folder / "people.csv"
    before = path.read_bytes()
    path.write_bytes(before + "child,ar,طفل,\n".encode("cp1256"))  # Windows' Arabic
    line = before.count(b"\n") + 1
    return f"people.csv, line {line}: not valid UTF-8"


def no_names_file(folder: Path) -> str:
    (folder / "meta" / "names.csv").unlink()
    return "names.csv cannot be read: No such file or directory"


BREAKAGES: dict[str, Callable[[Path], str]] = {
    f.__name__: f
    for f in (
        unknown_language,
        concept_without_a_name,
        names_row_without_labels,
        unknown_label,
        query_words_of_no_concept,
        saved_in_another_encoding,
        no_names_file,
    )
}


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_the_check_names_the_broken_file_and_line(data: Path, breakage: str) -> None:
    problem = BREAKAGES[breakage](data)
    (error,) = lexicon_errors()
    assert isinstance(error, Error)
    assert error.msg == f"The concept lexicon cannot be read: {problem}"
    assert error.obj == str(data)
    with pytest.raises(SystemCheckError, match=r"search\.E001"):
        call_command("check", stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
def test_a_broken_file_stops_the_commands_that_read_the_lexicon_and_no_other(
    data: Path, jordan: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A typo in a CSV file must not stop the deadline sweep that cron runs, nor labelling with
    a trained model (it carries its terms); search, the lexicon's own commands, import and
    training refuse to start, as the checks of ``insaf check`` do."""
    append(data / "conduct.csv", "bribery,xx,رشوة,")
    quiet = {"stdout": StringIO(), "stderr": StringIO(), "skip_checks": False}
    stopped = [
        ("search", "رشوة"),
        ("concepts", "status"),
        ("import", "x.jsonl"),
        ("triage", "train"),
    ]
    for command in stopped:
        with pytest.raises(SystemCheckError, match=r"search\.E001"):
            call_command(*command, **quiet)
    monkeypatch.setattr("sys.stdin", StringIO('{"id": "1", "text": "ضربوني في المركز"}\n'))
    call_command("triage", **quiet)
    call_command("sla", "sweep", **quiet)
    call_command("outbox", "status", **quiet)
    call_command("audit", "verify", **quiet)
    data.joinpath("conduct.csv").write_text(
        "\n".join(data.joinpath("conduct.csv").read_text(encoding="utf-8").splitlines()[:-1])
        + "\n",
        encoding="utf-8",
    )
    call_command("search", "رشوة", **quiet)  # mended: searching runs again


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ar", "conduct.csv، السطر {line}: رمز لغة غير معروف 'xx'"),
        ("fr", "conduct.csv, ligne {line} : langue inconnue 'xx'"),
    ],
)
def test_the_check_speaks_the_command_line_language(
    data: Path, monkeypatch: pytest.MonkeyPatch, language: str, message: str
) -> None:
    line = append(data / "conduct.csv", "bribery,xx,رشوة,")
    monkeypatch.setenv("INSAF_LANGUAGE", language)
    (error,) = lexicon_errors()
    assert message.format(line=line) in error.msg
    assert "data/concepts/README.md" in (error.hint or "")


def test_a_file_saved_by_a_spreadsheet_with_a_byte_order_mark_reads_the_same(data: Path) -> None:
    """ "CSV UTF-8" from a spreadsheet starts with a byte-order mark: the same terms, no error."""
    from insaf.text.concepts import read_terms

    before = read_terms(data)
    path = data / "conduct.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert read_terms(data) == before
    assert [m for m in run_checks() if m.id == "search.E001"] == []


@pytest.mark.django_db
def test_a_broken_names_file_is_named_on_the_lexicon_page(data: Path, jordan: Org) -> None:
    """The page lists the concepts from meta/names.csv: broken, the page says where, once, and
    adding a term is refused (422) with nothing written."""
    from django.test import Client

    from insaf.search.models import ConceptTerm
    from tests.conftest import sign_in_with_second_factor

    number = append(data / "meta" / "names.csv", "bribery_two,رشوة,bribe")
    admin = sign_in_with_second_factor(Client(), jordan.staff[Role.NATIONAL_ADMIN])
    problem = f"names.csv، السطر {number}: عدد الأعمدة 3، والمطلوب 5"  # the admin reads Arabic
    page = admin.get("/work/lexicon/?concept=bribery")
    assert page.status_code == 200 and page.content.decode().count(problem) == 1
    assert '<div class="alert alert-danger" role="alert">' in page.content.decode()  # an error
    added = admin.post(
        "/work/lexicon/add/",
        {"concept": "bribery", "lang": "ar", "text": NEW_WORD},
    )
    assert added.status_code == 422 and added.content.decode().count(problem) == 1
    assert not ConceptTerm.objects.exists()
