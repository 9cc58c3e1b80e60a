"""LiveSite: where the served project is, and clients that use it as a browser or an operator does."""

import http.cookiejar
import re
import ssl
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from live.accounts import TOTP_SECRET
from live.logs import security_events


@dataclass
class LiveSite:
    project: Path
    base_url: str  # the first TLS gunicorn
    cert: Path
    spki: str
    admin_url: str
    user_email: str
    mail_dir: Path
    log: Path
    app_ports: list  # TLS gunicorns: two "hosts" sharing the database and Redis
    env: dict = field(repr=False)

    def url(self, path):
        return self.base_url + path.lstrip("/")

    def manage(self, *args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=self.project, env=self.env, capture_output=True, text=True,
            timeout=120, check=True,
        )  # fmt: skip

    def log_text(self):
        return self.log.read_text(errors="replace")

    def security_events(self):
        return security_events(self.log)

    def ssl_context(self):
        return ssl.create_default_context(cafile=str(self.cert))

    def totp_code(self):
        """A code from the superuser's app. The site accepts a code once, and only during its own
        30-second step, so each login waits for a step not used yet with 10 seconds left to submit."""
        import pyotp

        while (step := int(time.time()) // 30) <= getattr(self, "_last_step", -1) or time.time() % 30 > 20:
            time.sleep(1)
        self._last_step = step
        return pyotp.TOTP(TOTP_SECRET).at(step * 30)

    def form_client(self):
        """A cookie jar and a submit(path, fields) that GETs a form and POSTs it back as a browser does
        (CSRF token from the page, Origin header)."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=self.ssl_context()), urllib.request.HTTPCookieProcessor(jar)
        )

        def submit(path, fields):
            page = opener.open(self.url(path), timeout=10).read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            form = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token})
            origin = {"Origin": self.base_url.rstrip("/")}
            return opener.open(urllib.request.Request(self.url(path), data=form.encode(), headers=origin), timeout=10)

        return jar, submit

    @staticmethod
    def cookie_header(jar):
        cookies = {cookie.name: cookie.value for cookie in jar}
        assert "__Host-sessionid" in cookies, "no session: the form was refused"
        return "; ".join(f"{name}={value}" for name, value in cookies.items())

    def login_cookie(self, email, password, second_factor=True, reauthenticate=False):
        """Log in through the real forms (then the code step unless told not to, and the password again
        if told to) and return the Cookie header value."""
        jar, submit = self.form_client()
        submit("/accounts/login/", {"login": email, "password": password}).read()
        if second_factor:
            landed = submit("/accounts/2fa/authenticate/", {"code": self.totp_code()})
            assert landed.geturl() == self.url(""), "the code step failed"
        if reauthenticate:
            submit("/accounts/reauthenticate/", {"password": password}).read()
        return self.cookie_header(jar)

    def signup_cookie(self, email, password):
        """Sign up through the real form; the Cookie header of the session now waiting for the code."""
        jar, submit = self.form_client()
        landed = submit("/accounts/signup/", {"email": email, "password1": password, "password2": password})
        assert landed.geturl() == self.url("accounts/confirm-email/"), "sign-up refused"
        return self.cookie_header(jar)
