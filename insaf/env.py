"""Small typed helpers that read settings from the environment.

Every setting Insaf reads comes through one of these, so that a missing or malformed value fails at
start-up with a message that names the variable and says what to set.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from insaf.language import catalogue, gettext_noop


class ConfigurationError(RuntimeError):
    """Raised at start-up when an environment variable is missing or malformed.

    ``message`` is marked with ``gettext_noop`` and formatted with ``values``, then followed by
    ``hint`` (marked too: what to set, shared by several messages); ``str()`` gives it in English
    (logs), ``in_language`` in the reader's (``insaf`` prints that)."""

    def __init__(self, message: str, *, hint: str = "", **values: object) -> None:
        self.message = message
        self.hint = hint
        self.values = values
        super().__init__(self._text(str))

    def in_language(self, language: str) -> str:
        return self._text(catalogue(language).gettext)

    def _text(self, translate: Callable[[str], str]) -> str:
        text = translate(self.message)
        if self.values:
            text %= self.values
        return f"{text} {translate(self.hint)}" if self.hint else text


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(
        gettext_noop("%(name)s must be one of 1/0, true/false, yes/no, on/off; got %(raw)r."),
        name=name,
        raw=raw,
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(
            gettext_noop("%(name)s must be a whole number; got %(raw)r."), name=name, raw=raw
        ) from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]
