"""The TLS clients of Redis, the mail relay{% if cookiecutter.database == "postgresql" %} and PostgreSQL{% endif %}, built from the production settings,
verify the server's certificate: pointed at a real TLS server on this machine whose certificate no
public CA signed, they refuse it, and they accept it only once that private CA is configured.
The server sees the handshake complete only when the client accepted its certificate."""

import contextlib
import smtplib
import socket
import ssl
import threading
import time
import urllib.parse

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django_redis.cache import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.helpers.certificates import issued_by, self_signed_ca
from tests.helpers.production_settings import load_prod


@pytest.fixture(scope="module")
def private_ca(tmp_path_factory):
    return self_signed_ca(tmp_path_factory.mktemp("private-ca"))


@pytest.fixture
def system_ca(tmp_path_factory, monkeypatch):
    """Another CA, made the process's default trust store (OpenSSL's SSL_CERT_FILE and SSL_CERT_DIR), as
    a public CA is: it stands for any CA of the system store issuing a certificate for the server's name."""
    directory = self_signed_ca(tmp_path_factory.mktemp("system-ca"))
    monkeypatch.setenv("SSL_CERT_FILE", str(directory / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path_factory.mktemp("no-system-certs")))
    return directory


class LocalServer:
    """A server on 127.0.0.1 that handles one connection at a time, on a thread of its own, until closed.
    Subclasses set what handle() needs before calling __init__, which starts the thread."""

    def __init__(self, context):
        self.context = context
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # closed
            with connection:
                connection.settimeout(5)
                self.handle(connection)

    def close(self):
        self.listener.close()


class TlsServer(LocalServer):
    """Does the TLS handshake (after PostgreSQL's SSLRequest or SMTP's STARTTLS, if asked), recording for
    each connection whether the handshake completed."""

    def __init__(self, directory, protocol=None):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(directory / "ca.pem", directory / "key.pem")
        self.protocol = protocol
        self.handshakes = []
        super().__init__(context)

    def handle(self, connection):
        if self.protocol == "postgres":
            connection.recv(8)  # SSLRequest
            connection.sendall(b"S")
        elif self.protocol == "smtp":
            for answer in (b"220 localhost\r\n", b"250-localhost\r\n250 STARTTLS\r\n", b"220 go on\r\n"):
                connection.sendall(answer)  # greeting, then the answers to EHLO and STARTTLS
                if answer != b"220 go on\r\n":
                    connection.recv(1024)
        try:
            with self.context.wrap_socket(connection, server_side=True):
                self.handshakes.append(True)
        except (ssl.SSLError, OSError):
            self.handshakes.append(False)

    def outcomes(self, count=2):
        """The handshakes' outcomes, once `count` connections have been handled (5 seconds at most)."""
        deadline = time.monotonic() + 5
        while len(self.handshakes) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.handshakes


@pytest.fixture
def server(private_ca):
    servers = []

    def start(protocol=None, ca=private_ca):
        servers.append(TlsServer(ca, protocol))
        return servers[-1]

    yield start
    for each in servers:
        each.close()


def redis_cache(monkeypatch, url):
    settings = load_prod(monkeypatch, REDIS_URL=url)
    cache = settings["CACHES"]["default"]
    return RedisCache(cache["LOCATION"], {"OPTIONS": cache["OPTIONS"]})


def test_redis_client_refuses_an_unknown_certificate_and_a_private_ca_is_refused_at_boot(
    monkeypatch, server, private_ca
):
    tls = server()
    with pytest.raises(RedisConnectionError, match="certificate verify failed"):
        redis_cache(monkeypatch, f"rediss://localhost:{tls.port}/0").get("probe")
    assert tls.outcomes() == [False]
    # redis-py would add this CA to the system's public ones, not trust it alone: refused before any connection.
    ca = urllib.parse.quote(str(private_ca / "ca.pem"))
    for parameter in ("ssl_ca_certs", "ssl_ca_path", "ssl_ca_data"):
        with pytest.raises(ImproperlyConfigured, match="^REDIS_URL names a private CA"):
            redis_cache(monkeypatch, f"rediss://localhost:{tls.port}/0?{parameter}={ca}")
    assert tls.outcomes() == [False]


