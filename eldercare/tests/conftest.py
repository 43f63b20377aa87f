from __future__ import annotations

import pytest

from conftest import _client_for

from .factories import make_assessor


@pytest.fixture
def assessor_a(db):
    return make_assessor("assessor_a1")


@pytest.fixture
def assessor_a2(db):
    return make_assessor("assessor_a2")


@pytest.fixture
def assessor_a_client(assessor_a):
    return _client_for(assessor_a)


@pytest.fixture
def assessor_a2_client(assessor_a2):
    return _client_for(assessor_a2)
