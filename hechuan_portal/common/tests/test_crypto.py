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


def test_blind_index_values_never_change(settings):
    """The register is looked up by these values: a change of implementation must keep every byte.
    Expected values computed by the hand-rolled RFC 2104 HMAC this module used before."""
    settings.FIELD_ENCRYPTION_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="  # bytes 0..31
    expected = {
        "500117194001010011": "6b5903402986963c16af8633cf7c8ec4",
        "11010519491231002X": "c24703c565a8474cb3b62c113eafbb8b",
        "": "cb427b8f51104381dfce15de5027e307",
        "张三": "e50cec77b9bf98718d9457d019794c88",
    }
    bulk = crypto.BulkCipher()
    for value, digest in expected.items():
        assert crypto.blind_index(value) == digest
        assert bulk.blind_index(value) == digest


def test_bulk_cipher_encrypts_for_decrypt():
    bulk = crypto.BulkCipher()
    for value in ["50011719461215123X", "110105194912310029", "张三", ""]:
        assert crypto.decrypt(bulk.encrypt(value)) == value


def test_bulk_cipher_never_repeats_a_nonce_across_nonce_blocks():
    bulk = crypto.BulkCipher()
    count = crypto.BulkCipher._NONCE_BLOCK // 12 * 2 + 5
    nonces = {bulk.encrypt("50011719461215123X")[1:13] for _ in range(count)}
    assert len(nonces) == count


def test_bulk_cipher_draws_fresh_nonces_in_a_forked_child():
    import os

    bulk = crypto.BulkCipher()
    parent = bulk.encrypt("x")[1:13]
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: the next nonce must not be the parent's next one
        os.write(write, bulk.encrypt("x")[1:13])
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(read, 12)
    assert child != bulk.encrypt("x")[1:13] and child != parent
