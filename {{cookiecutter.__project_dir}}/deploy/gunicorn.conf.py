"""gunicorn in production: `gunicorn -c deploy/gunicorn.conf.py config.wsgi` (see deploy/systemd/).

Every value can be overridden from the environment; the defaults suit one host behind deploy/nginx.
"""

import multiprocessing
import os
import re
from types import SimpleNamespace

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # loopback only: nginx is the way in
# Two workers per core, plus one. Each password check holds 64 MiB (accounts/hashers.py): keep
# workers x 64 MiB well inside the memory left after the rest of the host.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))  # a stuck request is killed, not waited on forever
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then: a slow leak cannot grow without bound
max_requests_jitter = 200
# Header and request-line limits: oversized requests are refused before Django parses them.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# X-Forwarded-Proto (and thus HTTPS) is believed only from the proxies the application trusts.
forwarded_allow_ips = os.environ.get("DJANGO_TRUSTED_PROXIES", "") or "127.0.0.1,::1"
accesslog = "-"  # written by AccessLogger, below
# The id the application answered with (the proxy's when well-formed), as in the security events.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'
errorlog = "-"
proc_name = "{{ cookiecutter.project_slug }}"


# One-time keys travel in these paths (a password-reset link, an address confirmation): a line keeps
# the route, never the key, so whoever reads the log cannot use a link before its owner does.
KEY_IN_PATH = re.compile(r"(/password/reset/key/|/confirm-email/)[^/?\s]+")


class Environ:
    """A WSGI environ as gunicorn's Logger.atoms() reads it: any key by name, and among its entries
    only those the access log format names."""

    __slots__ = ("environ", "names")

    def __init__(self, environ, names):
        self.environ, self.names = environ, names

    def get(self, key, default=None):
        return self.environ.get(key, default)

    def __getitem__(self, key):
        return self.environ[key]

    def items(self):
        return named(self.environ, self.names)


def named(headers, names):
    """The (name, value) pairs of headers or environ whose lower-cased name is in `names`."""
    if not names:
        return ()
    if hasattr(headers, "items"):
        headers = headers.items()
    return [(name, value) for name, value in headers if name.lower() in names]


class AccessLogger(Logger):
    """gunicorn's logger, building each access line from only the fields access_log_format names.

    The stock logger copies and escapes every request header, response header and environ entry,
    some 60 values, on every request, for a line that uses six: about 11 us per request, as much
    again as the rest of the logging. The lines are the stock logger's, byte for byte
    (tests/test_access_log.py), but for the one-time keys it masks (KEY_IN_PATH).
    """

    def setup(self, cfg):
        super().setup(cfg)
        # gunicorn looks {name}i/o/e fields up lower-cased, and the one-letter ones as written.
        fields = re.findall(r"%\(([^)]*)\)", cfg.access_log_format)
        self.fields = {field.lower() if field.startswith("{") else field for field in fields}
        self.fields_from = {
            source: {field[1:-2] for field in self.fields if field.startswith("{") and field.endswith("}" + source)}
            for source in "ioe"  # request headers, response headers, environ
        }

    def atoms(self, resp, req, environ, request_time):
        fields_from = self.fields_from
        response = SimpleNamespace(  # what atoms() reads of a response
            status=resp.status, sent=getattr(resp, "sent", None), headers=named(resp.headers, fields_from["o"])
        )
        request_headers = named(getattr(req, "headers", req), fields_from["i"])
        atoms = super().atoms(response, request_headers, Environ(environ, fields_from["e"]), request_time)
        atoms = {field: value for field, value in atoms.items() if field in self.fields}
        for field in ("r", "U"):
            if field in atoms:
                atoms[field] = KEY_IN_PATH.sub(r"\1[key]", atoms[field])
        return atoms


logger_class = AccessLogger
