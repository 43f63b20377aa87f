import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_token_throttle():
    """These tests ask for many tokens from the test client's one address within a minute; the
    per-client rate (scope `token`) is tested on its own, so each test starts with a clean count."""
    keys = [f"throttle_token_{ip}" for ip in ("127.0.0.1", "10.1.0.1", "10.1.0.2", "unknown")]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)
