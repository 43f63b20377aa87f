from hechuan_portal.common import crypto


def test_encrypt_round_trip_and_random_nonce():
    a = crypto.encrypt("50011719461215123X")
    b = crypto.encrypt("50011719461215123X")
    assert a != b
    assert crypto.decrypt(a) == crypto.decrypt(b) == "50011719461215123X"
    assert b"500117" not in a


def test_blind_index_is_deterministic_and_keyed(settings):
    first = crypto.blind_index("50011719461215123X")
    assert first == crypto.blind_index("50011719461215123X")
    assert len(first) == 32
    settings.FIELD_ENCRYPTION_KEY = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY="
    assert crypto.blind_index("50011719461215123X") != first
