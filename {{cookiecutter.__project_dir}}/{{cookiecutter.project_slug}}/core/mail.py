"""Django's SMTP backend for a relay with a private CA (EMAIL_URL ?ssl_cafile=PATH) or that knows the site
by its client certificate (?ssl_certfile=PATH&ssl_keyfile=PATH)."""

import ssl

from django.conf import settings
from django.core.mail.backends import smtp
from django.utils.functional import cached_property


class PrivateCaEmailBackend(smtp.EmailBackend):
    """The relay's certificate must chain to EMAIL_SSL_CAFILE, when set: the system's public CAs are then
    not loaded, so a certificate any of them issued for the relay's name is refused. Unset, the system's
    CAs verify the relay, where Django's own backend, given a client certificate, would load none."""

    def __init__(self, *args, ssl_cafile=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ssl_cafile = settings.EMAIL_SSL_CAFILE if ssl_cafile is None else ssl_cafile

    @cached_property
    def ssl_context(self):
        context = ssl.create_default_context(cafile=self.ssl_cafile)  # a cafile replaces the system's CAs
        if self.ssl_certfile or self.ssl_keyfile:
            context.load_cert_chain(self.ssl_certfile, self.ssl_keyfile)
        return context
