"""Identity encryption, blind indexes, normalisers and receipt codes (insaf/core/crypto.py)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from argon2 import PasswordHasher
from django.core.exceptions import ImproperlyConfigured
from pytest_django.fixtures import Settings

from insaf.core import crypto
from insaf.core.crypto import (
    DecryptionError,
    blind_index,
    blind_indexes,
    check_receipt_code,
    current_key_id,
    decrypt,
    encrypt,
    hash_receipt_code,
    key_id_of,
    needs_rotation,
    new_receipt_code,
    receipt_hash_needs_update,
)
from insaf.core.normalise import (
    normalise_calling_code,
    normalise_email,
    normalise_national_id,
    normalise_phone,
    normalise_receipt_code,
)
from insaf.env import ConfigurationError
from insaf.keys import generate_key, parse_encryption_keys

PHONE = "complaints.person.phone"
NAME = "complaints.person.name"


def make_keys(*key_ids: str) -> dict[str, bytes]:
    return parse_encryption_keys(",".join(generate_key(key_id) for key_id in key_ids))


@pytest.fixture
def keys(settings: Settings) -> dict[str, bytes]:
    """Two fresh keys, k2 current; tests that rotate prepend to this mapping's copy."""
    value = make_keys("k2", "k1")
    settings.ENCRYPTION_KEYS = value
    return value


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- Encryption ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "plaintext",
    [
        "محمد عبد الله الحسيني",
        "Zoé Ünal 👩🏽‍⚖️ 🇯🇴",
        ("شارع الملك حسين، عمّان" + "\n" + "flat 4B, ٣\n") * 500,
        "x",
        " ",
    ],
)
def test_round_trip(keys: dict[str, bytes], plaintext: str) -> None:
    token = encrypt(plaintext, context=NAME)
    assert token.isascii()
    assert decrypt(token, context=NAME) == plaintext


def test_empty_stays_empty(keys: dict[str, bytes]) -> None:
    assert encrypt("", context=NAME) == ""
    assert decrypt("", context=NAME) == ""
    assert key_id_of("") is None
    assert needs_rotation("") is False


def test_token_format(keys: dict[str, bytes]) -> None:
    token = encrypt("0791234567", context=PHONE)
    version, key_id, payload = token.split(".")
    assert (version, key_id) == ("v1", "k2")
    assert "=" not in payload
    # 12-byte nonce + 10 bytes of ciphertext + 16-byte tag.
    assert len(unb64(payload)) == 12 + 10 + 16
    assert key_id_of(token) == "k2"
    assert current_key_id() == "k2"


def test_context_is_required(keys: dict[str, bytes]) -> None:
    with pytest.raises(ValueError, match="context"):
        encrypt("x", context="")
    with pytest.raises(ValueError, match="context"):
        decrypt(encrypt("x", context=NAME), context="")


def test_context_binding(keys: dict[str, bytes]) -> None:
    token = encrypt("0791234567", context=PHONE)
    with pytest.raises(DecryptionError, match=r"context 'complaints\.person\.national_id'"):
        decrypt(token, context="complaints.person.national_id")


@pytest.mark.parametrize("position", [0, 5, 11, 12, 20, -16, -1])
def test_tampering_fails(keys: dict[str, bytes], position: int) -> None:
    token = encrypt("Fatima Al-Zahra", context=NAME)
    prefix, _, payload = token.rpartition(".")
    data = bytearray(unb64(payload))
    data[position] ^= 0x01
    with pytest.raises(DecryptionError, match="altered"):
        decrypt(f"{prefix}.{b64(bytes(data))}", context=NAME)


def test_changing_the_key_id_in_the_token_fails(keys: dict[str, bytes]) -> None:
    token = encrypt("Fatima", context=NAME)
    moved = token.replace("v1.k2.", "v1.k1.", 1)
    with pytest.raises(DecryptionError):
        decrypt(moved, context=NAME)


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "v1.k2",
        "v2.k2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "v1..AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "v1.k2.AAAA",  # shorter than nonce + tag
        "v1.k2.AAAA AAAA",
        "v1.k2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
        "v1.k2.A+AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "v1.k2.AAAAA",  # impossible base64 length
    ],
)
def test_malformed_token(keys: dict[str, bytes], token: str) -> None:
    with pytest.raises(DecryptionError):
        decrypt(token, context=NAME)


def test_non_canonical_base64_is_refused(keys: dict[str, bytes]) -> None:
    # 12 + 1 + 16 = 29 bytes, 39 base64 characters: the last one carries 2 spare bits.
    token = encrypt("a", context=NAME)
    prefix, _, payload = token.rpartition(".")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(payload[-1])
    twin = payload[:-1] + alphabet[last ^ 0b0001]
    assert unb64(twin) == unb64(payload)
    with pytest.raises(DecryptionError, match="canonical"):
        decrypt(f"{prefix}.{twin}", context=NAME)


