import pytest

from hechuan_portal.accounts.tokens import throttle_reset


@pytest.fixture(autouse=True)
def fresh_token_throttle():
    """These tests ask for many tokens from the test client's one address within a minute; the
    per-client rate (scope `token`) is tested on its own, so each test starts with a clean count."""
    clients = ("127.0.0.1", "10.1.0.1", "10.1.0.2", "unknown")
    throttle_reset("token", *clients)
    yield
    throttle_reset("token", *clients)
