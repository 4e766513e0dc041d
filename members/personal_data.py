"""Encryption at rest for ID numbers and phones.

A database dump alone reveals neither: values are stored encrypted (Fernet,
AES-128-CBC with HMAC) and looked up by a keyed hash (HMAC-SHA256), which also
carries the uniqueness constraint. Both keys derive from
settings.PERSONAL_DATA_KEY, which lives outside the database.

`encrypt_many` writes the same Fernet tokens as `encrypt` for a batch, with
the per-value work reduced to the cipher itself; imports of 100,000 rows spend
most of their time here otherwise.
"""

import base64
import hashlib
import hmac
import os
import struct
import time
from collections.abc import Iterable
from functools import cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

_FERNET_VERSION = b"\x80"


@cache
def _derive(purpose: bytes, key: str) -> bytes:
    return hashlib.sha256(purpose + b"\x00" + key.encode()).digest()


@cache
def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"encrypt", key)))


@cache
def _lookup_mac(key: str):
    return hmac.new(_derive(b"lookup", key), digestmod=hashlib.sha256)


def encrypt(value: str) -> str:
    return _fernet(settings.PERSONAL_DATA_KEY).encrypt(value.encode()).decode()


def encrypt_many(values: Iterable[str]) -> list[str]:
    """Fernet tokens for values ("" stays ""), as Fernet.encrypt would make them."""
    secret = _derive(b"encrypt", settings.PERSONAL_DATA_KEY)
    signing_key, encryption_key = secret[:16], secret[16:]
    mac = hmac.new(signing_key, digestmod=hashlib.sha256)
    # CBC chained by hand over one AES block encryptor: the same ciphertext as
    # Fernet's CBC mode, without building a cipher context per value.
    block_cipher = Cipher(algorithms.AES(encryption_key), modes.ECB()).encryptor()  # noqa: S305
    stamp = _FERNET_VERSION + struct.pack(">Q", int(time.time()))
    tokens = []
    for value in values:
        if not value:
            tokens.append("")
            continue
        iv = os.urandom(16)
        data = value.encode()
        pad = 16 - len(data) % 16
        data += bytes((pad,)) * pad  # PKCS7
        previous, ciphertext = iv, b""
        for start in range(0, len(data), 16):
            block = int.from_bytes(data[start : start + 16]) ^ int.from_bytes(previous)
            previous = block_cipher.update(block.to_bytes(16))
            ciphertext += previous
        body = stamp + iv + ciphertext
        signer = mac.copy()
        signer.update(body)
        tokens.append(base64.urlsafe_b64encode(body + signer.digest()).decode())
    return tokens


def decrypt(token: str) -> str:
    return _fernet(settings.PERSONAL_DATA_KEY).decrypt(token.encode()).decode()


def keyed_hash(value: str) -> str:
    mac = _lookup_mac(settings.PERSONAL_DATA_KEY).copy()
    mac.update(value.encode())
    return mac.hexdigest()
