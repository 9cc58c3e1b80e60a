"""Tier 3: a baked project served for real on 127.0.0.1, with the services it needs.

gunicorn serves it over TLS with production settings (certificate made here, thrown away after), backed
by a real redis-server. A small protocol multiplexer gives the site one port for both schemes, as a
browser and the Observatory expect: TLS goes to the TLS gunicorn, plain HTTP to a second gunicorn whose
only answer is Django's own HTTPS redirect. Every process is started here, bound to 127.0.0.1, and
stopped by its PID.
"""

import base64
import hashlib
import http.cookiejar
import json
import os
import re
import selectors
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from conftest import ROOT, bake, read_env

OBSERVATORY = ROOT / "tests" / "observatory"
PASSWORD = "live-test-" + base64.urlsafe_b64encode(os.urandom(12)).decode()

# Test-only code written into the baked copy: never part of a shipped project.
LIVE_SETTINGS = '''\
"""Production settings plus test-only pages. Written by the template's live tests."""

import os
import sys

from config.settings.prod import *  # noqa: F403
from config.settings.prod import API_RATES, BASE_DIR, REST_FRAMEWORK

sys.path.insert(0, str(BASE_DIR / "tests"))  # the project's own error_urls.py (test-only views)
ROOT_URLCONF = "config.live_test_urls"
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["LIVE_TEST_MAIL_DIR"]
PWNED_PASSWORDS_URL = None  # no request leaves the machine; the baked suite tests it against a local server
if "LIVE_TEST_API_RATE" in os.environ:  # tests/test_live_api.py's fuzzing server only: fuzz, not 429s
    API_RATES = dict.fromkeys(API_RATES, os.environ["LIVE_TEST_API_RATE"])
    REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": API_RATES}
'''
LIVE_URLS = '''\
"""The project's test-only error pages, plus a page that breaks the CSP. Written by the live tests."""

from django.http import HttpResponse
from django.urls import path
from error_urls import urlpatterns as error_urlpatterns


def violation(request):
    return HttpResponse(
        "<!doctype html><title>violation</title>"
        "<script>document.title = 'inline script ran'</script>"
        '<p style="color: red">inline style</p>'
        '<p id="sink">untouched</p>'
        f'<script nonce="{request.csp_nonce}">document.getElementById("sink").innerHTML = "<b>written</b>";</script>'
    )


urlpatterns = [path("__test__/violation/", violation), *error_urlpatterns]
'''


TOTP_SECRET = base64.b32encode(os.urandom(20)).decode()  # the superuser's authenticator app
SAMPLE_DATA = """
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from {slug}.accounts.models import User
from {slug}.documents.models import Document
admin = User.objects.get(email="admin@example.com")
Document.objects.create(title="Sample", body="First document.", owner=admin)
Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={{"secret": encrypt({secret!r})}})
for email, is_staff in [("victim@example.com", False), ("bystander@example.com", False), ("passkey@example.com", False),
                        ("newstaff@example.com", True), ("pending@example.com", True)]:
    user = User.objects.create_user(email=email, password={password!r}, is_staff=is_staff)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
"""


def security_events(log):
    """The security events a server wrote to its log: JSON lines on stdout, as in production."""
    events = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            if "event" in entry:
                events.append(entry)
    return events


NGINX_MAIN_CONF = """\
user root;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    {http}
}}
"""


def nginx_main_conf(tmp, http):
    """A main nginx.conf that keeps every file nginx writes under tmp, with `http` inside its http block."""
    return NGINX_MAIN_CONF.format(tmp=tmp, http=http)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


def stop(process):
    """Stop a process this module started, by its PID."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def make_certificate(directory):
    """A throwaway self-signed certificate for 127.0.0.1; returns (cert, key, SPKI SHA-256 in base64)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    public_der = subprocess.run(
        ["openssl", "x509", "-in", str(cert), "-pubkey", "-noout"], check=True, capture_output=True
    ).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=public_der, check=True,
                         capture_output=True).stdout  # fmt: skip
    return cert, key, base64.b64encode(hashlib.sha256(der).digest()).decode()


class ProtocolMux:
    """One port, two upstreams: a TLS ClientHello (first byte 0x16) goes to tls_port, anything else to
    plain_port. Byte-for-byte relay, so each upstream sees the client as it is."""

    def __init__(self, port, tls_port, plain_port):
        self.port, self.tls_port, self.plain_port = port, tls_port, plain_port
        self.listener = socket.create_server(("127.0.0.1", port))
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        self.listener.settimeout(0.2)
        while not self.stopping.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client):
        with client:
            client.settimeout(10)
            try:
                first = client.recv(1, socket.MSG_PEEK)
                upstream_port = self.tls_port if first == b"\x16" else self.plain_port
                upstream = socket.create_connection(("127.0.0.1", upstream_port), timeout=10)
            except OSError:
                return
            with upstream:
                pipes = {client: upstream, upstream: client}
                with selectors.DefaultSelector() as selector:
                    for sock in pipes:
                        selector.register(sock, selectors.EVENT_READ)
                    while not self.stopping.is_set():
                        events = selector.select(timeout=30)
                        if not events:
                            return
                        for key, _ in events:
                            try:
                                data = key.fileobj.recv(65536)
                                if not data:
                                    return
                                pipes[key.fileobj].sendall(data)
                            except OSError:
                                return

    def close(self):
        self.stopping.set()
        self.listener.close()
        self.thread.join(timeout=5)


