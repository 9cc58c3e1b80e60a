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
from live.accounts import PASSWORD

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
        # A script stopped by the policy (a Trusted Types refusal throws) is a broken page too.
        self.page.on("pageerror", lambda error: self.violations.append({"page": self.page.url, "error": str(error)}))
        self.visited = []
        self.brands = {}  # url: the name the page's header shows for the site

    def _console(self, message):
        text = message.text
        if message.type in ("error", "warning") and any(
            word in text for word in ("Content Security Policy", "Permissions", "Trusted")
        ):
            self.violations.append({"page": self.page.url, "console": text})

    def goto(self, url, status=200):
        response = self.page.goto(url)
        self.visited.append((url, response.status))
        self.read_brand()
        assert response.status == status, (url, response.status)
        return response

    def submit(self, fields, button="main button[type=submit]", status=200):
        for selector, value in fields.items():
            self.page.fill(selector, value)
        with self.page.expect_navigation() as navigation:
            self.page.click(button)
        response = navigation.value
        self.visited.append((self.page.url, response.status))
        self.read_brand()
        assert response.status == status, (self.page.url, response.status)
        return response

    def read_brand(self):
        brand = self.page.query_selector("header .brand")
        if brand is not None:
            self.brands[self.page.url] = brand.text_content()

    def close(self):
        self.context.close()


def newest_mail(live_site):
    """The text of the newest mail the site wrote (file-based backend in live_test.py)."""
    newest = max(live_site.mail_dir.iterdir(), key=lambda path: path.stat().st_mtime)
    return email.message_from_string(newest.read_text()).get_payload(decode=True).decode()


def link_in_newest_mail(live_site, path):
    return re.search(rf"https://\S+/accounts/{path}\S+/", newest_mail(live_site)).group(0)


