"""Tier 3: the password-reset and sign-up answers take the same time for a known address as for an
unknown one, through the production server (an observer timing them learns nothing about accounts).

30 samples of each, interleaved, each from its own loopback address and for its own email address (the
per-client and per-address limits are not what is measured); only the POST is timed.
"""

import http.client
import re
import statistics
import time
import urllib.parse

import pytest
from live.accounts import PASSWORD

pytestmark = pytest.mark.live
SAMPLES = 30
KNOWN = [f"timing{n}@example.com" for n in range(SAMPLES)]
CREATE_KNOWN = """
from allauth.account.models import EmailAddress
from {slug}.accounts.models import User
for email in {emails!r}:
    user = User.objects.create_user(email=email, password={password!r})
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
"""


def timed_post(site, source, path, fields):
    port = site.app_ports[0]

    def connect():
        return http.client.HTTPSConnection(
            "127.0.0.1", port, context=site.ssl_context(), timeout=30, source_address=(source, 0)
        )

    connection = connect()
    connection.request("GET", path)
    page = connection.getresponse()
    body = page.read().decode()
    connection.close()
    cookie = page.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookie,
        "Origin": f"https://127.0.0.1:{port}",
    }
    connection = connect()
    connection.connect()  # the TLS handshake is not part of the answer's time
    start = time.perf_counter()
    connection.request("POST", path, body=form, headers=headers)
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    connection.close()
    return response.status, elapsed


def indistinguishable(known, unknown):
    """The medians differ by less than 1 ms, or each median lies inside the other's 10th-90th percentile
    range (the two distributions overlap, so no threshold tells them apart)."""
    if abs(statistics.median(known) - statistics.median(unknown)) < 0.001:
        return True

    def middle(samples):
        deciles = statistics.quantiles(samples, n=10)
        return deciles[0], deciles[-1]

    (k_low, k_high), (u_low, u_high) = middle(known), middle(unknown)
    return k_low <= statistics.median(unknown) <= k_high and u_low <= statistics.median(known) <= u_high


def timings(site, path, fields_for):
    known, unknown = [], []
    for n in range(SAMPLES):
        for email, into in ((KNOWN[n], known), (f"nobody{n}@example.com", unknown)):
            source = f"127.0.{40 + len(known) + len(unknown) // 200}.{1 + (len(known) + len(unknown)) % 200}"
            status, elapsed = timed_post(site, source, path, fields_for(email))
            assert status == 302, (path, email, status)
            into.append(elapsed)
    print(
        f"{path}: known {statistics.median(known) * 1000:.2f} ms, unknown {statistics.median(unknown) * 1000:.2f} ms"
        f" (medians of {SAMPLES})"
    )
    return known, unknown


@pytest.fixture(scope="module")
def known_accounts(live_site):
    live_site.manage("shell", "-c", CREATE_KNOWN.format(slug=live_site.project.name, emails=KNOWN, password=PASSWORD))


def test_password_reset_answers_in_the_same_time_for_known_and_unknown_addresses(live_site, known_accounts):
    assert indistinguishable(*timings(live_site, "/accounts/password/reset/", lambda email: {"email": email}))


def test_sign_up_answers_in_the_same_time_for_known_and_unknown_addresses(live_site, known_accounts):
    fields = lambda email: {"email": email, "password1": PASSWORD, "password2": PASSWORD}  # noqa: E731
    assert indistinguishable(*timings(live_site, "/accounts/signup/", fields))
