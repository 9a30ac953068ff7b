"""Encryption of identity fields, blind indexes, and receipt codes for anonymous filers.

See docs/decisions/0004-identity-encryption.md. Keys come from ``settings.ENCRYPTION_KEYS``
(``INSAF_ENCRYPTION_KEYS``, parsed by insaf/keys.py): key id -> 32-byte key, newest (current)
first. Everything here is pure and fast (microseconds) except the receipt-code hash, which is slow
on purpose (about 3 ms).

Token format: ``v1.<key id>.<base64url(nonce || ciphertext || tag), unpadded>``; AES-256-GCM,
96-bit random nonce, associated data binding the version, the key id and the field's ``context``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from functools import cache, lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from insaf.core.normalise import (
    normalise_email,
    normalise_national_id,
    normalise_phone,
    normalise_receipt_code,
)

__all__ = [
    "BLIND_INDEX_KINDS",
    "DecryptionError",
    "blind_index",
    "blind_indexes",
    "check_receipt_code",
    "current_key_id",
    "decrypt",
    "encrypt",
    "hash_receipt_code",
    "key_id_of",
    "needs_rotation",
    "new_receipt_code",
    "receipt_hash_needs_update",
]

VERSION = "v1"
NONCE_BYTES = 12
TAG_BYTES = 16
# 128 bits of HMAC-SHA256, as 32 hex characters; see blind_index.
BLIND_INDEX_HEX_CHARS = 32
BLIND_INDEX_KINDS = frozenset({"phone", "national_id", "email"})

_PAYLOAD = re.compile(r"[A-Za-z0-9_-]+")
# A key id must survive inside a token: "." separates the parts, so it is excluded.
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


class DecryptionError(ValueError):
    """A token that cannot be decrypted: malformed, under an unknown key, encrypted for another
    field (context), or altered. The message never contains the plaintext."""


# --- Keys ----------------------------------------------------------------------------------------
def _keys() -> dict[str, bytes]:
    """The configured keys, newest first; read on every call so tests can override settings."""
    keys: dict[str, bytes] = settings.ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("No encryption key is configured (INSAF_ENCRYPTION_KEYS).")
    return keys


def current_key_id() -> str:
    """The id of the key new tokens are encrypted under (the first configured)."""
    return next(iter(_keys()))


@lru_cache(maxsize=64)
def _aead(key: bytes) -> AESGCM:
    return AESGCM(key)


@lru_cache(maxsize=256)
def _index_subkey(key: bytes, kind: str) -> bytes:
    """A per-kind key for blind indexes, derived from the encryption key (HKDF-SHA256)."""
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"insaf blind index " + kind.encode()
    )
    return hkdf.derive(key)


def _associated_data(key_id: str, context: str) -> bytes:
    # Key ids cannot contain NUL (they come from an environment variable), so this is unambiguous.
    return f"insaf.{VERSION}\0{key_id}\0{context}".encode()


def _check_context(context: str) -> None:
    if not context:
        raise ValueError("An encryption context such as 'complaints.person.phone' is required.")


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# --- Encryption ----------------------------------------------------------------------------------
def encrypt(plaintext: str, *, context: str) -> str:
    """``plaintext`` encrypted under the current key for the field named by ``context``.

    ``""`` stays ``""`` (no token), so optional fields stay empty and an empty field can be told
    apart without decrypting.
    """
    _check_context(context)
    if plaintext == "":
        return ""
    keys = _keys()
    key_id, key = next(iter(keys.items()))
    if not _KEY_ID.fullmatch(key_id):
        raise ValueError(
            f"Encryption key id {key_id!r} cannot be used in a token: use 1-64 letters, digits, "
            "'-' or '_'."
        )
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aead(key).encrypt(nonce, plaintext.encode(), _associated_data(key_id, context))
    return f"{VERSION}.{key_id}.{_b64encode(nonce + sealed)}"


def _split(token: str) -> tuple[str, str]:
    """``(key id, payload)`` of a well-formed token; DecryptionError otherwise."""
    version, _, rest = token.partition(".")
    key_id, _, payload = rest.rpartition(".")
    if version != VERSION or not key_id or not _PAYLOAD.fullmatch(payload):
        raise DecryptionError(
            f"Not an Insaf ciphertext token (expected '{VERSION}.<key id>.<base64url data>')."
        )
    return key_id, payload


def decrypt(token: str, *, context: str) -> str:
    """The plaintext of ``token``, which must have been encrypted for ``context``.

    ``""`` gives ``""``. Raises DecryptionError for a malformed token, a key id that is not
    configured, another field's token, or any alteration.
    """
    _check_context(context)
    if token == "":
        return ""
    key_id, payload = _split(token)
    keys = _keys()
    key = keys.get(key_id)
    if key is None:
        raise DecryptionError(
            f"The token was encrypted under key {key_id!r}, which is not in "
            f"INSAF_ENCRYPTION_KEYS (configured: {', '.join(keys)}). Add that key back to "
            "decrypt it."
        )
    try:
        data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("The token's data is not valid base64url.") from None
    # Reject non-canonical encodings too, so that any change to the token string fails.
    if len(data) < NONCE_BYTES + TAG_BYTES or _b64encode(data) != payload:
        raise DecryptionError("The token's data is truncated or not canonically encoded.")
    try:
        plain = _aead(key).decrypt(
            data[:NONCE_BYTES], data[NONCE_BYTES:], _associated_data(key_id, context)
        )
    except InvalidTag:
        raise DecryptionError(
            f"The token under key {key_id!r} does not authenticate for context {context!r}: "
            "it belongs to another field or was altered."
        ) from None
    return plain.decode()


def token_prefix(key_id: str) -> str:
    """How every token under ``key_id`` starts (to find rows still under an older key in SQL)."""
    return f"{VERSION}.{key_id}."


def key_id_of(token: str) -> str | None:
    """The id of the key ``token`` was encrypted under; None for ``""`` or a malformed token."""
    if not token:
        return None
    try:
        return _split(token)[0]
    except DecryptionError:
        return None


def needs_rotation(token: str) -> bool:
    """True when ``token`` is not under the current key: ``insaf keys rotate`` re-encrypts it.

    ``""`` never needs rotation; a malformed token does (decrypting it then reports the problem).
    """
    return token != "" and key_id_of(token) != current_key_id()


# --- Blind indexes -------------------------------------------------------------------------------
def _normalise(value: str, kind: str, calling_code: str | None) -> str:
    if kind == "phone":
        return normalise_phone(value, calling_code=calling_code)
    if kind == "national_id":
        return normalise_national_id(value)
    if kind == "email":
        return normalise_email(value)
    # A typo in a kind would silently produce indexes that never match: refuse it.
    raise ValueError(f"Unknown blind index kind {kind!r}; use one of {sorted(BLIND_INDEX_KINDS)}.")


def _index(normalised: str, key: bytes, kind: str) -> str:
    digest = hmac.digest(_index_subkey(key, kind), normalised.encode(), hashlib.sha256)
    return digest.hex()[:BLIND_INDEX_HEX_CHARS]


def blind_index(
    value: str, *, kind: str, key_id: str | None = None, calling_code: str | None = None
) -> str:
    """A keyed hash of the normalised ``value``, to find equal values without decrypting.

    HMAC-SHA256 under a subkey derived (HKDF-SHA256, info ``b"insaf blind index " + kind``) from
    the encryption key ``key_id`` (default: the current key). ``kind`` is ``"phone"``,
    ``"national_id"`` or ``"email"``; it selects the normaliser and the subkey, so the same
    digits as a phone and as an ID give unrelated indexes. ``calling_code`` (e.g. ``"+962"``,
    the case's country) is used for phones only, so that national and international forms match.

    The output is the first 128 bits, as 32 hex characters: half the size of the full digest in
    a column that is indexed, and still no accidental collision (birthday bound: ~2^64 values).
    Truncation does not help an attacker: without the key no index can be computed at all, and
    with it any length can be checked by enumerating the small space of phone numbers or IDs.

    Returns ``""`` for an empty or unnormalisable value (store no index).
    """
    normalised = _normalise(value, kind, calling_code)
    if not normalised:
        return ""
    keys = _keys()
    if key_id is None:
        key = next(iter(keys.values()))
    else:
        found = keys.get(key_id)
        if found is None:
            raise ValueError(f"Encryption key {key_id!r} is not in INSAF_ENCRYPTION_KEYS.")
        key = found
    return _index(normalised, key, kind)


def blind_indexes(value: str, *, kind: str, calling_code: str | None = None) -> list[str]:
    """The index of ``value`` under every configured key, newest first, for an ``IN`` lookup.

    During a key rotation, rows are indexed under either the new or the old key until
    ``insaf keys rotate`` re-indexes them; querying all of them finds both. ``[]`` for an
    empty or unnormalisable value (never ``[""]``, which would match every row without an index).
    """
    normalised = _normalise(value, kind, calling_code)
    if not normalised:
        return []
    return [_index(normalised, key, kind) for key in _keys().values()]


# --- Receipt codes -------------------------------------------------------------------------------
RECEIPT_CODE_DIGITS = 16

# Parameters and their measured cost: see hash_receipt_code.
_RECEIPT_HASHER = PasswordHasher(
    time_cost=1, memory_cost=8 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID
)


def new_receipt_code() -> str:
    """16 random decimal digits (leading zeros kept) for a filer to track an anonymous case."""
    return f"{secrets.randbelow(10**RECEIPT_CODE_DIGITS):0{RECEIPT_CODE_DIGITS}d}"


def hash_receipt_code(code: str, *, digits: int = RECEIPT_CODE_DIGITS) -> str:
    """The Argon2id hash of a receipt code to store (the code itself is never stored).

    Parameters: Argon2id, memory 8 MiB, time_cost 1, parallelism 1, 16-byte salt, 32-byte hash.
    Measured with time.perf_counter on the development machine (AMD EPYC, 2 cores, argon2-cffi
    25.1; median of 30-200 hashes; verifying costs the same):

    ========  ===========  ===========  ===========
    memory    time_cost 1  time_cost 2  time_cost 3
    ========  ===========  ===========  ===========
     8 MiB    **3.3 ms**   6.5 ms       9.6 ms
    10 MiB    4.1 ms
    12 MiB    5.0 ms       9.8 ms       15.4 ms
    16 MiB    6.9 ms       15.1 ms      21.8 ms
    19 MiB    8.6 ms       18.1 ms      26.1 ms
    ========  ===========  ===========  ===========

    Budget: 250 complaints/s on 2 cores is 8 ms of CPU per complaint for everything. At 3.3 ms,
    hashing costs 0.17 core-seconds per second if one filer in five is anonymous, and 0.8 (41%
    of the node) even if all were; two processes hashing side by side kept 3.3 ms each (no
    memory-bandwidth contention). OWASP's password setting (19 MiB, t=2) would need 4.5 cores
    for an all-anonymous peak. The lighter setting is safe because a receipt code is not a
    password: 16 random digits (53 bits) means 10^16 guesses x 3.3 ms, about a million
    core-years, for an attacker holding a stolen hash, and 8 MiB per guess still blunts GPUs and
    ASICs. Online guessing is hopeless at any cost. 8 MiB rather than 10-12 keeps the hash under
    5 ms on a server up to 1.5x slower than the one measured.

    Stored hashes carry their parameters, so changing them later breaks nothing;
    receipt_hash_needs_update says when to rehash (after a successful check).
    """
    normalised = normalise_receipt_code(code, digits=digits)
    if not normalised:
        raise ValueError(f"This code must have {digits} digits.")
    return _RECEIPT_HASHER.hash(normalised)


@cache
def _dummy_hash() -> str:
    return _RECEIPT_HASHER.hash("0" * RECEIPT_CODE_DIGITS)


def check_receipt_code(code: str, stored: str, *, digits: int = RECEIPT_CODE_DIGITS) -> bool:
    """Whether ``code`` as typed (Arabic-Indic digits, spaces, dashes allowed) matches ``stored``.
    ``digits`` is the code's length: 16 for a receipt code, fewer for a one-time code.

    Takes one Argon2 computation in every case, right or wrong, so timing tells nothing: a
    malformed code, or a case without a receipt hash, is checked against a dummy hash.
    """
    normalised = normalise_receipt_code(code, digits=digits)
    if not normalised or not stored:
        _burn(normalised)
        return False
    try:
        return _RECEIPT_HASHER.verify(stored, normalised)
    except VerifyMismatchError:
        return False
    except (InvalidHashError, VerificationError):
        # A corrupted stored hash: refuse, spending the same time as a real check.
        _burn(normalised)
        return False


def _burn(normalised: str) -> None:
    try:
        _RECEIPT_HASHER.verify(_dummy_hash(), normalised or "1" * RECEIPT_CODE_DIGITS)
    except VerificationError:
        pass


def receipt_hash_needs_update(stored: str) -> bool:
    """True when ``stored`` was made with other parameters; rehash after a successful check."""
    try:
        return _RECEIPT_HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True
