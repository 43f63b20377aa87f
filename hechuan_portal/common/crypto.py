"""Encryption at rest for ID numbers and other sensitive values, and a keyed blind index.

Both keys are derived from FIELD_ENCRYPTION_KEY (HKDF with distinct labels), so one secret in the
environment protects the data and an attacker with the database alone can neither read the values
nor test guesses against the index.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_VERSION = b"\x01"


@lru_cache(maxsize=4)
def _keys(master_b64: str) -> tuple[AESGCM, hmac.HMAC]:
    """The AEAD and the blind index's HMAC, keyed once per master key (copy the HMAC per value)."""
    try:
        master = base64.b64decode(master_b64, validate=True)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be base64") from exc
    if len(master) < 32:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must hold at least 32 bytes")

    def derive(label: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(master)

    index = hmac.new(derive(b"hechuan-blind-index"), digestmod=hashlib.sha256)
    return AESGCM(derive(b"hechuan-field-encryption")), index


def _current() -> tuple[AESGCM, hmac.HMAC]:
    return _keys(settings.FIELD_ENCRYPTION_KEY)


def _index(keyed: hmac.HMAC, value: str) -> str:
    mac = keyed.copy()  # the key's inner and outer states are computed once, not per value
    mac.update(value.encode("utf-8"))
    return mac.hexdigest()[:32]


def encrypt_bytes(data: bytes) -> bytes:
    """AES-256-GCM with a random nonce: version byte + nonce + ciphertext."""
    aead, _ = _current()
    nonce = os.urandom(12)
    return _VERSION + nonce + aead.encrypt(nonce, data, None)


def decrypt_bytes(token: bytes | memoryview) -> bytes:
    aead, _ = _current()
    data = bytes(token)
    if data[:1] != _VERSION:
        raise ValueError("unknown ciphertext version")
    return aead.decrypt(data[1:13], data[13:], None)


def encrypt(plaintext: str) -> bytes:
    return encrypt_bytes(plaintext.encode("utf-8"))


def decrypt(token: bytes | memoryview) -> str:
    return decrypt_bytes(token).decode("utf-8")


def blind_index(value: str) -> str:
    """Deterministic keyed digest for exact look-ups (HMAC-SHA256, hex, 32 chars)."""
    _, keyed = _current()
    return _index(keyed, value)


class _Forks:
    """How many times this process's ancestry forked since start-up: a forked copy of a `BulkCipher`
    sees a count other than the one it was filled under (no system call per value, as getpid was)."""

    count = 0

    @classmethod
    def forked(cls) -> None:
        cls.count += 1


os.register_at_fork(after_in_child=_Forks.forked)


class BulkCipher:
    """`encrypt` and `blind_index` for one bulk job (a household import of 1.5 million numbers).

    Same algorithms, keys and output as the functions above (the blind index is the same keyed
    HMAC), with the per-call overhead of encryption taken out: nonces are drawn from the OS in
    blocks rather than one system call per value.
    """

    _NONCE_BLOCK = 12 * 4096

    def __init__(self) -> None:
        aead, self._keyed = _current()
        self._seal = aead.encrypt
        self._nonces = b""
        self._at = 0
        self._forks = _Forks.count

    def encrypt(self, plaintext: str) -> bytes:
        at = self._at
        if self._forks != _Forks.count:
            # A forked copy must never reuse its parent's unspent nonces (GCM nonce reuse).
            self._nonces, self._forks = b"", _Forks.count
        if at >= len(self._nonces):
            self._nonces, at = os.urandom(self._NONCE_BLOCK), 0
        nonce = self._nonces[at : at + 12]
        self._at = at + 12
        return _VERSION + nonce + self._seal(nonce, plaintext.encode("utf-8"), None)

    def blind_index(self, value: str) -> str:
        return _index(self._keyed, value)