def test_every_page_and_form_runs_with_zero_csp_violations(browser, live_site):
    site, admin = live_site.url, live_site.url(live_site.admin_url)
    browser_session = Recorder(browser)
    visit, submit, page = browser_session.goto, browser_session.submit, browser_session.page
    try:
        # Logged out.
        visit(site(""))
        assert page.text_content("[data-js-status]") == "Scripts are on."  # the nonce'd script ran
        assert page.evaluate("crossOriginIsolated") is True  # COOP same-origin + COEP require-corp
        visit(site("accounts/login/"))
        submit({"#id_login": live_site.user_email, "#id_password": "wrong password"})
        assert "are not correct" in page.content()
        visit(site("no-such-page/"), status=404)
        visit(site("__test__/403/"), status=403)
        visit(site("__test__/429/"), status=429)
        visit(site("__test__/500/"), status=500)
        visit(admin + "login/")

        # Sign-up, the code from the real verification mail, the first sign-in; later, the password.
        visit(site("accounts/signup/"))
        submit({"#id_email": "Newcomer@Example.com", "#id_password1": PASSWORD, "#id_password2": PASSWORD})
        assert page.url == site("accounts/confirm-email/")
        code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", newest_mail(live_site), re.MULTILINE).group(1)
        submit({"#id_code": code})
        assert page.url.startswith(site("accounts/2fa/"))  # every user must set up a factor (the default)
        assert "newcomer@example.com" in page.text_content("header")
        submit({}, button="form[action='/accounts/logout/'] button")
        visit(site("accounts/login/"))
        submit({"#id_login": "newcomer@example.com", "#id_password": PASSWORD})
        assert page.url.startswith(site("accounts/2fa/"))  # still no factor: still nothing but set-up
        submit({}, button="form[action='/accounts/logout/'] button")

        # Password reset, every step, with the link from the real mail.
        visit(site("accounts/password/reset/"))
        submit({"#id_email": live_site.user_email})
        assert page.url == site("accounts/password/reset/done/")
        visit(link_in_newest_mail(live_site, "password/reset/key/"))
        submit({"#id_password1": NEW_PASSWORD, "#id_password2": NEW_PASSWORD})
        assert page.url == site("accounts/password/reset/key/done/")
        visit(site("accounts/password/reset/key/1-not-a-token/"))

        # Logged in: password, then the code from the authenticator app.
        visit(site("accounts/login/"))
        submit({"#id_login": live_site.user_email, "#id_password": NEW_PASSWORD})
        assert page.url == site("accounts/2fa/authenticate/")
        submit({"#id_code": "000000"})
        assert "Incorrect code" in page.content()
        submit({"#id_code": live_site.totp_code()})
        assert page.url == site("")
        assert page.text_content("[data-js-status]") == "Scripts are on."
        visit(site("accounts/password/change/"))
        submit({"#id_oldpassword": NEW_PASSWORD, "#id_password1": PASSWORD, "#id_password2": PASSWORD})
        assert page.url == site("accounts/password/change/")
        visit(site("accounts/email/"))
        visit(site("accounts/2fa/"))
        visit(site("accounts/sessions/"))

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

        # The admin, whose JavaScript widgets must work under the policy; a change to roles asks for
        # the password again, then goes through as submitted.
        visit(admin)
        assert page.evaluate("crossOriginIsolated") is True
        visit(admin + "accounts/user/")
        page.fill("#searchbar", "admin")
        with page.expect_navigation():
            page.press("#searchbar", "Enter")
        visit(admin + "accounts/user/1/change/")
        page.fill("#id_user_permissions_input", "user")  # SelectFilter's live filter (admin JS)
        visit(admin + "accounts/user/add/")
        visit(admin + "auth/group/add/")
        submit({"#id_name": "Reviewers"}, button="input[name=_save]")
        assert page.url.startswith(site("accounts/reauthenticate/"))
        submit({"#id_password": PASSWORD})
        assert "was added successfully" in page.content()

        # API tokens, the password having just been given again: created (shown once), listed, revoked.
        visit(site("accounts/tokens/"))
        submit({"#id_name": "crawler"})
        assert len(page.text_content("[data-token]")) == 64
        visit(site("accounts/tokens/"))
        submit({}, button="main button:has-text('Revoke')")
        assert "You have no tokens." in page.content()

        # Logout through the header's POST form.
        visit(site(""))
        submit({}, button="form[action='/accounts/logout/'] button")
        assert page.locator("header a[href='/accounts/login/']").count() == 1  # signed out

        # A staff member's first sign-in: sent to set up a factor, the password again, the QR page, no
        # recovery codes, and removing the app sends them back to set-up.
        visit(site("accounts/login/"))
        submit({"#id_login": "newstaff@example.com", "#id_password": PASSWORD})
        assert page.url.startswith(site("accounts/2fa/"))
        visit(site("accounts/2fa/totp/activate/"))
        assert page.url.startswith(site("accounts/reauthenticate/"))
        submit({"#id_password": PASSWORD})
        assert page.url == site("accounts/2fa/totp/activate/")
        assert page.locator(".qr-code svg").count() == 1
        app = pyotp.TOTP(page.input_value("#authenticator_secret"))
        submit({"#id_code": app.now()})
        assert page.url == site("accounts/2fa/")  # the factors page, with no recovery codes made
        assert "no recovery codes" in page.content()
        visit(site("accounts/2fa/recovery-codes/"), status=404)
        visit(site("accounts/2fa/totp/deactivate/"))
        submit({})
        visit(site(""))
        assert page.url.startswith(site("accounts/2fa/"))  # staff: back to set-up

        # Logout, then a form whose CSRF cookie has gone.
        submit({}, button="form[action='/accounts/logout/'] button")
        visit(site("accounts/login/"))
        browser_session.context.clear_cookies()
        submit({"#id_login": live_site.user_email, "#id_password": PASSWORD}, status=403)
        assert "CSRF" in page.content()
    finally:
        print(json.dumps({"visited": browser_session.visited, "violations": browser_session.violations}, indent=1))
        browser_session.close()
    assert browser_session.violations == []
    # Every page that shows the site's name shows the project's, never the host the request named.
    assert len(browser_session.brands) > 20
    assert {url: name for url, name in browser_session.brands.items() if name != "My Secure Site"} == {}


def test_a_violation_is_seen_by_the_browser_and_reported_to_the_project(browser, live_site):
    browser_session = Recorder(browser)
    try:
        browser_session.goto(live_site.url("__test__/violation/"))
        assert browser_session.page.title() == "violation"  # the inline script did not run
        assert browser_session.page.text_content("#sink") == "untouched"  # the innerHTML write threw
        expected = {"script-src-elem", "style-src-attr", "require-trusted-types-for"}
        seen = {event.get("directive") for event in browser_session.violations}
        assert expected <= seen
        deadline = time.monotonic() + 20
        reported = set()
        while time.monotonic() < deadline and not expected <= reported:
            time.sleep(0.2)
            for event in live_site.security_events():
                if event["event"] == "csp.violation" and "__test__/violation/" in event["details"]["document"]:
                    reported.add(event["details"]["directive"])
        assert expected <= reported, live_site.log_text()[-3000:]
    finally:
        browser_session.close()


PASSKEY_USER = "passkey@example.com"  # tests/live/accounts.py: a member with a password and no factor yet


