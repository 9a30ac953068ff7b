"""TOTP enrolment and verification (django-otp devices, throttled by django-otp itself)."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from insaf.accounts.models import User
from insaf.accounts.services import user_country
from insaf.audit.services import audit_record
from insaf.audit.verbs import Verb

DEVICE_NAME = "authenticator"


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled, created on first use (its secret stays the same
    across reloads so the code in the app keeps matching)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def verify(user: User, device: TOTPDevice, token: str) -> bool:
    """Check a code; confirm an enrolling device on its first good code. Audits both outcomes."""
    with transaction.atomic():
        ok = bool(device.verify_token(token))
        if ok and not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit_record(
                actor=user,
                verb=Verb.SECOND_FACTOR_ENROLLED,
                target=user,
                country=user_country(user),
            )
        elif not ok:
            audit_record(
                actor=user,
                verb=Verb.SECOND_FACTOR_FAILED,
                target=user,
                country=user_country(user),
            )
    return ok
