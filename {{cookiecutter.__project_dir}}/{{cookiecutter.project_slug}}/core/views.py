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
    """For load balancers and uptime checks: 200 when the database and the cache answer, else 503.
    The body says nothing more (no versions, no error text); the reason goes to the log."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        cache.set("healthz", "ok", 5)
        healthy = cache.get("healthz") == "ok"
    except Exception:
        # Any failure of either backend, whatever its exception type, means "not ready".
        logger.exception("health check failed")
        healthy = False
    body, status = ("ok\n", 200) if healthy else ("unavailable\n", 503)
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
