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
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
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
# An identity code in plain ASCII upper case, the form registers deliver.
_PLAIN_CODE = r"^[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-Y]$"
_CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


class MissingKeyError(RuntimeError):
    """No pseudonymisation key was configured and demo mode was not asked for."""


class _Pseudonyms:
    """The pseudonyms one key has made, by identity code: a national register repeats the same
    million people in every file, and checking and hashing each of them once is enough. Held
    in memory for as long as the key object lives (one ingest run); never written anywhere."""

    def __init__(self) -> None:
        self.made = pl.DataFrame(schema={"code": pl.String(), "pseudonym": pl.String()})

    def make(self, secret: bytes, codes: pl.Series) -> None:
        """Adds the pseudonyms of the valid ones among `codes`, distinct codes not met before."""
        valid = codes.filter(valid_identity_codes(codes))
        if valid.is_empty():
            return
        keyed = hmac.new(secret, digestmod=hashlib.sha256)  # copied: the key is set up once
        made = pl.DataFrame(
            {"code": valid, "pseudonym": [_keyed_hash(keyed, c) for c in valid]},
            schema=self.made.schema,
        )
        self.made = pl.concat([self.made, made], rechunk=False)

    def of(self, codes: pl.Series) -> pl.Series:
        """The pseudonym of each code, null where none was made. Gathered by position, so the
        result points into the memo's strings instead of copying 64 characters per row."""
        made = self.made.select("code", position=pl.int_range(pl.len(), dtype=pl.UInt32))
        found = codes.to_frame("code").join(made, on="code", how="left", maintain_order="left")
        return self.made["pseudonym"].gather(found["position"])


@dataclass(frozen=True)
class PseudonymKey:
    secret: bytes
    is_demo: bool
    _pseudonyms: _Pseudonyms = field(
        default_factory=_Pseudonyms, init=False, compare=False, repr=False
    )

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


def valid_identity_codes(codes: pl.Series) -> pl.Series:
    """`is_valid_identity_code` of every value (false for null), as polars expressions for a
    code written plainly: a national register's million distinct codes would take python-stdnum
    seconds. The rare other spelling python-stdnum also accepts (a Unicode dash) is left to it."""
    plain = codes.str.contains(_PLAIN_CODE).fill_null(False)
    valid = codes.to_frame("code").select(plain & _checks_out(pl.col("code"))).to_series()
    unusual = (~plain & codes.is_not_null()).arg_true()
    if unusual.is_empty():
        return valid
    return valid.scatter(unusual, [is_valid_identity_code(c) for c in codes.gather(unusual)])


def _checks_out(code: pl.Expr) -> pl.Expr:
    """What python-stdnum checks in a plain code: a real birth date, an individual number from
    002, and the check character of the nine digits."""
    day, month, year = (code.str.slice(at, 2).cast(pl.Int32, strict=False) for at in (0, 2, 4))
    sign = code.str.slice(6, 1)
    century = pl.when(sign == "+").then(1800).when(sign.is_in(list("ABCDEF"))).then(2000)
    year = year + century.otherwise(1900)
    individual = code.str.slice(7, 3).cast(pl.Int32, strict=False)
    digits = pl.concat_str(code.str.slice(0, 6), code.str.slice(7, 3)).cast(pl.Int64, strict=False)
    check = pl.lit(_CHECK_CHARACTERS).str.slice(digits % 31, 1)
    return _is_date(year, month, day) & (individual >= 2) & (code.str.slice(10, 1) == check)


def _is_date(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days = (
        pl.when(month == 2)
        .then(28 + leap.cast(pl.Int32))
        .when(month.is_in([4, 6, 9, 11]))
        .then(30)
        .otherwise(31)
    )
    return month.is_between(1, 12) & day.is_between(1, days)


def pseudonym(key: PseudonymKey, code: str) -> str:
    """The person key: upstream pseudonyms pass unchanged, identity codes are keyed-hashed."""
    if code.startswith(UPSTREAM_PREFIX):
        return code
    return hmac.new(key.secret, code.encode("ascii"), hashlib.sha256).hexdigest()


def pseudonyms(key: PseudonymKey, codes: pl.Series) -> pl.Series:
    """`pseudonym` of every valid identity code (validity as python-stdnum checks it), null for
    anything else; upstream pseudonyms pass unchanged. Python runs once per distinct code this
    key has not met before; the codes it has met cost a join."""
    memo = key._pseudonyms
    found = memo.of(codes).alias(codes.name)
    upstream = codes.str.starts_with(UPSTREAM_PREFIX).fill_null(False)
    unmet = (found.is_null() & codes.is_not_null() & ~upstream).arg_true()
    if not unmet.is_empty():  # new people, and invalid codes (never made, so met again)
        new = codes.gather(unmet)
        memo.make(key.secret, new.unique())
        found = found.scatter(unmet, memo.of(new))
    return found.zip_with(~upstream, codes) if upstream.any() else found


def _keyed_hash(keyed: hmac.HMAC, code: str) -> str:
    """`pseudonym` of an identity code, from an HMAC already holding the key."""
    digest = keyed.copy()
    digest.update(code.encode("ascii"))
    return digest.hexdigest()


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