def with_virtual_authenticator(recorder):
    """Chromium's virtual authenticator (CDP WebAuthn domain) in this browser: a platform passkey
    store with user verification, answering every prompt as a user with a PIN would."""
    cdp = recorder.context.new_cdp_session(recorder.page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    return cdp, cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"]


def click_and_wait(recorder, selector):
    with recorder.page.expect_navigation() as navigation:
        recorder.page.click(selector)
    recorder.visited.append((recorder.page.url, navigation.value.status))
    return navigation.value


def test_passkey_sign_in_and_ending_another_browsers_session(browser, live_site):
    # WebAuthn refuses IP addresses as relying-party ids: these browsers use https://localhost:<port>/.
    def site(path):
        return live_site.url(path).replace("://127.0.0.1:", "://localhost:")

    laptop, phone, thief = Recorder(browser), Recorder(browser), Recorder(browser)
    posted = []
    try:
        # Password sign-in, then a passkey: the password is asked again first.
        laptop.goto(site("accounts/login/"))
        laptop.submit({"#id_login": PASSKEY_USER, "#id_password": PASSWORD})
        assert laptop.page.url.startswith(site("accounts/2fa/"))  # no factor yet: sent to set one up
        cdp, authenticator = with_virtual_authenticator(laptop)
        laptop.goto(site("accounts/2fa/webauthn/add/"))
        assert laptop.page.url.startswith(site("accounts/reauthenticate/"))
        laptop.submit({"#id_password": PASSWORD})
        assert laptop.page.url == site("accounts/2fa/webauthn/add/")
        laptop.page.fill("#id_name", "Laptop")
        laptop.page.check("#id_passwordless")
        click_and_wait(laptop, "#mfa_webauthn_add")
        assert laptop.page.url == site("accounts/2fa/")  # the factors page: no recovery codes
        (credential,) = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
        assert credential["isResidentCredential"]

        # Passwordless sign-in with the passkey alone (user verification by the device).
        laptop.submit({}, button="form[action='/accounts/logout/'] button")
        laptop.goto(site("accounts/login/"))
        click_and_wait(laptop, "#passkey_login")
        assert laptop.page.url == site("")
        assert PASSKEY_USER in laptop.page.text_content("header")

        # The same passkey, synced to a phone, signs the phone in too.
        phone_cdp, phone_authenticator = with_virtual_authenticator(phone)
        phone_cdp.send("WebAuthn.addCredential", {"authenticatorId": phone_authenticator, "credential": credential})
        phone.page.on("request", lambda request: posted.append(request.post_data) if request.method == "POST" else None)
        phone.goto(site("accounts/login/"))
        click_and_wait(phone, "#passkey_login")
        assert phone.page.url == site("")
        phone_cookies = phone.context.cookies()

        # The laptop ends the phone's session from the sessions page, after the password again.
        laptop.goto(site("accounts/sessions/"))
        assert laptop.page.locator("button[form^='end-session-']").count() == 1
        click_and_wait(laptop, "button[form^='end-session-']")
        assert laptop.page.url.startswith(site("accounts/reauthenticate/"))
        laptop.submit({"#id_password": PASSWORD})
        assert laptop.page.url == site("accounts/sessions/")
        assert laptop.page.locator("button[form^='end-session-']").count() == 0

        # The phone's next request is anonymous; its old cookie, replayed in another browser, too.
        phone.goto(site("accounts/email/"))
        assert phone.page.url.startswith(site("accounts/login/"))
        thief.context.add_cookies(phone_cookies)
        thief.goto(site("accounts/email/"))
        assert thief.page.url.startswith(site("accounts/login/"))
        laptop.goto(site("accounts/email/"))
        assert laptop.page.url == site("accounts/email/")  # the laptop is still signed in
    finally:
        for recorder in (laptop, phone, thief):
            print(json.dumps({"visited": recorder.visited, "violations": recorder.violations}, indent=1))
            recorder.close()
    assert laptop.violations + phone.violations + thief.violations == []
    passkey_posts = [body for body in posted if body and "credential=" in body]
    assert len(passkey_posts) == 1
    refusals = assertion_refusals(live_site, credential, passkey_posts[0])
    assert refusals == {"replayed": 400, "malformed": 400, "other origin": 400, "this origin (control)": 302}
    events = live_site.security_events()
    passkey_logins = [
        e for e in events if e["event"] == "login.succeeded" and e["details"]["steps"] == ["webauthn (passkey)"]
    ]
    assert len(passkey_logins) == 3  # the laptop, the phone, and the control assertion signed here
    failed = [e for e in events if e["event"] == "two_factor.failed"]
    assert len([e for e in failed if e["details"] == {"factor": "webauthn", "step": "passkey sign-in"}]) == 3


def assertion_refusals(live_site, credential, captured_post):
    """Post passkey assertions to the live site from a fresh session: the phone's captured one again
    (replayed), a malformed one, and ones signed here with the passkey's private key (read from the
    virtual authenticator) for another origin and, as the control, for this one."""
    import base64
    import hashlib
    import http.cookiejar
    import urllib.error
    import urllib.parse
    import urllib.request

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    port = live_site.base_url.rsplit(":", 1)[1].strip("/")
    origin = f"https://localhost:{port}"

    def b64url(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None  # a redirect is the answer to read, not one to follow

    def session():
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=live_site.ssl_context()),
            urllib.request.HTTPCookieProcessor(jar),
            NoRedirect(),
        )

        def open_(path, data=None, accept="text/html"):
            request = urllib.request.Request(live_site.url(path), data=data, headers={
                "Host": f"localhost:{port}", "Origin": origin, "Accept": accept,
            })  # fmt: skip
            try:
                return opener.open(request, timeout=10)
            except urllib.error.HTTPError as error:
                return error

        return open_

    def post_assertion(make_credential):
        open_ = session()
        page = open_("accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        options = json.loads(open_("accounts/2fa/webauthn/login/", accept="application/json").read())
        body = make_credential(options["request_options"]["publicKey"]["challenge"])
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "credential": body}).encode()
        return open_("accounts/2fa/webauthn/login/", data=form).status

    private_key = serialization.load_der_private_key(base64.b64decode(credential["privateKey"]), None)

    def signed_for(client_origin):
        def make(challenge):
            client_data = json.dumps({"type": "webauthn.get", "challenge": challenge, "origin": client_origin}).encode()
            authenticator_data = hashlib.sha256(b"localhost").digest() + bytes([0x05]) + (1000).to_bytes(4, "big")
            signature = private_key.sign(
                authenticator_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
            )
            raw_id = base64.b64decode(credential["credentialId"])
            return json.dumps({
                "id": b64url(raw_id), "rawId": b64url(raw_id), "type": "public-key", "clientExtensionResults": {},
                "response": {
                    "clientDataJSON": b64url(client_data), "authenticatorData": b64url(authenticator_data),
                    "signature": b64url(signature), "userHandle": b64url(base64.b64decode(credential["userHandle"])),
                },
            })  # fmt: skip

        return make

    replayed = urllib.parse.parse_qs(captured_post)["credential"][0]
    return {
        "replayed": post_assertion(lambda challenge: replayed),
        "malformed": post_assertion(lambda challenge: '{"id": "x", "response": []}'),
        "other origin": post_assertion(signed_for("https://evil.example")),
        "this origin (control)": post_assertion(signed_for(origin)),
    }


