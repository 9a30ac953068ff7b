"""The command line's language: chosen from the environment, as gettext reads it."""

from __future__ import annotations

import pytest

from insaf.language import command_language


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "ar_JO.UTF-8"}, "ar"),
        ({"LANG": "fr_MA"}, "fr"),
        ({"LANG": "ar_EG.UTF-8@latin"}, "ar"),
        # LC_ALL and LC_MESSAGES come before LANG.
        ({"LANG": "ar_JO.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "ar_JO.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
        # The first variable that is set decides, even for a language Insaf does not speak.
        ({"LC_ALL": "de_DE.UTF-8", "LANG": "ar_JO.UTF-8"}, "en"),
        ({"LC_ALL": "", "LANG": "ar_JO.UTF-8"}, "ar"),
        # LANGUAGE lists preferences: the first known one; none known, it is passed over.
        ({"LANGUAGE": "de:fr:ar", "LANG": "ar_JO.UTF-8"}, "fr"),
        ({"LANGUAGE": "de_DE:es", "LANG": "ar_JO.UTF-8"}, "ar"),
        # INSAF_LANGUAGE before all of them.
        ({"INSAF_LANGUAGE": "ar", "LC_ALL": "fr_FR.UTF-8"}, "ar"),
        ({"INSAF_LANGUAGE": "FR", "LANG": "ar_JO.UTF-8"}, "fr"),
        ({"INSAF_LANGUAGE": "ar-JO"}, "ar"),
        ({"INSAF_LANGUAGE": "klingon", "LANG": "ar_JO.UTF-8"}, "en"),
    ],
)
def test_command_language(environ: dict[str, str], language: str) -> None:
    assert command_language(environ) == language
