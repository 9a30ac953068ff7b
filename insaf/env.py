"""Small typed helpers that read settings from the environment.

Every setting Insaf reads comes through one of these, so that a missing or malformed value fails at
start-up with a message that names the variable and says what to set.
"""

from __future__ import annotations

import os

from insaf.language import catalogue, gettext_noop


class ConfigurationError(RuntimeError):
    """Raised at start-up when an environment variable is missing or malformed.

    ``message`` is marked with ``gettext_noop`` and formatted with ``values``; ``str()`` gives
    it in English (logs), ``in_language`` in the reader's (``insaf`` prints that)."""

    def __init__(self, message: str, **values: object) -> None:
        self.message = message
        self.values = values
        super().__init__(message % values if values else message)

    def in_language(self, language: str) -> str:
        text = catalogue(language).gettext(self.message)
        return text % self.values if self.values else text


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
