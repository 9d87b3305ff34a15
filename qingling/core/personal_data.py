"""Personal data at rest: sealing, the keyed blind index and masking.

ID numbers and phone numbers are stored only sealed (AES-256-GCM, the field's
purpose bound in as associated data so a value cannot be moved to another
column), beside a keyed HMAC digest (the blind index) for exact search and a
masked form for lists. Both keys are derived from ``QINGLING_DATA_KEY`` with
HKDF, so one secret in the environment is all an operator manages.
"""

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SEAL_VERSION = "v1"


@cache
def _keys(secret: str) -> tuple[bytes, bytes]:
    if len(secret) < 32:
        raise ImproperlyConfigured(
            "QINGLING_DATA_KEY (or the file QINGLING_DATA_KEY_FILE) must hold at least 32 "
            "characters; `make run` creates var/data.key for a local demo."
        )
    material = HKDF(
        algorithm=hashes.SHA256(), length=64, salt=b"qingling-personal-data", info=b"v1"
    ).derive(secret.encode())
    return material[:32], material[32:]


def _seal_key() -> bytes:
    return _keys(settings.QINGLING_DATA_KEY)[0]


def _index_key() -> bytes:
    return _keys(settings.QINGLING_DATA_KEY)[1]


def seal(value: str, *, purpose: str) -> str:
    """Encrypt ``value`` for storage; ``purpose`` names the column (e.g. "id_number")."""
    nonce = os.urandom(12)
    sealed = AESGCM(_seal_key()).encrypt(nonce, value.encode(), purpose.encode())
    return f"{SEAL_VERSION}:{base64.b64encode(nonce + sealed).decode()}"


def unseal(token: str, *, purpose: str) -> str:
    version, _, payload = token.partition(":")
    if version != SEAL_VERSION:
        raise ValueError("unknown seal version")
    raw = base64.b64decode(payload)
    return AESGCM(_seal_key()).decrypt(raw[:12], raw[12:], purpose.encode()).decode()


def blind_index(value: str, *, purpose: str) -> str:
    """Return the keyed digest that finds a row by the exact value without storing it."""
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(_index_key(), message, hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """22040219900101123X → 22**************3X: the province and the last two kept.

    A mask must leave so many candidates that confirming a guess (a search by the
    full number, a duplicate refused at registration) cannot finish within the
    personal-data rate limit (20 an hour by default, each one audited, and a search
    finds only people in the searcher's jurisdiction). The earlier mask
    ``220402********123X`` hid only the birth date: about 15,000 plausible dates,
    of which the check digit lets one in eleven through, some 1,400 candidates (the
    attack in issue 17 needed about 300 searches). This one also hides the county (some 70 in a
    province) and two digits of the sequence number (100): even an attacker who
    knows the county and the year of birth faces 365 × 100 / 11 ≈ 3,300 candidates,
    some 80 hours at the limit for an even chance; knowing neither, about 10 million.
    The last two (the sequence's last digit, which carries the sex, and the check
    digit) are what staff read back to tell two people of one name apart.
    """
    if len(value) <= 10:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


def mask_phone(value: str) -> str:
    """13812345678 → 138******78: the carrier prefix and the last two kept.

    The common ``138****5678`` leaves 10,000 candidates (some 1,500 searches found one
    at random in the attack of issue 17); hiding six digits leaves 1,000,000, which the
    personal-data rate limit (20 an hour, audited) puts out of reach (25,000 hours for
    an even chance). Two digits still tell a worker's two numbers apart.
    """
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]
