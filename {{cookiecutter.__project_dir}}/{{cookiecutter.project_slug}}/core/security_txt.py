"""/.well-known/security.txt (RFC 9116): where and how to report a vulnerability in this site.

The fields come from SECURITY_TXT (settings/base.py, from the answers when the project was generated).
Expires was set a year ahead then: a deploy check warns in the last 30 days and fails after it, so
the file is reviewed, and its date moved, at least once a year.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import checks
from django.http import HttpResponse
from django.views.decorators.http import require_GET

WARN_BEFORE = timedelta(days=30)


@require_GET
def security_txt(request):
    body = "".join(f"{field}: {value}\n" for field, value in settings.SECURITY_TXT.items())
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def expires():
    return datetime.strptime(settings.SECURITY_TXT["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@checks.register(checks.Tags.security, deploy=True)
def security_txt_is_current(app_configs=None, **kwargs):
    left = expires() - datetime.now(UTC)
    hint = 'Review SECURITY_TXT in config/settings/base.py and move "Expires" up to a year ahead.'
    if left <= timedelta(0):
        return [checks.Error(f"security.txt expired on {settings.SECURITY_TXT['Expires']}.", hint=hint, id="core.E001")]
    if left < WARN_BEFORE:
        return [checks.Warning(f"security.txt expires in {left.days} days.", hint=hint, id="core.W001")]
    return []
