"""The rate limits as configured, and waiting for a fresh rate-limit window."""

import time

from config.settings import security


def allowed(action, per):
    """The number of requests ACCOUNT_RATE_LIMITS lets through for an action, per "ip" or "key"."""
    rates = [rate.strip() for rate in security.ACCOUNT_RATE_LIMITS[action].split(",")]
    (rate,) = [rate for rate in rates if rate.endswith(f"/{per}")]
    return int(rate.split("/")[0])


def fresh_rate_window(*values, seconds_needed=5, period=60):
    """django-ratelimit counts in fixed windows, one per key value, ending at a time derived from the
    value. A burst that crossed a window's end would be split between two counts and prove nothing,
    so tests that count up to a limit first wait, if needed, until every window has time left."""
    from django_ratelimit.core import _get_window

    for _ in range(len(values) + 1):
        remaining = min(_get_window(str(value), period) - time.time() for value in values)
        if remaining >= seconds_needed:
            return
        time.sleep(max(remaining, 0) + 1.1)
