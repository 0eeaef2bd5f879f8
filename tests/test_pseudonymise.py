"""Keyed pseudonyms, key handling and masking."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from ingest.pseudonymise import (
    DEMO_KEY,
    KEY_ENV,
    KEY_FILE_ENV,
    MissingKeyError,
    PseudonymKey,
    birth_year,
    is_valid_identity_code,
    load_key,
    mask_codes_in_text,
    mask_identity_code,
    pseudonym,
)

KEY = PseudonymKey(b"0123456789abcdef-test-key", is_demo=False)


def test_pseudonym_is_hmac_sha256_of_the_code():
    expected = hmac.new(KEY.secret, b"131052-308T", hashlib.sha256).hexdigest()
    assert pseudonym(KEY, "131052-308T") == expected
    assert len(expected) == 64


def test_pseudonym_depends_on_the_key():
    other = PseudonymKey(b"another-key-of-enough-length", is_demo=False)
    assert pseudonym(KEY, "131052-308T") != pseudonym(other, "131052-308T")


def test_century_sign_distinguishes_people():
    # Since 2023 the sign is part of the identity: 010594-9032 is not 010594Y9032.
    assert pseudonym(KEY, "010594Y9032") != pseudonym(KEY, "010594-903R")


def test_upstream_pseudonyms_pass_unchanged():
    assert pseudonym(KEY, "pseudo:abc123") == "pseudo:abc123"


def test_key_from_environment(monkeypatch):
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv(KEY_ENV, "environment-secret-key")
    key = load_key()
    assert key.secret == b"environment-secret-key"
    assert not key.is_demo


def test_key_file_wins_over_environment(monkeypatch, tmp_path):
    path = tmp_path / "key"
    path.write_bytes(b"file-secret-key-1234\n")
    monkeypatch.setenv(KEY_ENV, "environment-secret-key")
    assert load_key(key_file=path).secret == b"file-secret-key-1234"


def test_no_key_refused_unless_demo(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    with pytest.raises(MissingKeyError, match="--demo"):
        load_key()
    demo = load_key(demo=True)
    assert demo.is_demo and demo.secret == DEMO_KEY


def test_short_key_refused(monkeypatch):
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv(KEY_ENV, "short")
    with pytest.raises(MissingKeyError, match="at least 16 bytes"):
        load_key()


def test_repr_never_shows_the_secret():
    assert "0123456789abcdef" not in repr(KEY)
    assert KEY.key_id in repr(KEY)


@pytest.mark.parametrize(
    ("code", "valid", "year"),
    [
        ("131052-308T", True, 1952),
        ("131052-308U", False, None),  # wrong check character
        ("010594Y9032", True, 1994),  # 2023 century sign, temporary individual number
        ("020504A902E", True, 2004),
        ("020504B904H", True, 2004),  # new 2000s sign
        ("310252-308Y", False, None),  # 31 February
        ("010101+0101", True, 1801),  # 1800s sign
    ],
)
def test_identity_code_validation_and_birth_year(code, valid, year):
    assert is_valid_identity_code(code) is valid
    if valid:
        assert birth_year(code) == year


def test_masks():
    assert mask_identity_code("131052-308T") == "131052-****"
    assert mask_identity_code("12345") == "*****"
    assert (
        mask_codes_in_text("bad 131052-308T and 010594y9032.") == "bad 131052-**** and 010594y****."
    )