@dataclass
class LiveSite:
    project: Path
    base_url: str
    cert: Path
    spki: str
    admin_url: str
    user_email: str
    mail_dir: Path
    log: Path
    app_ports: list  # TLS gunicorns: two "hosts" sharing the database and Redis
    env: dict = field(repr=False)

    def url(self, path):
        return self.base_url + path.lstrip("/")

    def manage(self, *args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=self.project, env=self.env, capture_output=True, text=True,
            timeout=120, check=True,
        )  # fmt: skip

    def log_text(self):
        return self.log.read_text(errors="replace")

    def security_events(self):
        return security_events(self.log)

    def ssl_context(self):
        return ssl.create_default_context(cafile=str(self.cert))

    def totp_code(self):
        """A code from the superuser's app. The site accepts a code once, and only during its own
        30-second step, so each login waits for a step not used yet with 10 seconds left to submit."""
        import pyotp

        while (step := int(time.time()) // 30) <= getattr(self, "_last_step", -1) or time.time() % 30 > 20:
            time.sleep(1)
        self._last_step = step
        return pyotp.TOTP(TOTP_SECRET).at(step * 30)

    def form_client(self):
        """A cookie jar and a submit(path, fields) that GETs a form and POSTs it back as a browser does
        (CSRF token from the page, Origin header)."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=self.ssl_context()), urllib.request.HTTPCookieProcessor(jar)
        )

        def submit(path, fields):
            page = opener.open(self.url(path), timeout=10).read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            form = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token})
            origin = {"Origin": self.base_url.rstrip("/")}
            return opener.open(urllib.request.Request(self.url(path), data=form.encode(), headers=origin), timeout=10)

        return jar, submit

    @staticmethod
    def cookie_header(jar):
        cookies = {cookie.name: cookie.value for cookie in jar}
        assert "__Host-sessionid" in cookies, "no session: the form was refused"
        return "; ".join(f"{name}={value}" for name, value in cookies.items())

    def login_cookie(self, email, password, second_factor=True, reauthenticate=False):
        """Log in through the real forms (then the code step unless told not to, and the password again
        if told to) and return the Cookie header value."""
        jar, submit = self.form_client()
        submit("/accounts/login/", {"login": email, "password": password}).read()
        if second_factor:
            landed = submit("/accounts/2fa/authenticate/", {"code": self.totp_code()})
            assert landed.geturl() == self.url(""), "the code step failed"
        if reauthenticate:
            submit("/accounts/reauthenticate/", {"password": password}).read()
        return self.cookie_header(jar)

    def signup_cookie(self, email, password):
        """Sign up through the real form; the Cookie header of the session now waiting for the code."""
        jar, submit = self.form_client()
        landed = submit("/accounts/signup/", {"email": email, "password1": password, "password2": password})
        assert landed.geturl() == self.url("accounts/confirm-email/"), "sign-up refused"
        return self.cookie_header(jar)


def start_redis(directory):
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(directory)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for_port(port, process)
    return process, port


# Worker PID first: tests can tell which process answered.
ACCESS_LOG_FORMAT = 'access pid=%(p)s "%(r)s" %(s)s'


def start_gunicorn(project, env, port, log, *tls_files, workers=2):
    tls = ["--certfile", str(tls_files[0]), "--keyfile", str(tls_files[1])] if tls_files else []
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT, "--error-logfile", "-", *tls],
        cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    wait_for_port(port, process)
    return process


def observatory_grade(site, targets):
    """Grade targets ({name, url, cookie?}) with the Observatory package; returns its JSON results."""
    node = shutil.which("node")
    assert node, "node is required for the Observatory grading (bin/test installs it)"
    result = subprocess.run(
        [node, str(OBSERVATORY / "grade.mjs")], input=json.dumps(targets), capture_output=True, text=True,
        cwd=OBSERVATORY, env={**os.environ, "NODE_EXTRA_CA_CERTS": str(site.cert)}, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def serve(tmp_path):
    """Bake, prepare and serve a project; yields a LiveSite and stops everything afterwards."""
    project = bake(tmp_path / "bake")
    (project / "config" / "settings" / "live_test.py").write_text(LIVE_SETTINGS)
    (project / "config" / "live_test_urls.py").write_text(LIVE_URLS)
    cert, key, spki = make_certificate(tmp_path)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    processes = []
    log_path = tmp_path / "gunicorn.log"
    mux = None
    try:
        redis, redis_port = start_redis(tmp_path)
        processes.append(redis)
        env = {
            **os.environ,
            **read_env(project / ".env"),
            "DJANGO_SETTINGS_MODULE": "config.settings.live_test",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",  # localhost: a valid WebAuthn RP ID
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "LIVE_TEST_MAIL_DIR": str(mail_dir),
        }
        site_port, tls_port, second_host_port, plain_port = free_port(), free_port(), free_port(), free_port()
        site = LiveSite(
            project=project,
            base_url=f"https://127.0.0.1:{site_port}/",
            cert=cert,
            spki=spki,
            admin_url=env["DJANGO_ADMIN_URL"],
            user_email="admin@example.com",
            mail_dir=mail_dir,
            log=log_path,
            app_ports=[tls_port, second_host_port],
            env={**env, "DJANGO_SUPERUSER_EMAIL": "admin@example.com", "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
        )
        site.manage("migrate", "--no-input")
        site.manage("collectstatic", "--no-input")
        site.manage("createsuperuser", "--no-input")
        site.manage("shell", "-c", SAMPLE_DATA.format(slug=project.name, password=PASSWORD, secret=TOTP_SECRET))
        with log_path.open("ab") as log:
            processes.append(start_gunicorn(project, env, tls_port, log, cert, key))
            processes.append(start_gunicorn(project, env, second_host_port, log, cert, key))
            processes.append(start_gunicorn(project, env, plain_port, log, workers=1))
        mux = ProtocolMux(site_port, tls_port, plain_port)
        yield site
    finally:
        if mux:
            mux.close()
        for process in reversed(processes):
            stop(process)
