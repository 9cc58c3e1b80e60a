"""gunicorn in production: `gunicorn -c deploy/gunicorn.conf.py config.wsgi` (see deploy/systemd/).

Every value can be overridden from the environment; the defaults suit one host behind deploy/nginx.
"""

import ipaddress
import logging
import multiprocessing
import os
import re
import sys

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # loopback only: nginx is the way in
# The application is loaded once, by the master, before the workers are forked: a refused
# environment stops the boot with one line (config/wsgi.py), not one traceback per worker. A reload
# (HUP, `systemctl reload`) re-reads this file and replaces the workers but keeps the loaded code and
# settings: after changing either, restart.
preload_app = True
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
accesslog = "-"  # stdout (logconfig_dict, below)
# The id the application answered with (the proxy's when well-formed), as in the security events.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'
errorlog = "-"
proc_name = "{{ cookiecutter.project_slug }}"


# One-time keys travel in these paths (a password-reset link, an address confirmation): a line keeps
# the route, never the key, so whoever reads the log cannot use a link before its owner does.
KEY_IN_PATH = re.compile(r"(/password/reset/key/|/confirm-email/)[^/?\s]+")


class MaskKeys(logging.Filter):
    """On gunicorn's access logger: the request line and path of each line, keys masked. gunicorn logs
    every access line with its fields as the record's arguments (a dict)."""

    def filter(self, record):
        if isinstance(record.args, dict):
            for field in ("r", "U"):
                if isinstance(record.args.get(field), str):
                    record.args[field] = KEY_IN_PATH.sub(r"\1[key]", record.args[field])
        return True


# gunicorn's own loggers and handlers (stdout for access lines, stderr for the rest), with the filter.
logconfig_dict = {
    "root": {"level": "INFO", "handlers": ["errors"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["errors"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "filters": ["mask_keys"], "propagate": False},
    },
    "filters": {"mask_keys": {"()": MaskKeys}},
    "handlers": {
        "errors": {"class": "logging.StreamHandler", "formatter": "generic", "stream": "ext://sys.stderr"},
        "access": {"class": "logging.StreamHandler", "formatter": "line", "stream": "ext://sys.stdout"},
    },
    "formatters": {
        "generic": {
            "format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s",
            "datefmt": "[%Y-%m-%d %H:%M:%S %z]",
        },
        "line": {"format": "%(message)s"},
    },
}

# A container listens on its own interface, which only the proxy's network reaches (Dockerfile).
IN_CONTAINER = "GUNICORN_BIND_IN_CONTAINER"


def on_this_machine(address):
    """A Unix socket, or a loopback address (gunicorn's parsed form: a path, an fd, or (host, port))."""
    if isinstance(address, str):
        return True
    if not isinstance(address, tuple):
        return False  # an inherited file descriptor: where it listens is not known
    try:
        return address[0] == "localhost" or ipaddress.ip_address(address[0]).is_loopback
    except ValueError:
        return False


def on_starting(server):
    """Refuse to listen where anything but nginx could connect: a few idle connections starve the
    sync workers, and gunicorn's own error pages carry no security headers (docs/connections.md)."""
    exposed = [address for address in server.cfg.address if not on_this_machine(address)]
    if exposed and os.environ.get(IN_CONTAINER) != "yes":
        sys.exit(
            f"GUNICORN_BIND must be a loopback address or unix:PATH, not {', '.join(server.cfg.bind)}: only nginx"
            f" may reach gunicorn ({IN_CONTAINER}=yes where only the proxy's network can, as in a container)."
        )
