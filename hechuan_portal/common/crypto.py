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
def _keys(master_b64: str) -> tuple[AESGCM, bytes]:
    try:
        master = base64.b64decode(master_b64, validate=True)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be base64") from exc
    if len(master) < 32:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must hold at least 32 bytes")

    def derive(label: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(master)

    return AESGCM(derive(b"hechuan-field-encryption")), derive(b"hechuan-blind-index")


def _current() -> tuple[AESGCM, bytes]:
    return _keys(settings.FIELD_ENCRYPTION_KEY)


def encrypt(plaintext: str) -> bytes:
    """AES-256-GCM with a random nonce: version byte + nonce + ciphertext."""
    aead, _ = _current()
    nonce = os.urandom(12)
    return _VERSION + nonce + aead.encrypt(nonce, plaintext.encode("utf-8"), None)


def decrypt(token: bytes | memoryview) -> str:
    aead, _ = _current()
    data = bytes(token)
    if data[:1] != _VERSION:
        raise ValueError("unknown ciphertext version")
    return aead.decrypt(data[1:13], data[13:], None).decode("utf-8")


def blind_index(value: str) -> str:
    """Deterministic keyed digest for exact look-ups (HMAC-SHA256, hex, 32 chars)."""
    _, key = _current()
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


class BulkCipher:
    """`encrypt` and `blind_index` for one bulk job (a household import of 1.5 million numbers).

    Same algorithms, keys and output as the functions above, with the per-call overheads taken out:
    nonces are drawn from the OS in blocks, and the HMAC's inner and outer SHA-256 states are keyed
    once and copied per value (RFC 2104; OpenSSL's one-shot HMAC costs twice as much per call).
    """

    _NONCE_BLOCK = 12 * 4096

    def __init__(self) -> None:
        aead, key = _current()
        self._seal = aead.encrypt
        block = key.ljust(64, b"\0")  # SHA-256's block size; the derived key is 32 bytes
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
        self._nonces = b""
        self._at = 0
        self._pid = os.getpid()

    def encrypt(self, plaintext: str) -> bytes:
        at = self._at
        if self._pid != os.getpid():
            # A forked copy must never reuse its parent's unspent nonces (GCM nonce reuse).
            self._nonces, self._pid = b"", os.getpid()
        if at >= len(self._nonces):
            self._nonces, at = os.urandom(self._NONCE_BLOCK), 0
        nonce = self._nonces[at : at + 12]
        self._at = at + 12
        return _VERSION + nonce + self._seal(nonce, plaintext.encode("utf-8"), None)

    def blind_index(self, value: str) -> str:
        inner = self._inner.copy()
        inner.update(value.encode("utf-8"))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()[:32]
