"""Test helpers for accounts' rules that other apps' tests meet (the admin needs a second factor)."""

from __future__ import annotations

from typing import Any

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def verify_second_factor(client: Any, user: Any) -> TOTPDevice:
    """Mark `client`'s session (after `force_login(user)`) as verified with a TOTP device, as a login
    with a correct code would: the Django admin admits district administrators only so."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test phone", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
