"""The shared cache: Redis, or this process's memory while Redis does not answer.

Rate limits (allauth's, the API's, django-ratelimit's) and allauth's used-code markers live in the
cache. When Redis is stopped or hung, django-redis raises, and every login, limited endpoint and
two-factor step would answer 500; its IGNORE_EXCEPTIONS switch instead answers "nothing stored",
on which allauth's limit lock refuses every login and the API's counters fail. Here a call Redis
does not answer within its socket timeouts goes to a process-local cache, and Redis is asked again
only after OPTIONS["RETRY_AFTER"] seconds: a hung Redis costs one timeout per worker per interval,
not one per call. Limits keep counting meanwhile, per worker process (docs/outages.md), and the
switch both ways is a security event.
"""

import time

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from ..audit.events import Event, Outcome, record

UNANSWERED = (RedisConnectionError, RedisTimeoutError)  # not a refused command: those are bugs to see


class RedisOrLocalCache(BaseCache):
    def __init__(self, server, params):
        super().__init__(params)
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = options.pop("RETRY_AFTER", 1)
        self.shared = RedisCache(server, {**params, "OPTIONS": options})
        self.local = LocMemCache(f"redis-unavailable:{server}", {**params, "OPTIONS": {"MAX_ENTRIES": 10_000}})
        self.next_try = 0.0  # monotonic time before which Redis is not asked
        self.degraded = False

    def call(self, method, *args, **kwargs):
        if time.monotonic() >= self.next_try:
            try:
                result = getattr(self.shared, method)(*args, **kwargs)
            except UNANSWERED as error:
                self.next_try = time.monotonic() + self.retry_after
                if not self.degraded:
                    self.degraded = True
                    record(Event.CACHE_UNAVAILABLE, Outcome.FAILURE, error=type(error).__name__)
            else:
                if self.degraded:
                    self.degraded = False
                    record(Event.CACHE_RECOVERED, Outcome.SUCCESS)
                return result
        return getattr(self.local, method)(*args, **kwargs)

    def shared_answers(self):
        """Whether Redis itself answers now (for /healthz), whatever this process is using; raises
        what the client raises when it does not."""
        self.shared.set("healthz", "ok", 5)
        return self.shared.get("healthz") == "ok"

    def add(self, *args, **kwargs):
        return self.call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self.call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self.call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self.call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self.call("delete", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self.call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self.call("incr", *args, **kwargs)  # atomic in Redis: concurrent requests all count

    def decr(self, *args, **kwargs):
        return self.call("decr", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self.call("get_many", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self.call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self.call("delete_many", *args, **kwargs)

    def clear(self):
        self.local.clear()
        return self.call("clear")

    def close(self, **kwargs):
        self.shared.close(**kwargs)
