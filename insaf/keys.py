"""Parsing of ``INSAF_ENCRYPTION_KEYS``: pure Python, used by settings at start-up."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import secrets

from insaf.env import ConfigurationError
from insaf.language import gettext_noop

KEY_BYTES = 32
# Key ids are written into every ciphertext token (v1.<id>.<data>), so they are kept simple.
KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def parse_encryption_keys(raw: str) -> dict[str, bytes]:
    """Parse ``ID:BASE64[,ID:BASE64...]`` into an ordered mapping, newest (current) key first.

    Each key must decode (URL-safe base64) to exactly 32 bytes, for AES-256-GCM; ids must be unique.
    """
    keys: dict[str, bytes] = {}
    for number, item in enumerate((part.strip() for part in raw.split(",")), start=1):
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        if not sep or not key_id or not encoded:
            raise ConfigurationError(
                gettext_noop(
                    "INSAF_ENCRYPTION_KEYS entry %(number)s is not of the form ID:BASE64."
                ),
                number=number,
            )
        if not KEY_ID.fullmatch(key_id):
            raise ConfigurationError(
                gettext_noop(
                    "INSAF_ENCRYPTION_KEYS key id %(id)r may hold only letters, digits, - and _."
                ),
                id=key_id,
            )
        try:
            key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError):
            raise ConfigurationError(
                gettext_noop("INSAF_ENCRYPTION_KEYS key %(id)r is not valid base64."), id=key_id
            ) from None
        if len(key) != KEY_BYTES:
            raise ConfigurationError(
                gettext_noop(
                    "INSAF_ENCRYPTION_KEYS key %(id)r is %(bytes)s bytes; it must be %(needed)s."
                ),
                id=key_id,
                bytes=len(key),
                needed=KEY_BYTES,
            )
        if key_id in keys:
            raise ConfigurationError(
                gettext_noop("INSAF_ENCRYPTION_KEYS repeats the key id %(id)r."), id=key_id
            )
        keys[key_id] = key
    if not keys:
        raise ConfigurationError(gettext_noop("INSAF_ENCRYPTION_KEYS holds no key."))
    return keys


def generate_key(key_id: str) -> str:
    """A new ``ID:BASE64`` entry for ``INSAF_ENCRYPTION_KEYS``."""
    return f"{key_id}:{base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def new_key_id() -> str:
    """A key id that sorts by creation time, such as ``k20261129T0412``."""
    return "k" + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M")
