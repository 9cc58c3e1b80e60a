"""Tier 3: Debian's Chromium, driven by Playwright, uses every shipped page under the production CSP.

Collects `securitypolicyviolation` events and console CSP errors while it browses logged out and
logged in, submitting the forms. Goal: zero violations. A test-only page breaks the policy on purpose
to prove that violations are seen here and that the browser's reports reach the project's endpoint.
"""

import email
import json
import re
import time

import pyotp
import pytest
from live import PASSWORD

pytestmark = pytest.mark.live

CHROMIUM = "/usr/bin/chromium"
# Without the networking flags Chromium floods the closed network with connections.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--short-reporting-delay",  # deliver Reporting API (report-to) reports at once instead of batching
]
RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
});
"""
NEW_PASSWORD = PASSWORD[::-1] + "-renewed"


@pytest.fixture(scope="module")
def browser(live_site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[*CHROMIUM_FLAGS, f"--ignore-certificate-errors-spki-list={live_site.spki}"],
        )
        yield browser
        browser.close()


class Recorder:
    """A browser context that records every CSP violation and CSP console error, with the page URL."""

    def __init__(self, browser):
        self.violations = []
        self.context = browser.new_context()
        self.context.expose_binding(
            "__cspViolation", lambda source, event: self.violations.append({"page": source["page"].url, **event})
        )
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.visited = []

    def _console(self, message):
        text = message.text
        if message.type in ("error", "warning") and ("Content Security Policy" in text or "Permissions" in text):
            self.violations.append({"page": self.page.url, "console": text})

    def goto(self, url, status=200):
        response = self.page.goto(url)
        self.visited.append((url, response.status))
        assert response.status == status, (url, response.status)
        return response

    def submit(self, fields, button="main button[type=submit]", status=200):
        for selector, value in fields.items():
            self.page.fill(selector, value)
        with self.page.expect_navigation() as navigation:
            self.page.click(button)
        response = navigation.value
        self.visited.append((self.page.url, response.status))
        assert response.status == status, (self.page.url, response.status)
        return response

    def close(self):
        self.context.close()


def reset_link(live_site):
    """The password-reset link from the newest mail the site wrote (file-based backend in live_test.py)."""
    newest = max(live_site.mail_dir.iterdir(), key=lambda path: path.stat().st_mtime)
    body = email.message_from_string(newest.read_text()).get_payload(decode=True).decode()
    return re.search(r"https://\S+/accounts/password/reset/\S+/", body).group(0)


def test_every_page_and_form_runs_with_zero_csp_violations(browser, live_site):
    site, admin = live_site.url, live_site.url(live_site.admin_url)
    browser_session = Recorder(browser)
    visit, submit, page = browser_session.goto, browser_session.submit, browser_session.page
    try:
        # Logged out.
        visit(site(""))
        assert page.text_content("[data-js-status]") == "Scripts are on."  # the nonce'd script ran
        visit(site("accounts/login/"))
        submit({"#id_username": live_site.user_email, "#id_password": "wrong password"})
        assert "Please enter a correct" in page.content()
        visit(site("no-such-page/"), status=404)
        visit(site("__test__/403/"), status=403)
        visit(site("__test__/429/"), status=429)
        visit(site("__test__/500/"), status=500)
        visit(admin + "login/")

        # Password reset, every step, with the link from the real mail.
        visit(site("accounts/password/reset/"))
        submit({"#id_email": live_site.user_email})
        assert page.url == site("accounts/password/reset/sent/")
        visit(reset_link(live_site))
        submit({"#id_new_password1": NEW_PASSWORD, "#id_new_password2": NEW_PASSWORD})
        assert page.url == site("accounts/password/reset/complete/")
        visit(site("accounts/password/reset/MQ/not-a-token/"))

        # Logged in: password, then the code from the authenticator app.
        visit(site("accounts/login/"))
        submit({"#id_username": live_site.user_email, "#id_password": NEW_PASSWORD})
        assert page.url.startswith(site("accounts/two-factor/verify/"))
        submit({"#id_code": "000000"})
        assert "not valid" in page.content()
        time.sleep(1.1)  # the device's back-off after one wrong code
        submit({"#id_code": live_site.totp_code()})
        assert page.url == site("")
        assert page.text_content("[data-js-status]") == "Scripts are on."
        visit(site("accounts/password/change/"))
        submit({"#id_old_password": NEW_PASSWORD, "#id_new_password1": PASSWORD, "#id_new_password2": PASSWORD})
        assert page.url == site("accounts/password/change/done/")

        # The example app: list, create, read, edit, delete.
        visit(site("documents/"))
        visit(site("documents/new/"))
        submit({"#id_title": "Minutes", "#id_body": "<b>not bold</b>"})
        assert page.text_content("h1") == "Minutes"
        document_url = page.url
        visit(document_url + "edit/")
        submit({"#id_title": "Minutes, v2"})
        visit(document_url + "delete/")
        submit({})
        assert page.url == site("documents/")

        # The admin, whose JavaScript widgets must work under the policy.
        visit(admin)
        visit(admin + "accounts/user/")
        page.fill("#searchbar", "admin")
        with page.expect_navigation():
            page.press("#searchbar", "Enter")
        visit(admin + "accounts/user/1/change/")
        page.fill("#id_user_permissions_input", "user")  # SelectFilter's live filter (admin JS)
        visit(admin + "accounts/user/add/")
        visit(admin + "auth/group/add/")
        submit({"#id_name": "Reviewers"}, button="input[name=_save]")
        assert "was added successfully" in page.content()
        visit(admin + "password_change/")

        visit(site("accounts/two-factor/devices/"))

        # Logout through the header's POST form.
        visit(site(""))
        submit({}, button="form[action='/accounts/logout/'] button")
        assert "Logged out" in page.content()

        # A staff member's first sign-in: enrolment with the QR page, recovery codes, device management.
        visit(site("accounts/login/"))
        submit({"#id_username": "newstaff@example.com", "#id_password": PASSWORD})
        assert page.url.startswith(site("accounts/two-factor/enrol/"))
        assert page.locator(".qr svg").count() == 1
        app = pyotp.TOTP(page.text_content("[data-secret]").replace(" ", ""))
        submit({"#id_code": app.now()})
        assert page.locator("[data-recovery-code]").count() == 10
        visit(site("accounts/two-factor/devices/"))
        submit({"#id_code": app.at(time.time() + 30)}, button="form[action$='recovery-codes/'] button")
        assert page.locator("[data-recovery-code]").count() == 10
        visit(site("accounts/two-factor/devices/"))
        submit({"#id_password": PASSWORD}, button="form[action$='/remove/'] button")
        assert page.url.startswith(site("accounts/two-factor/enrol/"))  # staff: back to setup

        # Logout, then a form whose CSRF cookie has gone.
        visit(site(""))
        submit({}, button="form[action='/accounts/logout/'] button")
        assert "Logged out" in page.content()
        visit(site("accounts/login/"))
        browser_session.context.clear_cookies()
        submit({"#id_username": live_site.user_email, "#id_password": PASSWORD}, status=403)
        assert "CSRF" in page.content()
    finally:
        print(json.dumps({"visited": browser_session.visited, "violations": browser_session.violations}, indent=1))
        browser_session.close()
    assert browser_session.violations == []


def test_a_violation_is_seen_by_the_browser_and_reported_to_the_project(browser, live_site):
    browser_session = Recorder(browser)
    try:
        browser_session.goto(live_site.url("__test__/violation/"))
        assert browser_session.page.title() == "violation"  # the inline script did not run
        seen = {event.get("directive") for event in browser_session.violations}
        assert {"script-src-elem", "style-src-attr"} <= seen
        deadline = time.monotonic() + 20
        reported = set()
        while time.monotonic() < deadline and not {"script-src-elem", "style-src-attr"} <= reported:
            time.sleep(0.2)
            for event in live_site.security_events():
                if event["event"] == "csp.violation" and "__test__/violation/" in event["details"]["document"]:
                    reported.add(event["details"]["directive"])
        assert {"script-src-elem", "style-src-attr"} <= reported, live_site.log_text()[-3000:]
    finally:
        browser_session.close()
