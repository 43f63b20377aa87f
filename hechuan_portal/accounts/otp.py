"""TOTP second factor (django-otp): one authenticator app per user, set up at /accounts/otp/."""

from __future__ import annotations

import base64
from urllib.parse import quote

import segno
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being set up (created on first visit, same secret on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def otpauth_uri(device: TOTPDevice) -> str:
    issuer = settings.OTP_TOTP_ISSUER
    label = quote(f"{issuer}:{device.user.get_username()}")
    return (
        f"otpauth://totp/{label}?secret={base32_secret(device)}&issuer={quote(issuer)}"
        f"&digits={device.digits}&period={device.step}&algorithm=SHA1"
    )


def qr_svg(uri: str) -> str:
    """An inline SVG QR code (segno, pure Python): no image files, no external service."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#1f2d3d", light="#ffffff")
