"""Keyed pseudonyms for identity codes, and the masks used where a code is invalid.

A person's identity code (henkilötunnus) becomes HMAC-SHA-256(key, code) at the door. The key
comes from the environment or a key file and is never stored with the data; only a short key id
(itself a keyed hash) is recorded, so a run with a different key can be refused instead of
silently breaking every person's history.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from pathlib import Path

from stdnum.fi import hetu

KEY_ENV = "VAIKUTTAVUUS_PSEUDONYM_KEY"
KEY_FILE_ENV = "VAIKUTTAVUUS_PSEUDONYM_KEY_FILE"
UPSTREAM_PREFIX = "pseudo:"
MIN_KEY_BYTES = 16
# Public on purpose: demo data is synthetic. Real deliveries must never use it.
DEMO_KEY = b"vaikuttavuus-demo-key-NOT-A-SECRET"

_CENTURY = {"+": 1800, **dict.fromkeys("-YXWVU", 1900), **dict.fromkeys("ABCDEF", 2000)}
# Anything shaped like an identity code, valid or not, for masking free text.
CODE_LIKE_PATTERN = r"\b(\d{6}[-+A-FU-Y])\d{3}[0-9A-Y]\b"
_CODE_LIKE = re.compile(CODE_LIKE_PATTERN, re.IGNORECASE)


class MissingKeyError(RuntimeError):
    """No pseudonymisation key was configured and demo mode was not asked for."""


@dataclass(frozen=True)
class PseudonymKey:
    secret: bytes
    is_demo: bool

    @property
    def key_id(self) -> str:
        return hmac.new(self.secret, b"vaikuttavuus key id", hashlib.sha256).hexdigest()[:12]

    def __repr__(self) -> str:  # never print the secret
        return f"PseudonymKey(key_id={self.key_id!r}, is_demo={self.is_demo})"


def load_key(key_file: Path | None = None, demo: bool = False) -> PseudonymKey:
    """The key from `key_file`, $VAIKUTTAVUUS_PSEUDONYM_KEY_FILE or $VAIKUTTAVUUS_PSEUDONYM_KEY."""
    path = key_file or (Path(os.environ[KEY_FILE_ENV]) if os.environ.get(KEY_FILE_ENV) else None)
    if path is not None:
        secret = path.read_bytes().strip()
    elif os.environ.get(KEY_ENV):
        secret = os.environ[KEY_ENV].encode()
    elif demo:
        return PseudonymKey(DEMO_KEY, is_demo=True)
    else:
        raise MissingKeyError(
            "No pseudonymisation key: set $VAIKUTTAVUUS_PSEUDONYM_KEY or "
            "$VAIKUTTAVUUS_PSEUDONYM_KEY_FILE (or pass --key-file). Deliveries with real "
            "identity codes are not loaded without one. For synthetic demo data only, "
            "pass --demo to use the public demo key."
        )
    if len(secret) < MIN_KEY_BYTES:
        raise MissingKeyError(f"The pseudonymisation key must be at least {MIN_KEY_BYTES} bytes.")
    return PseudonymKey(secret, is_demo=False)


def is_valid_identity_code(code: str) -> bool:
    # Temporary codes (individual number 900-999) are real identifiers in registers too.
    return hetu.is_valid(code, allow_temporary=True)


def pseudonym(key: PseudonymKey, code: str) -> str:
    """The person key: upstream pseudonyms pass unchanged, identity codes are keyed-hashed."""
    if code.startswith(UPSTREAM_PREFIX):
        return code
    return hmac.new(key.secret, code.encode("ascii"), hashlib.sha256).hexdigest()


def birth_year(code: str) -> int:
    """Birth year from a valid identity code (century sign + two-digit year)."""
    return _CENTURY[code[6]] + int(code[4:6])


def mask_identity_code(value: str) -> str:
    """`131052-308T` -> `131052-****`: keeps what helps a data steward find the row."""
    value = value.strip()
    if len(value) >= 7:
        return value[:7] + "****"
    return "*" * len(value)


def contains_identity_code(text: str) -> bool:
    """Whether free text holds a valid identity code (a code typed into the wrong column)."""
    return any(is_valid_identity_code(m.group(0).upper()) for m in _CODE_LIKE.finditer(text))


def mask_codes_in_text(text: str) -> str:
    """Masks anything shaped like an identity code inside free text (messages, logs)."""
    return _CODE_LIKE.sub(lambda m: m.group(1) + "****", text)