def mail_connection(monkeypatch, url):
    """The mail backend and its connection settings as production builds them from EMAIL_URL."""
    settings = load_prod(monkeypatch, EMAIL_URL=url)
    fields = {
        "host": settings["EMAIL_HOST"],
        "port": settings["EMAIL_PORT"],
        "use_tls": settings.get("EMAIL_USE_TLS", False),
        "use_ssl": settings.get("EMAIL_USE_SSL", False),
        "ssl_cafile": settings.get("EMAIL_SSL_CAFILE"),
        "timeout": 5,
    }
    return get_connection(settings["EMAIL_BACKEND"], **fields)


def open_mail(connection):
    with contextlib.suppress(smtplib.SMTPException):  # after the handshake, the test server hangs up
        connection.open()


MAIL_SCHEMES = pytest.mark.parametrize("scheme", ["smtp+tls", "smtps", "smtp+ssl"])


def mail_server(server, scheme, ca=None):
    protocol = None if scheme == "smtp+ssl" else "smtp"  # implicit TLS, or STARTTLS
    return server(protocol, ca) if ca else server(protocol)


@MAIL_SCHEMES
def test_mail_client_refuses_an_unknown_certificate_and_trusts_the_configured_ca(
    monkeypatch, server, private_ca, scheme
):
    tls = mail_server(server, scheme)
    url = f"{scheme}://mailer:s3cret@localhost:{tls.port}"
    with pytest.raises(ssl.SSLCertVerificationError):
        mail_connection(monkeypatch, url).open()
    open_mail(mail_connection(monkeypatch, url + f"?ssl_cafile={urllib.parse.quote(str(private_ca / 'ca.pem'))}"))
    assert tls.outcomes() == [False, True]


@MAIL_SCHEMES
def test_mail_client_with_a_private_ca_trusts_no_other_ca(monkeypatch, server, private_ca, system_ca, scheme):
    impostor = mail_server(server, scheme, ca=system_ca)  # a certificate for the relay's name from a system CA
    url = f"{scheme}://mailer:s3cret@localhost:{impostor.port}"
    open_mail(mail_connection(monkeypatch, url))  # accepted: no private CA configured, the system store decides
    with pytest.raises(ssl.SSLCertVerificationError):
        mail_connection(monkeypatch, url + f"?ssl_cafile={urllib.parse.quote(str(private_ca / 'ca.pem'))}").open()
    assert impostor.outcomes() == [True, False]


class MailRelay(LocalServer):
    """An SMTP relay that takes mail only from a client whose certificate the client CA issued (TLS from
    the first byte, or after STARTTLS), and records each message with that certificate's subject as the
    relay saw it."""

    def __init__(self, server_ca, client_ca, implicit_tls):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(server_ca / "ca.pem", server_ca / "key.pem")
        context.verify_mode = ssl.CERT_REQUIRED  # no certificate, or one from another CA: no handshake
        context.load_verify_locations(client_ca / "ca.pem")
        self.implicit_tls = implicit_tls
        self.delivered = []
        super().__init__(context)

    def handle(self, connection):
        with contextlib.suppress(OSError):  # a refused handshake ends the connection
            self.converse(self.context.wrap_socket(connection, server_side=True) if self.implicit_tls else connection)

    def converse(self, connection):
        """The replies smtplib waits for, one command at a time."""
        connection.sendall(b"220 localhost\r\n")
        while command := connection.recv(65536).upper():
            if command.startswith(b"EHLO"):
                tls = isinstance(connection, ssl.SSLSocket)
                connection.sendall(b"250 localhost\r\n" if tls else b"250-localhost\r\n250 STARTTLS\r\n")
            elif command.startswith(b"STARTTLS"):
                connection.sendall(b"220 go on\r\n")
                connection = self.context.wrap_socket(connection, server_side=True)
            elif command.startswith(b"DATA"):
                connection.sendall(b"354 go on\r\n")
                message = b""
                while not message.endswith(b"\r\n.\r\n"):
                    message += connection.recv(65536)
                self.delivered.append((dict(field[0] for field in connection.getpeercert()["subject"]), message))
                connection.sendall(b"250 queued\r\n")
            elif command.startswith(b"QUIT"):
                connection.sendall(b"221 bye\r\n")
                return
            else:  # MAIL FROM, RCPT TO
                connection.sendall(b"250 ok\r\n")


@pytest.fixture
def mail_relay(private_ca, tmp_path_factory):
    """Starts a relay, returned with the CA whose client certificates it takes."""
    relays = []

    def start(scheme, server_ca=private_ca):
        client_ca = self_signed_ca(tmp_path_factory.mktemp("client-ca"))
        relays.append(MailRelay(server_ca, client_ca, implicit_tls=scheme == "smtp+ssl"))
        return relays[-1], client_ca

    yield start
    for each in relays:
        each.close()


