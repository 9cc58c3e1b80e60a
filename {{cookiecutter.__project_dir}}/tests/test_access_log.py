"""deploy/gunicorn.conf.py's access lines: gunicorn's own logger and format, through the logging
configuration it ships (logconfig_dict), with one-time keys in paths masked."""

import datetime
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

CONF = runpy.run_path(str(Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"))
REQUEST_ID = "3f2a9c0e5b7d4e1f8a6b2c9d0e4f7a1b"


def exchange(raw_uri):
    """(response, request, environ) as a gunicorn worker hands them to the logger."""
    path, _, query = raw_uri.partition("?")
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": raw_uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7",
    }
    response = SimpleNamespace(status="302 Found", sent=0, headers=[("X-Request-ID", REQUEST_ID)])
    return response, SimpleNamespace(headers=[("HOST", "example.com")]), environ


def access_lines(capfd, *raw_uris, access_log_format=CONF["access_log_format"]):
    """The lines gunicorn's stock logger writes for these requests, configured as the shipped file is."""
    config = Config()
    for name in ("accesslog", "errorlog", "logconfig_dict"):
        config.set(name, CONF[name])
    config.set("access_log_format", access_log_format)
    logger = Logger(config)
    for raw_uri in raw_uris:
        logger.access(*exchange(raw_uri), datetime.timedelta(seconds=1, microseconds=234567))
    return capfd.readouterr().out.splitlines()


def test_the_shipped_line_carries_the_request_id_the_application_answered_with(capfd):
    assert "logger_class" not in CONF  # gunicorn's own logger
    [line] = access_lines(capfd, "/accounts/login/?next=%2Fdocuments%2F")
    request_line = '"POST /accounts/login/?next=%2Fdocuments%2F HTTP/1.1"'
    assert line == f"203.0.113.7 {request_line} 302 0 1234ms request_id={REQUEST_ID}"


@pytest.mark.parametrize(
    ("raw_uri", "logged"),
    [
        ("/accounts/password/reset/key/1-abc123-0123456789abcdef/", "/accounts/password/reset/key/[key]/"),
        ("/accounts/confirm-email/MQ:1vXyZ:abcdefg/?next=/", "/accounts/confirm-email/[key]/?next=/"),
        ("/documents/42/", "/documents/42/"),
    ],
)
def test_one_time_keys_in_paths_are_masked_in_the_request_line_and_the_path(capfd, raw_uri, logged):
    [line] = access_lines(capfd, raw_uri, access_log_format='"%(r)s" %(U)s')
    path = logged.partition("?")[0]
    assert line == f'"POST {logged} HTTP/1.1" {path}'
