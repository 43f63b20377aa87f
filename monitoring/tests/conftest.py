from __future__ import annotations

import pytest

from .factories import FacilityFactory

TOWN_A = "500117001000"
TOWN_B = "500117002000"

# A minimal valid PNG (1×1 pixel) and JPEG header, for upload tests.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, celery_eager):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The role cast hashes a password per user; a fast hasher keeps this app's suite short.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def facility_a(db, operator):
    f = FacilityFactory(name="合阳城养老院", town_id=TOWN_A)
    f.operators.add(operator)
    return f


@pytest.fixture
def facility_b(db):
    return FacilityFactory(name="钓鱼城养老院", town_id=TOWN_B)
