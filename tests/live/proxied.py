"""Requests as nginx passes them on (plain HTTP from 127.0.0.1, a trusted proxy, X-Forwarded-Proto https),
to a gunicorn of the live project started without TLS: the fault tests' servers, reached without nginx."""

import contextlib
import http.client
import re

from live.processes import free_port, start_gunicorn, stop


def proxied(port):
    """Headers of a request as nginx passes it on (plain HTTP from the trusted proxy, scheme https)."""
    return {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{port}", "Origin": f"https://127.0.0.1:{port}"}


def cookies_of(response):
    return dict(re.match(r"([^=]+)=([^;]*)", value).groups() for value in response.headers.get_all("Set-Cookie") or [])


def login_form(port):
    """The CSRF cookie and token of the login form, reusable for many posts."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/accounts/login/", headers=proxied(port))
    response = connection.getresponse()
    page = response.read().decode()
    connection.close()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, f"no login form: {response.status} {page[:300]}"
    return cookies_of(response), found.group(1)


def sign_in(port, email, password):
    cookies, token = login_form(port)
    body = f"login={email}&password={password}&csrfmiddlewaretoken={token}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {**proxied(port), "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(cookies)}
    connection.request("POST", "/accounts/login/", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 302, response.status
    return {**cookies, **cookies_of(response)}


def cookie_header(cookies):
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


@contextlib.contextmanager
def proxied_gunicorn(project, env, directory):
    """A gunicorn (2 workers) of a baked project, reached as from nginx: plain HTTP from 127.0.0.1, a
    trusted proxy, so each request may name its client address (X-Forwarded-For). Yields (port, log)."""
    port, log = free_port(), directory / "gunicorn.log"
    with log.open("ab") as out:
        server = start_gunicorn(project, {**env, "DJANGO_TRUSTED_PROXIES": "127.0.0.1"}, port, out, workers=2)
    try:
        yield port, log
    finally:
        stop(server)
