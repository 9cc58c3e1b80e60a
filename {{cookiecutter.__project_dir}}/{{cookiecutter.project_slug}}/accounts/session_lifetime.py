"""Session lifetime, enforced on the server from two timestamps kept in the session: a session idle for
SESSION_IDLE_TIMEOUT ends, and so does any session SESSION_ABSOLUTE_LIFETIME after its sign-in, however
active. The cookie's own expiry cannot do either: it restarts with every write to the session."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from ..audit.events import Event, Outcome, record

STARTED, SEEN = "session_started_at", "session_seen_at"
SEEN_RESOLUTION = 60  # seconds: the last-seen time is written at most once a minute, not on every request


@receiver(user_logged_in)
def stamp_sign_in(sender, request, user, **kwargs):
    now = time.time()
    request.session[STARTED] = request.session[SEEN] = now


class SessionLifetimeMiddleware:
    """After AuthenticationMiddleware: an expired session is signed out before any view sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            enforce(request)
        return self.get_response(request)


def enforce(request):
    session, now = request.session, time.time()
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is None or seen is None:  # signed in without the login signal (e.g. a test's force_login)
        session[STARTED] = session[SEEN] = now
        return
    if now - seen > settings.SESSION_IDLE_TIMEOUT:
        reason = "idle"
    elif now - started > settings.SESSION_ABSOLUTE_LIFETIME:
        reason = "lifetime"
    else:
        if now - seen >= SEEN_RESOLUTION:
            session[SEEN] = now
        return
    user = request.user
    logout(request)  # flushes the session: this request and the old cookie are anonymous from here on
    record(Event.SESSION_EXPIRED, Outcome.SUCCESS, request, user=user, reason=reason)