def test_unknown_key_id_has_a_clear_message(keys: dict[str, bytes], settings: Settings) -> None:
    token = encrypt("Fatima", context=NAME)
    settings.ENCRYPTION_KEYS = make_keys("k3")
    with pytest.raises(DecryptionError, match=r"key 'k2', which is not in INSAF_ENCRYPTION_KEYS"):
        decrypt(token, context=NAME)
    assert needs_rotation(token)


def test_old_key_still_decrypts_after_a_new_key_is_prepended(
    keys: dict[str, bytes], settings: Settings
) -> None:
    old = encrypt("Fatima", context=NAME)
    assert not needs_rotation(old)
    settings.ENCRYPTION_KEYS = {**make_keys("k3"), **keys}
    assert current_key_id() == "k3"
    assert decrypt(old, context=NAME) == "Fatima"
    assert needs_rotation(old)
    new = encrypt("Fatima", context=NAME)
    assert key_id_of(new) == "k3"
    assert not needs_rotation(new)


def test_key_id_of_malformed_is_none_and_needs_rotation(keys: dict[str, bytes]) -> None:
    assert key_id_of("not a token") is None
    assert needs_rotation("not a token")


def test_key_id_with_a_dot_is_refused(settings: Settings) -> None:
    """Refused at start-up by the settings parser, and again by encrypt if set by other means."""
    with pytest.raises(ConfigurationError, match="letters, digits"):
        make_keys("k.1")
    settings.ENCRYPTION_KEYS = {"k.1": bytes(32)}
    with pytest.raises(ValueError, match="cannot be used in a token"):
        encrypt("x", context=NAME)


def test_no_keys_is_a_configuration_error(settings: Settings) -> None:
    settings.ENCRYPTION_KEYS = {}
    with pytest.raises(ImproperlyConfigured):
        encrypt("x", context=NAME)


def test_ciphertext_hides_the_plaintext(keys: dict[str, bytes]) -> None:
    secret = "9881234567"
    first = encrypt(secret, context=PHONE)
    second = encrypt(secret, context=PHONE)
    assert first != second
    for token in (first, second):
        assert secret not in token
        assert secret.encode() not in unb64(token.rpartition(".")[2])
        assert b64(secret.encode()) not in token
    assert decrypt(first, context=PHONE) == decrypt(second, context=PHONE) == secret


def test_uses_the_settings_keys(settings: Settings) -> None:
    settings.ENCRYPTION_KEYS = make_keys("a")
    token = encrypt("x", context=NAME)
    settings.ENCRYPTION_KEYS = make_keys("a")  # same id, different key
    with pytest.raises(DecryptionError):
        decrypt(token, context=NAME)


# --- Blind indexes -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "written",
    [
        "0791234567",
        "079 123 4567",
        "079-123-4567",
        "(079) 123.4567",
        "+962791234567",
        "+962 79 123 4567",
        "00962791234567",
        "00 962 79 123 4567",
        "962791234567",
        "791234567",
        "+962 (0)79 123 4567",
        "٠٧٩١٢٣٤٥٦٧",
        "۰۷۹ ۱۲۳ ۴۵۶۷",
        "+٩٦٢٧٩١٢٣٤٥٦٧",
        "\u200f+962\u00a079\u2009123\u20114567\u200e",
    ],
)
def test_phone_index_ignores_the_written_form(keys: dict[str, bytes], written: str) -> None:
    expected = blind_index("+962791234567", kind="phone", calling_code="+962")
    assert blind_index(written, kind="phone", calling_code="+962") == expected


def test_national_id_index_ignores_the_written_form(keys: dict[str, bytes]) -> None:
    expected = blind_index("9881234567", kind="national_id")
    for written in ("٩٨٨١٢٣٤٥٦٧", "988-123-4567", " 988 123 4567 ", "۹۸۸۱۲۳۴۵۶۷"):
        assert blind_index(written, kind="national_id") == expected
    assert blind_index("a1234567", kind="national_id") == blind_index(
        "A-123 4567", kind="national_id"
    )


def test_email_index_ignores_case_and_spaces(keys: dict[str, bytes]) -> None:
    assert blind_index(" Fatima@Example.ORG ", kind="email") == blind_index(
        "fatima@example.org", kind="email"
    )


def test_index_shape_and_distinct_values(keys: dict[str, bytes]) -> None:
    index = blind_index("0791234567", kind="phone", calling_code="+962")
    assert len(index) == 32
    int(index, 16)
    assert index != blind_index("0791234568", kind="phone", calling_code="+962")


