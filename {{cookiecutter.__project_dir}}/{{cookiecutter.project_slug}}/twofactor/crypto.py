"""Secrets at rest: TOTP keys are stored encrypted (Fernet: AES-128-CBC + HMAC-SHA256) with
OTP_ENCRYPTION_KEY from the environment, so a database dump alone cannot mint login codes."""

from cryptography.fernet import Fernet
from django.conf import settings


def _fernet():
    return Fernet(settings.OTP_ENCRYPTION_KEY)


def encrypt(secret: bytes) -> str:
    return _fernet().encrypt(secret).decode("ascii")


def decrypt(token: str) -> bytes:
    return _fernet().decrypt(token.encode("ascii"))
