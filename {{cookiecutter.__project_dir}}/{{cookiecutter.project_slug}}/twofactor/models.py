import base64
import hashlib
import hmac
import secrets
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import models
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from .crypto import decrypt, encrypt


class ThrottledDevice(TimestampMixin, ThrottlingMixin, Device):
    """A device whose every check waits out django-otp's back-off first (it doubles with each wrong
    code) and records success or failure. Subclasses say what a matching code is in accept()."""

    class Meta:
        abstract = True

    def get_throttle_factor(self):
        return settings.OTP_THROTTLE_FACTOR

    def accept(self, token):
        """True when the token matches; may update the device (not saved yet)."""
        raise NotImplementedError

    def verify_token(self, token):
        if not self.verify_is_allowed()[0]:
            return False
        if self.accept(token):
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment()
        return False


class TOTPDevice(ThrottledDevice):
    """An authenticator app (RFC 6238: 6 digits every 30 s) whose secret is encrypted at rest."""

    STEP = 30
    DIGITS = 6
    TOLERANCE = 1  # accept the previous and next code too: phones' clocks drift

    encrypted_key = models.TextField(help_text="The shared secret, encrypted with OTP_ENCRYPTION_KEY.")
    last_t = models.BigIntegerField(default=-1, help_text="Time step of the last accepted code: no replays.")

    class Meta:
        verbose_name = "authenticator app"

    @classmethod
    def start_enrolment(cls, user):
        """A new, unconfirmed device; it counts only once the user proves it with a valid code."""
        cls.objects.filter(user=user, confirmed=False).delete()
        return cls.objects.create(
            user=user, name="Authenticator app", confirmed=False, encrypted_key=encrypt(secrets.token_bytes(20))
        )

    @property
    def secret(self) -> bytes:
        return decrypt(self.encrypted_key)

    @property
    def base32_secret(self):
        return base64.b32encode(self.secret).decode("ascii").rstrip("=")

    def provisioning_uri(self):
        issuer = settings.SITE_NAME
        label = quote(f"{issuer}:{self.user.email}")
        query = urlencode({"secret": self.base32_secret, "issuer": issuer, "digits": self.DIGITS, "period": self.STEP})
        return f"otpauth://totp/{label}?{query}"

    def accept(self, token):
        token = str(token).strip().replace(" ", "")
        if not (token.isascii() and token.isdigit() and len(token) == self.DIGITS):
            return False
        totp = TOTP(self.secret, step=self.STEP, digits=self.DIGITS)
        # min_t: a code from a time step already used is refused, so an observed code cannot be replayed.
        if totp.verify(int(token), tolerance=self.TOLERANCE, min_t=self.last_t + 1):
            self.last_t = totp.t()
            return True
        return False


class RecoveryCodeDevice(ThrottledDevice):
    """Single-use recovery codes for a lost phone. Only their hashes are stored; each works once."""

    COUNT = 10

    class Meta:
        verbose_name = "recovery codes"

    @staticmethod
    def normalise(code):
        return str(code).strip().lower().replace("-", "").replace(" ", "")

    @staticmethod
    def digest(code):
        # 80 random bits per code: a fast hash is enough, nobody can enumerate that space offline.
        return hashlib.sha256(RecoveryCodeDevice.normalise(code).encode()).hexdigest()

    def regenerate(self):
        """Replace every code; returns the new ones in clear text, to be shown once and never stored."""
        alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
        codes = [
            "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4)) for _ in range(self.COUNT)
        ]
        self.codes.all().delete()
        RecoveryCode.objects.bulk_create(RecoveryCode(device=self, digest=self.digest(code)) for code in codes)
        return codes

    def accept(self, token):
        digest = self.digest(token)
        for code in self.codes.all():
            if hmac.compare_digest(code.digest, digest):
                code.delete()  # single use
                return True
        return False


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)

    def __str__(self):
        return f"recovery code {self.pk} of {self.device.user}"
