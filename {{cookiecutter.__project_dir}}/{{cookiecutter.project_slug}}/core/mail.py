"""Django's SMTP backend, trusting only a private CA for the mail relay (EMAIL_URL ?ssl_cafile=PATH)."""

import ssl

from django.conf import settings
from django.core.mail.backends import smtp
from django.utils.functional import cached_property


class PrivateCaEmailBackend(smtp.EmailBackend):
    """The relay's certificate must chain to EMAIL_SSL_CAFILE: the system's public CAs are not loaded,
    so a certificate any of them issued for the relay's name is refused."""

    def __init__(self, *args, ssl_cafile=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ssl_cafile = settings.EMAIL_SSL_CAFILE if ssl_cafile is None else ssl_cafile

    @cached_property
    def ssl_context(self):
        context = ssl.create_default_context(cafile=self.ssl_cafile)  # a cafile replaces the system's CAs
        if self.ssl_certfile or self.ssl_keyfile:
            context.load_cert_chain(self.ssl_certfile, self.ssl_keyfile)
        return context
