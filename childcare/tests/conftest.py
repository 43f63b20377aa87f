import pytest

from hechuan_portal.accounts.roles import SYSTEM

from ..services import class_create
from .factories import FacilityFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The role cast's users are created per test; the production hasher's million PBKDF2 rounds
    cost ~0.3 s per user, which is most of this app's test time. Hashing is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def nursery(db, operator):
    facility = FacilityFactory(name="合阳托育园")
    facility.operators.add(operator)
    return facility


@pytest.fixture
def nursery_b(db):
    return FacilityFactory(name="钓鱼城托育园", town_id="500117002000")


@pytest.fixture
def small_class(nursery):
    """A 托小班 (12–24 months) of 3 places with 1 caregiver."""
    return class_create(
        actor=SYSTEM, facility=nursery, name="托小一班", class_type="toddler_small", capacity=3, caregivers=1
    )
