"""Cryptography as used: approved hashes only (no MD5, SHA-1 only where nothing depends on it),
256-bit signatures, and every unguessable value drawn from the operating system's CSPRNG in sizes that
cannot be guessed: CSP nonces, reset tokens, TOTP secrets and verification codes."""

import ast
import base64
import hashlib
import math
import random
import re
from pathlib import Path

import pytest
from allauth.account.adapter import get_adapter
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.signing import Signer
from django.test import override_settings
from django.urls import reverse
from django.utils.module_loading import import_string

from config.settings import security

from tests.helpers.clients import HttpsClient, sign_in
from tests.helpers.two_factor import COMMITTING, enrol
from tests.helpers.users import member

PROJECT = Path(__file__).resolve().parent.parent
WEAK_HASHES = {"md5", "sha1"}


def weak_hash_calls(source, filename="<source>"):
    """Lines that call hashlib.md5/sha1 (or hashlib.new with either) without usedforsecurity=False, or
    name a hasher built on them."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Constant) and re.search(r"(MD5|SHA1)\w*Hasher", str(node.value)):
            found.append(f"{filename}:{node.lineno}: {node.value}")
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        if name == "new" and node.args and isinstance(node.args[0], ast.Constant):
            name = str(node.args[0].value).lower()
        unused = any(
            keyword.arg == "usedforsecurity" and getattr(keyword.value, "value", None) is False
            for keyword in node.keywords
        )
        if name in WEAK_HASHES and not unused:
            found.append(f"{filename}:{node.lineno}: {name}()")
    return found


BAD = """
import hashlib
hashlib.md5(data).hexdigest()
hashlib.sha1(data)
hashlib.new("md5", data)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.UnsaltedSHA1PasswordHasher"]
"""
GOOD = """
import hashlib
hashlib.sha256(data)
hashlib.sha1(password, usedforsecurity=False)  # a public lookup prefix, not a protection
"""


def test_gate_catches_weak_hashes_and_allows_the_marked_lookup():
    assert len(weak_hash_calls(BAD)) == 4
    assert weak_hash_calls(GOOD) == []


def test_project_code_uses_no_md5_or_sha1_for_security():
    # The tests' own settings (config/settings/test.py) use a fast MD5 hasher: never loaded in production.
    found = []
    for path in PROJECT.rglob("*.py"):
        relative = path.relative_to(PROJECT)
        if ".venv" in path.parts or relative.parts[0] == "tests" or relative == Path("config/settings/test.py"):
            continue
        found += weak_hash_calls(path.read_text(), str(relative))
    assert found == []


def test_production_hashers_and_signatures_use_approved_algorithms():
    hashers = [import_string(path)() for path in security.PASSWORD_HASHERS]
    assert [hasher.algorithm for hasher in hashers] == ["argon2", "pbkdf2_sha256"]
    assert hashers[1].digest is hashlib.sha256
    assert Signer().algorithm == default_token_generator.algorithm == "sha256"


@pytest.mark.django_db
def test_signatures_carry_256_bits_and_reset_tokens_128(client, password, mailoutbox):
    signature = Signer().sign("value").rsplit(":", 1)[1]
    assert len(base64.urlsafe_b64decode(signature + "=")) * 8 == 256
    user = member("signed@example.com", password)
    client.force_login(user)
    session_signature = Session.objects.get().session_data.rsplit(":", 1)[1]
    assert len(base64.urlsafe_b64decode(session_signature + "=")) * 8 == 256
    HttpsClient().post(reverse("account_reset_password"), {"email": user.email})
    token = re.search(r"/accounts/password/reset/key/\w+-\w+-(\w+)/", mailoutbox[0].body).group(1)
    assert len(bytes.fromhex(token)) * 8 >= 128


@pytest.mark.django_db
def test_pbkdf2_hashes_are_upgraded_to_argon2_at_sign_in(password):
    with override_settings(PASSWORD_HASHERS=security.PASSWORD_HASHERS):
        user = member("old@example.com")
        user.password = make_password(password, hasher=PBKDF2PasswordHasher())
        user.save()
        assert sign_in(HttpsClient(), user, password).status_code == 302
        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$")


def drawn_twice(draw):
    """Two values drawn with Python's non-cryptographic `random` reseeded identically before each: a
    generator that relied on it would repeat itself."""
    random.seed(2024)
    first = draw()
    random.seed(2024)
    return first, draw()


@pytest.mark.django_db
def test_csp_nonces_carry_at_least_128_random_bits(client):
    def nonce():
        policy = client.get(reverse("account_login")).headers["Content-Security-Policy"]
        return re.search(r"'nonce-([^']+)'", policy).group(1)

    nonces = [value for _ in range(10) for value in drawn_twice(nonce)]
    assert len(set(nonces)) == len(nonces)
    assert min(len(base64.b64decode(value)) for value in nonces) * 8 >= 128


def test_mailed_codes_are_random_and_carry_at_least_20_bits():
    codes = [code for _ in range(1000) for code in drawn_twice(get_adapter().generate_email_verification_code)]
    assert len(set(codes)) == len(codes)
    positions = [{code.replace("-", "")[i] for code in codes} for i in range(len(codes[0].replace("-", "")))]
    assert sum(math.log2(len(symbols)) for symbols in positions) >= 20  # 8 of 20 letters: 34.6 bits


@COMMITTING
def test_totp_secrets_are_random_and_long_enough(password):
    enrolments = []
    for n in range(2):
        random.seed(2024)  # the same non-cryptographic state before each enrolment
        client = HttpsClient()
        user = member(f"staff{n}@example.com", password, is_staff=True)
        sign_in(client, user, password)
        enrolments.append(enrol(client, password))
    totp_a, totp_b = enrolments
    assert totp_a.secret != totp_b.secret
    assert min(len(base64.b32decode(totp.secret)) for totp in (totp_a, totp_b)) * 8 >= 160  # RFC 4226
