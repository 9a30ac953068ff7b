"""``insaf text normalize`` and ``insaf text analyze``: line for line, empty lines kept."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(action: str, text: str) -> str:
    out = io.StringIO()
    call_command("text", action, stdin=io.StringIO(text), stdout=out)
    return out.getvalue()


def test_normalize() -> None:
    assert run("normalize", "أحمدُ ٱلـمـحكمة ١٢٣\n\nÉTÉ, Œuvre!\n") == (
        "احمد المحكمه 123\n\nete, oeuvre!\n"
    )


def test_analyze() -> None:
    assert run("analyze", "الشرطة عذبوني في القسم\n\n...\nThe police took my passports\n") == (
        "شرط عذب قسم\n\n\npolic took passport\n"
    )


def test_last_line_without_newline_and_crlf() -> None:
    assert run("analyze", "الكتاب\r\nكبيرة") == "كتاب\nكبير\n"


def test_nothing_in_nothing_out() -> None:
    assert run("analyze", "") == ""


def test_unknown_action() -> None:
    with pytest.raises(CommandError):
        call_command("text", "translate", stdin=io.StringIO(""), stdout=io.StringIO())
