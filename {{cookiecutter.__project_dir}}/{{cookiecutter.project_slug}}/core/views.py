import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """For load balancers and uptime checks: one line per dependency, "ok" or "unavailable".

    503 when the database does not answer: no page can be served. 200 while only Redis is down: the
    site keeps serving, counting limits per process (throttling/cache.py), and taking every host out of
    the balancer would turn a degraded site into a down one; the `cache.unavailable` event is the alarm.
    No versions and no error text: the reason goes to the log."""
    status = {"database": database_answers(), "cache": cache_answers()}
    body = "".join(f"{name} {'ok' if up else 'unavailable'}\n" for name, up in status.items())
    return HttpResponse(body, status=200 if status["database"] else 503, content_type="text/plain; charset=utf-8")


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # whatever the driver raises, the answer is "not ready"
        logger.exception("health check: the database does not answer")
        return False
    return True


def cache_answers():
    # Production's cache answers from process memory while Redis is down: ask Redis itself.
    probe = getattr(cache, "shared_answers", None)
    try:
        if probe is not None:
            return probe()
        cache.set("healthz", "ok", 5)
        return cache.get("healthz") == "ok"
    except Exception:  # whatever the client raises, the answer is "not ready"
        logger.exception("health check: the cache does not answer")
        return False
