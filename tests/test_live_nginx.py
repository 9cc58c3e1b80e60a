"""Tier 3: the shipped nginx configuration (deploy/nginx/site.conf), from Debian's nginx, with a
throwaway certificate, in front of gunicorn started from the shipped deploy/gunicorn.conf.py.

Only addresses, ports and certificate paths are changed for the test; every other line is the
shipped one.
"""

import http.client
import json
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time

import pytest
from live import PASSWORD, free_port, observatory_grade, security_events, stop, wait_for_port

pytestmark = pytest.mark.live

SECURITY_HEADERS = [
    "strict-transport-security",
    "content-security-policy",
    "reporting-endpoints",
    "permissions-policy",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
    "cross-origin-opener-policy",
    "cross-origin-resource-policy",
    "x-xss-protection",
    "x-request-id",
]
CLIENT = "127.0.0.5"  # the test's client address; nginx reaches gunicorn from 127.0.0.1, the trusted proxy

MAIN_CONF = """\
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
    include {tmp}/site.conf;
}}
"""


def localise(site_conf, ports, cert, key, domain):
    """The shipped server blocks on loopback ports, with the test's certificate."""
    replacements = {
        "listen 80 default_server;": f"listen 127.0.0.1:{ports['unknown_http']} default_server;",
        "listen 443 ssl default_server;": f"listen 127.0.0.1:{ports['unknown_https']} ssl default_server;",
        "listen 80;": f"listen 127.0.0.1:{ports['http']};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{ports['https']} ssl http2;",
        f"/etc/letsencrypt/live/{domain}/fullchain.pem": str(cert),
        f"/etc/letsencrypt/live/{domain}/privkey.pem": str(key),
        f"server_name {domain};": "server_name 127.0.0.1;",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{ports['app']};",
    }
    for shipped, local in replacements.items():
        assert shipped in site_conf, f"the shipped configuration no longer has {shipped!r}"
        site_conf = site_conf.replace(shipped, local)
    return "\n".join(line for line in site_conf.splitlines() if "listen [::]" not in line)