def test_kinds_give_different_indexes(keys: dict[str, bytes]) -> None:
    value = "0791234567"
    assert normalise_phone(value) == normalise_national_id(value)  # same normalised bytes
    assert blind_index(value, kind="phone") != blind_index(value, kind="national_id")


def test_unknown_kind_is_refused(keys: dict[str, bytes]) -> None:
    with pytest.raises(ValueError, match="Unknown blind index kind"):
        blind_index("0791234567", kind="national-id")
    with pytest.raises(ValueError, match="Unknown blind index kind"):
        blind_indexes("0791234567", kind="nid")


def test_index_is_not_a_plain_hash(keys: dict[str, bytes]) -> None:
    value = "+962791234567"
    index = blind_index(value, kind="phone")
    for digest in (hashlib.sha256(value.encode()), hashlib.sha256(b"0791234567")):
        assert index != digest.hexdigest()
        assert index != digest.hexdigest()[:32]


def test_index_depends_on_the_key(keys: dict[str, bytes], settings: Settings) -> None:
    before = blind_index("9881234567", kind="national_id")
    settings.ENCRYPTION_KEYS = make_keys("k9")
    assert blind_index("9881234567", kind="national_id") != before


def test_index_under_a_given_key(keys: dict[str, bytes]) -> None:
    current = blind_index("9881234567", kind="national_id")
    assert blind_index("9881234567", kind="national_id", key_id="k2") == current
    assert blind_index("9881234567", kind="national_id", key_id="k1") != current
    with pytest.raises(ValueError, match="'k7' is not in INSAF_ENCRYPTION_KEYS"):
        blind_index("9881234567", kind="national_id", key_id="k7")


def test_blind_indexes_one_per_key_newest_first(keys: dict[str, bytes], settings: Settings) -> None:
    old_index = blind_index("0791234567", kind="phone", calling_code="+962")
    settings.ENCRYPTION_KEYS = {**make_keys("k3"), **keys}
    indexes = blind_indexes("079 123 4567", kind="phone", calling_code="+962")
    assert indexes == [
        blind_index("0791234567", kind="phone", calling_code="+962", key_id=key_id)
        for key_id in ("k3", "k2", "k1")
    ]
    assert len(set(indexes)) == 3
    assert indexes[1] == old_index  # a row indexed before the new key still matches
    assert indexes[0] == blind_index("0791234567", kind="phone", calling_code="+962")


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("", "phone"),
        ("   ", "phone"),
        ("not a number", "phone"),
        ("", "national_id"),
        (" ", "email"),
    ],
)
def test_empty_or_unnormalisable_value_has_no_index(
    keys: dict[str, bytes], value: str, kind: str
) -> None:
    assert blind_index(value, kind=kind, calling_code="+962") == ""
    assert blind_indexes(value, kind=kind, calling_code="+962") == []


# --- Normalisers ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "calling_code", "expected"),
    [
        ("0791234567", "+962", "+962791234567"),
        ("0791234567", "962", "+962791234567"),
        ("0791234567", "00962", "+962791234567"),
        ("+962 079 123 4567", "+962", "+962791234567"),  # trunk 0 written after the code
        ("+44 20 7946 0958", "+962", "+442079460958"),  # a foreign number stays as it is
        ("0044 20 7946 0958", "+962", "+442079460958"),
        ("01001234567", "+20", "+201001234567"),  # Egyptian mobile
        ("201001234567", "+20", "+201001234567"),
        ("09 612345", "+961", "+9619612345"),  # Lebanese number starting with the code's digits
        ("9612345", "+961", "+9619612345"),
        ("96109612345", "+961", "+9619612345"),
        ("+961 9 612345", "+961", "+9619612345"),
        ("0791234567", None, "0791234567"),
        ("٠٧٩١٢٣٤٥٦٧", None, "0791234567"),
        ("+962 79 123 4567", None, "+962791234567"),
        ("00962 79 123 4567", None, "+962791234567"),
        ("962791234567", None, "962791234567"),
        ("\uff0b\uff19\uff16\uff12 79 123 4567", None, "+962791234567"),  # fullwidth + and digits
        ("", "+962", ""),
        ("0", "+962", ""),
        ("+", None, ""),
        ("00", None, ""),
        ("079 123 4567 ext 12", "+962", ""),
        ("+962+791234567", "+962", ""),
        ("+1234567890123456", None, ""),  # more than 15 digits
        ("0791234567890123", "+962", ""),
    ],
)
def test_normalise_phone(raw: str, calling_code: str | None, expected: str) -> None:
    assert normalise_phone(raw, calling_code=calling_code) == expected


@pytest.mark.parametrize("bad", ["", "+", "abc", "+0962", "12345", "+9-6-2-1"])
def test_normalise_calling_code_refuses_nonsense(bad: str) -> None:
    with pytest.raises(ValueError, match="calling code"):
        normalise_calling_code(bad)


