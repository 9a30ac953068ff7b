"""Every interface string is translated into Arabic and French; the compiled files are current."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

PACKAGE = Path(__file__).resolve().parents[2] / "insaf"
LANGUAGES = ["ar", "fr"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def _po(language: str) -> polib.POFile:
    return polib.pofile(str(PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    po = _po(language)
    assert not po.metadata_is_fuzzy
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {language}: {untranslated}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language: str) -> None:
    for entry in _po(language):
        wanted = set(PLACEHOLDER.findall(entry.msgid))
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            # Arabic plural forms for one and two may spell the number out instead.
            assert set(PLACEHOLDER.findall(text)) <= wanted, (entry.msgid, text)
            if not entry.msgid_plural:
                assert set(PLACEHOLDER.findall(text)) == wanted, (entry.msgid, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_source(language: str) -> None:
    mo = polib.mofile(str(PACKAGE / "locale" / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgid, e.msgstr) for e in mo if not e.msgid_plural}
    source = {(e.msgid, e.msgstr) for e in _po(language) if not e.msgid_plural}
    assert source == compiled, "run `insaf compilemessages` in insaf/"


def test_catalogue_covers_every_string_in_the_code(
    tmp_path: Path, settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Extract messages from a copy of the code and compare with the committed catalogue."""
    if not shutil.which("xgettext"):
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("xgettext (GNU gettext) is needed to check the catalogue")
        pytest.skip("GNU gettext is not installed")
    copy = tmp_path / "insaf"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "static", "__pycache__"))
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [str(copy / "locale")]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["ar"], ignore_patterns=["*/migrations/*"], verbosity=0)
    extracted = {e.msgid for e in polib.pofile(str(copy / "locale/ar/LC_MESSAGES/django.po"))}
    for language in LANGUAGES:
        committed = {e.msgid for e in _po(language)}
        missing = extracted - committed
        assert not missing, f"not in the {language} catalogue (run makemessages): {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language,text",
    [("ar", "دخول الموظفين"), ("fr", "Connexion du personnel"), ("en", "Staff sign-in")],
)
def test_pages_speak_the_chosen_language(client: Client, language: str, text: str) -> None:
    client.cookies["django_language"] = language
    assert text in client.get(reverse("core:home")).content.decode()
