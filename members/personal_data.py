"""Encryption at rest for ID numbers and phones.

A database dump alone reveals neither: values are stored encrypted (Fernet,
AES-128-CBC with HMAC) and looked up by a keyed hash (HMAC-SHA256), which also
carries the uniqueness constraint. Both keys derive from
settings.PERSONAL_DATA_KEY, which lives outside the database.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet
from django.conf import settings


def _derive(purpose: bytes) -> bytes:
    return hashlib.sha256(purpose + b"\x00" + settings.PERSONAL_DATA_KEY.encode()).digest()


@cache
def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"encrypt")))


def encrypt(value: str) -> str:
    return _fernet(settings.PERSONAL_DATA_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(settings.PERSONAL_DATA_KEY).decrypt(token.encode()).decode()


def keyed_hash(value: str) -> str:
    return hmac.new(_derive(b"lookup"), value.encode(), hashlib.sha256).hexdigest()
