import pytest
from django.utils import translation

from .factories import TOWN_A, TOWN_B, FacilityFactory


@pytest.fixture
def facility_a(db):
    return FacilityFactory(name="合阳城敬老院", town_id=TOWN_A)


@pytest.fixture
def facility_b(db):
    return FacilityFactory(name="钓鱼城敬老院", town_id=TOWN_B)


@pytest.fixture
def operated_a(facility_a, operator):
    facility_a.operators.add(operator)
    return facility_a


@pytest.fixture(autouse=True)
def chinese_ui():
    """Messages are asserted in Chinese; a request that switched the language must not leak."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def fresh_near_throttle():
    """The `near` API is throttled per client (scope "near"); each test starts with a clean count."""
    from hechuan_portal.accounts.tokens import throttle_reset

    clients = ("127.0.0.1", "10.9.0.1", "10.9.0.2", "unknown")
    throttle_reset("near", *clients)
    yield
    throttle_reset("near", *clients)