def test_back_after_signing_out_shows_nothing_private(browser, live_site):
    site = live_site.url
    session = Recorder(browser)
    try:
        session.goto(site("accounts/login/"))
        session.submit({"#id_login": "bystander@example.com", "#id_password": PASSWORD})
        assert session.page.url.startswith(site("accounts/2fa/"))  # no factor yet: the set-up page
        assert "bystander@example.com" in session.page.content()
        session.submit({}, button="form[action='/accounts/logout/'] button")
        assert session.page.url == site("")
        session.page.go_back()  # neither the HTTP cache nor the back-forward cache may answer
        session.page.wait_for_load_state()
        assert session.page.url.startswith(site("accounts/login/"))  # fetched again, and signed out
        assert "bystander@example.com" not in session.page.content()
    finally:
        print(json.dumps({"visited": session.visited, "violations": session.violations}, indent=1))
        session.close()
    assert session.violations == []


CROSS_SITE_PAGE = """<!doctype html><title>another site</title>
<img src="{target}accounts/email/">
<script>fetch("{target}accounts/email/", {{mode: "no-cors", credentials: "include"}}).catch(() => {{}});</script>
"""


def test_another_site_cannot_load_a_signed_in_page(browser, live_site):
    """A page on another site (https://localhost:<other port>, served here on 127.0.0.1 with the same
    throwaway certificate) embeds and fetches a signed-in page: the browser marks both requests
    cross-site (Sec-Fetch-Site), and the project refuses them with 403 and records each."""
    import http.server
    import ssl
    import threading

    page = CROSS_SITE_PAGE.format(target=live_site.base_url).encode()

    class OtherSite(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), OtherSite)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(live_site.cert, live_site.cert.with_name("key.pem"))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    session = Recorder(browser)
    try:
        session.goto(live_site.url("accounts/login/"))
        session.submit({"#id_login": "bystander@example.com", "#id_password": PASSWORD})
        before = len(live_site.security_events())
        session.goto(f"https://localhost:{server.server_port}/")
        deadline = time.monotonic() + 10
        refused = []
        while time.monotonic() < deadline and len(refused) < 2:
            refused = [e for e in live_site.security_events()[before:] if e["event"] == "request.cross_site_refused"]
            time.sleep(0.2)
    finally:
        session.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert sorted(e["details"]["dest"] for e in refused) == ["empty", "image"]
    assert {(e["details"]["site"], e["path"]) for e in refused} == {("cross-site", "/accounts/email/")}
