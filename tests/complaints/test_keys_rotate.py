"""`insaf keys rotate`: every identity field moves to the new key; lookups keep working."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from django.core.management import call_command
from pytest_django.fixtures import Settings

from insaf.audit.models import Event
from insaf.complaints.models import Person
from insaf.complaints.services import PersonInput, Submission
from insaf.core.crypto import blind_indexes, current_key_id, decrypt, key_id_of
from insaf.core.rotation import pending
from insaf.keys import generate_key, parse_encryption_keys
from insaf.notifications.models import OutboxMessage

FileCase = Callable[..., Submission]


@pytest.fixture
def old_cases(file_case: FileCase) -> list[Submission]:
    return [
        file_case(
            anonymous=False,
            complainant=PersonInput(
                name=f"مقدم {n}", phone=f"07912345{n:02d}", national_id=f"99{n:08d}"
            ),
        )
        for n in range(7)
    ]


def _add_new_key(settings: Settings) -> str:
    new = generate_key("k2")
    old = ",".join(
        f"{k}:{base64.urlsafe_b64encode(v).decode()}" for k, v in settings.ENCRYPTION_KEYS.items()
    )
    settings.ENCRYPTION_KEYS = parse_encryption_keys(f"{new},{old}")
    return "k2"


def test_rotate_moves_everything_to_the_new_key(
    old_cases: list[Submission], settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    old_key = current_key_id()
    new_key = _add_new_key(settings)
    assert current_key_id() == new_key
    assert pending()["complaints.Person"] == 7
    assert pending()["notifications.OutboxMessage"] == OutboxMessage.objects.count() > 0

    call_command("keys", "rotate", "--batch", "3")
    assert "Re-encrypted" in capsys.readouterr().out
    assert set(pending().values()) == {0}
    for person in Person.objects.all():
        assert key_id_of(person.phone_enc) == new_key
        assert key_id_of(person.name_enc) == new_key
        assert decrypt(person.name_enc, context="complaints.person.name").startswith("مقدم")
    assert Event.objects.filter(verb="core.keys_rotated").count() == 1

    # The blind index now uses the new key: a lookup with the new key alone finds the row.
    keys = settings.ENCRYPTION_KEYS
    settings.ENCRYPTION_KEYS = {new_key: keys[new_key]}
    assert (
        Person.objects.filter(
            phone_bidx__in=blind_indexes("0791234503", kind="phone", calling_code="+962")
        ).count()
        == 1
    )
    assert old_key not in settings.ENCRYPTION_KEYS  # and decryption needs the old key no more
    assert decrypt(Person.objects.first().phone_enc, context="complaints.person.phone")  # type: ignore[union-attr]


def test_rotate_twice_rewrites_nothing(old_cases: list[Submission], settings: Settings) -> None:
    _add_new_key(settings)
    call_command("keys", "rotate")
    before = list(Person.objects.order_by("pk").values_list("phone_enc", flat=True))
    call_command("keys", "rotate")
    assert list(Person.objects.order_by("pk").values_list("phone_enc", flat=True)) == before


def test_lookup_during_rotation_finds_rows_under_either_key(
    old_cases: list[Submission], settings: Settings
) -> None:
    _add_new_key(settings)
    found = Person.objects.filter(
        phone_bidx__in=blind_indexes("+962791234501", kind="phone", calling_code="+962")
    )
    assert found.count() == 1  # indexed under the old key, found through the list


def test_status_command(
    old_cases: list[Submission], settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("keys", "status")
    assert "complaints.Person: 0 row(s)" in capsys.readouterr().out
