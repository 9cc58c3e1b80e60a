"""gunicorn in production: `gunicorn -c deploy/gunicorn.conf.py config.wsgi` (see deploy/systemd/).

Every value can be overridden from the environment; the defaults suit one host behind deploy/nginx.
"""

import multiprocessing
import os

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
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}i)s'
errorlog = "-"
proc_name = "{{ cookiecutter.project_slug }}"