def send_mail(monkeypatch, settings, url):
    """Send a message as production does: Django's own connection, from the EMAIL_ settings EMAIL_URL gives."""
    for key, value in load_prod(monkeypatch, EMAIL_URL=url).items():
        if key.startswith("EMAIL_"):
            setattr(settings, key, value)
    settings.EMAIL_TIMEOUT = 5
    EmailMessage("Reset your password", "Follow this link.", "site@example.com", ["someone@example.com"]).send()


def client_certificate(directory):
    return urllib.parse.urlencode({"ssl_certfile": directory / "cert.pem", "ssl_keyfile": directory / "key.pem"})


@MAIL_SCHEMES
def test_mail_relay_that_requires_a_client_certificate_takes_mail_only_with_the_one_its_ca_issued(
    monkeypatch, settings, mail_relay, private_ca, tmp_path_factory, scheme
):
    relay, client_ca = mail_relay(scheme)
    site = issued_by(client_ca, tmp_path_factory.mktemp("site"))
    stranger = issued_by(self_signed_ca(tmp_path_factory.mktemp("other-ca")), tmp_path_factory.mktemp("stranger"))
    url = f"{scheme}://localhost:{relay.port}?ssl_cafile={urllib.parse.quote(str(private_ca / 'ca.pem'))}"
    for refused in (url, url + "&" + client_certificate(stranger)):
        with pytest.raises(smtplib.SMTPServerDisconnected):  # the relay ended the handshake
            send_mail(monkeypatch, settings, refused)
    assert relay.delivered == []
    send_mail(monkeypatch, settings, url + "&" + client_certificate(site))  # no user name or password in the URL
    [(subject, message)] = relay.delivered
    assert subject == {"commonName": site.name}
    assert b"Subject: Reset your password" in message


def test_mail_client_certificate_goes_with_a_relay_that_a_system_ca_certified(
    monkeypatch, settings, mail_relay, system_ca, tmp_path_factory
):
    relay, client_ca = mail_relay("smtp+tls", server_ca=system_ca)
    site = issued_by(client_ca, tmp_path_factory.mktemp("site"))
    # No ssl_cafile: the system's CAs verify the relay, and the site still presents its certificate.
    send_mail(monkeypatch, settings, f"smtp+tls://localhost:{relay.port}?" + client_certificate(site))
    assert [subject for subject, _ in relay.delivered] == [{"commonName": site.name}]
{%- if cookiecutter.database == "postgresql" %}


def test_database_client_refuses_an_unknown_certificate_and_trusts_the_configured_ca(
    monkeypatch, server, private_ca, django_db_blocker
):
    from django.db.utils import ConnectionHandler, OperationalError

    from config import env

    tls = server(protocol="postgres")
    url = f"postgres://app:s3cret-pw@localhost:{tls.port}/app?sslmode=verify-full"
    ca = urllib.parse.quote(str(private_ca / "ca.pem"))
    for database_url in (url + "&sslrootcert=system", url + f"&sslrootcert={ca}"):
        load_prod(monkeypatch, DATABASE_URL=database_url)  # accepted at boot
        with django_db_blocker.unblock(), pytest.raises(OperationalError):  # the test server speaks no PostgreSQL
            ConnectionHandler({"default": env.database()})["default"].ensure_connection()  # as base.py builds it
    assert tls.outcomes() == [False, True]


def test_database_client_with_a_private_ca_trusts_no_other_ca(
    monkeypatch, server, private_ca, system_ca, django_db_blocker
):
    from django.db.utils import ConnectionHandler, OperationalError

    from config import env

    impostor = server(protocol="postgres", ca=system_ca)  # a certificate for the server's name from a system CA
    url = f"postgres://app:s3cret-pw@localhost:{impostor.port}/app?sslmode=verify-full"
    ca = urllib.parse.quote(str(private_ca / "ca.pem"))
    for database_url in (url + "&sslrootcert=system", url + f"&sslrootcert={ca}"):
        load_prod(monkeypatch, DATABASE_URL=database_url)
        with django_db_blocker.unblock(), pytest.raises(OperationalError):
            ConnectionHandler({"default": env.database()})["default"].ensure_connection()
    assert impostor.outcomes() == [True, False]
{%- endif %}