def test_normalise_calling_code() -> None:
    assert normalise_calling_code("+962") == "962"
    assert normalise_calling_code("00 20") == "20"
    assert normalise_calling_code("٩٦٦") == "966"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9881234567", "9881234567"),
        ("٩٨٨ ١٢٣ ٤٥٦٧", "9881234567"),
        ("۹۸۸-۱۲۳-۴۵۶۷", "9881234567"),
        (" a-12\u200f3 4567 ", "A1234567"),
        ("ab\u2013cd", "ABCD"),
        ("29001011234567", "29001011234567"),
        ("", ""),
        (" - ", ""),
    ],
)
def test_normalise_national_id(raw: str, expected: str) -> None:
    assert normalise_national_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Fatima.Z@Example.ORG \n", "fatima.z@example.org"),
        ("\u200efatima@example.org\u200f", "fatima@example.org"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalise_email(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234567890123456", "1234567890123456"),
        ("1234 5678 9012 3456", "1234567890123456"),
        ("1234-5678-9012-3456", "1234567890123456"),
        ("١٢٣٤ ٥٦٧٨ ٩٠١٢ ٣٤٥٦", "1234567890123456"),
        ("۱۲۳۴-۵۶۷۸-۹۰۱۲-۳۴۵۶", "1234567890123456"),
        ("123456789012345", ""),
        ("12345678901234567", ""),
        ("123456789012345x", ""),
        ("", ""),
    ],
)
def test_normalise_receipt_code(raw: str, expected: str) -> None:
    assert normalise_receipt_code(raw) == expected


# --- Receipt codes -------------------------------------------------------------------------------
def test_new_receipt_code_is_16_random_digits() -> None:
    codes = {new_receipt_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 16
        assert code.isascii()
        assert code.isdigit()
    # Every digit appears in every position over enough codes (leading zeros are kept).
    assert {code[0] for code in codes} == set("0123456789")


def test_receipt_hash_verifies() -> None:
    code = new_receipt_code()
    stored = hash_receipt_code(code)
    assert stored.startswith("$argon2id$v=19$m=8192,t=1,p=1$")
    assert code not in stored
    assert check_receipt_code(code, stored)
    assert hash_receipt_code(code) != stored  # salted
    assert not receipt_hash_needs_update(stored)


def test_wrong_receipt_code_fails() -> None:
    stored = hash_receipt_code("1234567890123456")
    assert not check_receipt_code("1234567890123457", stored)
    assert not check_receipt_code("", stored)
    assert not check_receipt_code("not a code", stored)
    assert not check_receipt_code("1234567890123456", "")
    assert not check_receipt_code("1234567890123456", "$argon2id$corrupted")


def test_receipt_code_typed_with_arabic_digits_and_spaces() -> None:
    stored = hash_receipt_code("0123456789012345")
    assert check_receipt_code("٠١٢٣ ٤٥٦٧ ٨٩٠١ ٢٣٤٥", stored)
    assert check_receipt_code("۰۱۲۳-۴۵۶۷-۸۹۰۱-۲۳۴۵", stored)
    assert check_receipt_code(" 0123-4567-8901-2345 ", stored)


def test_hash_receipt_code_refuses_a_malformed_code() -> None:
    with pytest.raises(ValueError, match="16 digits"):
        hash_receipt_code("12345")


def test_older_receipt_hashes_still_verify_and_need_update() -> None:
    stored = PasswordHasher(time_cost=2, memory_cost=16 * 1024, parallelism=1).hash(
        "1234567890123456"
    )
    assert check_receipt_code("1234567890123456", stored)
    assert receipt_hash_needs_update(stored)
    assert receipt_hash_needs_update("garbage")


def test_receipt_check_costs_one_argon2_verification_in_every_case(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Right, wrong, malformed or no stored hash: always exactly one Argon2 verification, so the
    time taken does not tell them apart (counted, not timed: tests never assert on time)."""
    stored = hash_receipt_code("1234567890123456")
    crypto._dummy_hash()
    calls: list[str] = []
    real = crypto._RECEIPT_HASHER

    class CountingHasher:
        def hash(self, password: str) -> str:
            return real.hash(password)

        def verify(self, hash_: str, password: str) -> bool:
            calls.append(password)
            return real.verify(hash_, password)

    monkeypatch.setattr(crypto, "_RECEIPT_HASHER", CountingHasher())
    for code, against in [
        ("1234567890123456", stored),
        ("6543210987654321", stored),
        ("12", stored),
        ("1234567890123456", ""),
    ]:
        calls.clear()
        check_receipt_code(code, against)
        assert len(calls) == 1, (code, against, calls)