@pytest.fixture(scope="module")
def nginx(live_site, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nginx")
    project = live_site.project
    ports = {name: free_port() for name in ("app", "http", "https", "unknown_http", "unknown_https")}
    domain = json.loads((project / ".cookiecutter.json").read_text())["domain_name"]
    shipped = (project / "deploy" / "nginx" / "site.conf").read_text()
    (tmp / "site.conf").write_text(
        localise(shipped, ports, live_site.cert, live_site.cert.with_name("key.pem"), domain)
    )
    shutil.copy(project / "deploy" / "nginx" / "ffdhe2048.pem", tmp / "ffdhe2048.pem")
    (tmp / "nginx.conf").write_text(MAIN_CONF.format(tmp=tmp))
    nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
    check = subprocess.run(
        [nginx_bin, "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")], capture_output=True, text=True
    )
    env = {
        **live_site.env,
        "DJANGO_SETTINGS_MODULE": "config.settings.live_test",
        "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
        "GUNICORN_BIND": f"127.0.0.1:{ports['app']}",
        "GUNICORN_WORKERS": "2",
    }
    with (tmp / "gunicorn.log").open("wb") as log:
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
            cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = None
    try:
        wait_for_port(ports["app"], gunicorn)
        server = subprocess.Popen([nginx_bin, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"])
        wait_for_port(ports["https"], server)
        yield {"ports": ports, "check": check, "tmp": tmp, "site": live_site}
    finally:
        if server:
            stop(server)
        stop(gunicorn)


def https_request(nginx, method, path, body=None, headers=None):
    site = nginx["site"]
    connection = http.client.HTTPSConnection(
        "127.0.0.1", nginx["ports"]["https"], context=site.ssl_context(), timeout=15, source_address=(CLIENT, 0)
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def test_nginx_accepts_the_configuration(nginx):
    assert nginx["check"].returncode == 0, nginx["check"].stderr
    assert "syntax is ok" in nginx["check"].stderr


def test_plain_http_is_redirected_to_https(nginx):
    connection = http.client.HTTPConnection("127.0.0.1", nginx["ports"]["http"], timeout=10)
    connection.request("GET", "/accounts/login/?next=/documents/")
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == "https://127.0.0.1/accounts/login/?next=/documents/"


def test_unknown_host_names_get_nothing(nginx):
    # Port 80 closes the connection without an answer; port 443 refuses the TLS handshake.
    connection = http.client.HTTPConnection("127.0.0.1", nginx["ports"]["unknown_http"], timeout=10)
    connection.request("GET", "/", headers={"Host": "attacker.example"})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        connection.getresponse()
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    with (
        socket.create_connection(("127.0.0.1", nginx["ports"]["unknown_https"]), timeout=10) as raw,
        pytest.raises(ssl.SSLError),
    ):
        context.wrap_socket(raw, server_hostname="attacker.example")


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/no-such-page/", "/healthz"])
def test_every_security_header_exactly_once(nginx, path):
    status, headers, _ = https_request(nginx, "GET", path)
    assert status in (200, 404)
    counts = {name: [key.lower() for key, _ in headers].count(name) for name in SECURITY_HEADERS}
    assert counts == dict.fromkeys(SECURITY_HEADERS, 1)
    assert dict(headers)["Server"] == "nginx"  # no version


def test_client_address_and_request_id_cross_the_proxy(nginx):
    status, headers, _ = https_request(
        nginx,
        "POST",
        "/accounts/login/",
        body="login=nobody%40example.com&password=x",
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": "6.6.6.6"},
    )
    assert status == 403  # no CSRF token: refused, and recorded
    request_id = dict(headers)["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)  # nginx's $request_id, kept by Django
    [event] = [e for e in security_events(nginx["tmp"] / "gunicorn.log") if e["request_id"] == request_id]
    assert event["event"] == "request.csrf_failure"
    assert event["client_ip"] == CLIENT  # the address nginx saw, not the forged header
    # gunicorn's access line carries the same id (AccessLogger writes it once the response is sent).
    access_line = logged_line(nginx["tmp"] / "gunicorn.log", f"request_id={request_id}")
    assert '"POST /accounts/login/ HTTP/1.' in access_line
    assert " 403 " in access_line


def logged_line(log, text, timeout=5):
    """The first line of `log` containing `text`, waiting up to `timeout` seconds for it."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [line for line in log.read_text(errors="replace").splitlines() if text in line]
        if lines or time.monotonic() > deadline:
            assert lines, f"no line with {text!r} in {log.name} after {timeout} s"
            return lines[0]
        time.sleep(0.05)


def test_login_rate_limit_zone_answers_429_with_retry_after(nginx):
    answers = [
        https_request(nginx, "POST", "/accounts/login/", body="", headers={"Content-Length": "0"}) for _ in range(20)
    ]
    limited = [(status, dict(headers)) for status, headers, _ in answers if status == 429]
    assert limited, [status for status, _, _ in answers]
    assert all(headers["Retry-After"] == "60" for _, headers in limited)


def test_health_check(nginx):
    status, _, body = https_request(nginx, "GET", "/healthz")
    assert (status, body) == (200, b"ok\n")


def test_observatory_grade_through_nginx(nginx):
    site = nginx["site"]
    port = nginx["ports"]["https"]
    cookie = site.login_cookie(site.user_email, PASSWORD)
    targets = [
        {"name": "home", "url": f"https://127.0.0.1:{port}/"},
        {"name": "login", "url": f"https://127.0.0.1:{port}/accounts/login/"},
        {"name": "documents, signed in", "url": f"https://127.0.0.1:{port}/documents/", "cookie": cookie},
    ]
    results = observatory_grade(site, targets)
    summary = {
        r["name"]: (r["grade"], r["score"], sorted(t for t, o in r["tests"].items() if o["scoreModifier"] < 0))
        for r in results
    }
    print(json.dumps(results, indent=1))
    assert summary == {
        "home": ("A+", 130, []),
        "login": ("A+", 135, []),
        "documents, signed in": ("A+", 135, []),
    }
    assert {r["tests"]["redirection"]["result"] for r in results} == {"redirection-to-https"}


def test_trace_is_refused_before_the_application(nginx):
    # TRACE echoes the request (cookies included) back: cross-site tracing. nginx refuses it itself.
    status, _, body = https_request(nginx, "TRACE", "/accounts/login/")
    assert status == 405
    assert b"csrfmiddlewaretoken" not in body
