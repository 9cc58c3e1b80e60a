"""Sign-up and password-reset POSTs are answered no sooner than ACCOUNT_ANSWER_FLOOR seconds after they
arrived: a known address (a password hash, an account, a reset token) and an unknown one then take the
same time, and timing the answer says nothing about which accounts exist. A middleware near the top of
MIDDLEWARE, not a view decorator, so the floor also covers what happens after the view (the session
and message writes, which differ between the two paths)."""

import time

from django.conf import settings
from django.urls import reverse

FLOORED_VIEWS = ("account_signup", "account_reset_password")


class AnswerFloorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = None  # resolved on the first POST: the URLconf is not loaded yet at start-up

    def __call__(self, request):
        if request.method != "POST":
            return self.get_response(request)
        if self.paths is None:
            self.paths = {reverse(name) for name in FLOORED_VIEWS}
        if request.path_info not in self.paths:
            return self.get_response(request)
        started = time.monotonic()
        response = self.get_response(request)
        time.sleep(max(0.0, settings.ACCOUNT_ANSWER_FLOOR - (time.monotonic() - started)))
        return response
