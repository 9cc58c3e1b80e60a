"""deploy/gunicorn.conf.py's AccessLogger writes the lines gunicorn's own logger would, byte for byte."""

import base64
import datetime
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

CONF = runpy.run_path(str(Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"))
GUNICORN_DEFAULT = Config().access_log_format
EVERY_FIELD = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(m)s %(U)s %(q)s %(H)s %(b)s %(B)s "%(f)s" "%(a)s" %(T)s %(D)s '
    "%(M)s %(L)s %(p)s %({X-Request-ID}o)s %({content-type}o)s %({user-agent}i)s %({REMOTE_PORT}e)s "
    "%({wsgi.url_scheme}e)s %({no-such-header}i)s %({no-such-header}o)s %(no-such-field)s"
)
REQUEST_ID = "3f2a9c0e5b7d4e1f8a6b2c9d0e4f7a1b"


def exchange(authorization=None):
    """(response, request, environ) as a gunicorn worker hands them to the logger."""
    headers = [("HOST", "example.com"), ("USER-AGENT", 'Browser "quoted" 1.0'), ("X-FORWARDED-PROTO", "https")]
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/accounts/login/?next=%2Fdocuments%2F",
        "PATH_INFO": "/accounts/login/",
        "QUERY_STRING": "next=%2Fdocuments%2F",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7",
        "REMOTE_PORT": "51234",
        "HTTP_USER_AGENT": 'Browser "quoted" 1.0',
        "HTTP_REFERER": "https://example.com/",
        "wsgi.url_scheme": "https",
    }
    if authorization:
        environ["HTTP_AUTHORIZATION"] = authorization
    response = SimpleNamespace(
        status="302 Found",
        sent=0,
        headers=[
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Security-Policy", "default-src 'none'; script-src 'self' 'nonce-abc'"),
            ("Location", "/accounts/two-factor/"),
            ("X-Request-ID", REQUEST_ID),
        ],
    )
    return response, SimpleNamespace(headers=headers), environ


def logged_lines(logger_class, access_log_format, log_file):
    config = Config()
    config.set("accesslog", str(log_file))
    config.set("access_log_format", access_log_format)
    logger = logger_class(config)
    took = datetime.timedelta(seconds=1, microseconds=234567)
    for authorization in (None, "Basic " + base64.b64encode(b"alice:secret").decode()):
        logger.access(*exchange(authorization), took)
    for handler in logger.access_log.handlers:
        handler.close()
    return log_file.read_text().splitlines()


@pytest.mark.parametrize(
    "access_log_format",
    [CONF["access_log_format"], GUNICORN_DEFAULT, EVERY_FIELD],
    ids=["shipped", "gunicorn-default", "every-field"],
)
def test_access_lines_are_gunicorns_own(access_log_format, tmp_path, monkeypatch):
    monkeypatch.setattr(Logger, "now", lambda self: "[28/Nov/2026:10:00:00 +0000]")  # one clock for both
    stock = logged_lines(Logger, access_log_format, tmp_path / "stock.log")
    ours = logged_lines(CONF["AccessLogger"], access_log_format, tmp_path / "ours.log")
    assert len(stock) == 2
    assert ours == stock


def test_the_shipped_line_carries_the_request_id_the_application_answered_with(tmp_path):
    assert CONF["logger_class"] is CONF["AccessLogger"]
    first, _ = logged_lines(CONF["AccessLogger"], CONF["access_log_format"], tmp_path / "access.log")
    request_line = '"POST /accounts/login/?next=%2Fdocuments%2F HTTP/1.1"'
    assert first == f"203.0.113.7 {request_line} 302 0 1234ms request_id={REQUEST_ID}"
