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


@pytest.fixture
def reference_data(db):
    """The towns and service layers the migrations load, reloaded when a transactional test's flush
    removed them (serialized_rollback does not restore them reliably once an earlier test created
    the test database inside a transaction)."""
    import importlib

    from django.apps import apps

    importlib.import_module("hechuan_portal.areas.migrations.0002_load_hechuan_towns").load(apps, None)
    importlib.import_module("facilities.migrations.0003_load_service_layers").load(apps, None)


@pytest.fixture(autouse=True)
def chinese_ui():
    """Messages are asserted in Chinese; a request that switched the language must not leak."""
    with translation.override("zh-hans"):
        yield
