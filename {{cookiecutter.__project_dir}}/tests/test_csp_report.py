"""The CSP report endpoint: both report formats in, anything else out with a 4xx, never a 500."""

import json

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from {{ cookiecutter.project_slug }}.audit.events import Event
from {{ cookiecutter.project_slug }}.audit.models import SecurityEvent
from {{ cookiecutter.project_slug }}.hardening.csp_report import LEGACY_TYPE, REPORTING_API_TYPE

from tests.helpers.rate_limits import fresh_rate_window

LEGACY_REPORT = {
    "csp-report": {
        "document-uri": "https://example.com/page",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "blocked-uri": "inline",
        "line-number": 12,
        "disposition": "enforce",
    }
}
REPORTING_API_REPORT = [
    {
        "type": "csp-violation",
        "age": 10,
        "url": "https://example.com/page",
        "body": {
            "documentURL": "https://example.com/page",
            "effectiveDirective": "style-src-attr",
            "blockedURL": "inline",
            "disposition": "enforce",
            "lineNumber": 3,
        },
    }
]


pytestmark = pytest.mark.django_db  # reports are stored as security events


def post(client, body, content_type):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(reverse("csp_report"), data=data, content_type=content_type)


def test_report_path_matches_the_policy():
    assert reverse("csp_report") == settings.CSP_REPORT_PATH


@pytest.mark.parametrize(
    ("body", "content_type", "directive"),
    [(LEGACY_REPORT, LEGACY_TYPE, "script-src-elem"), (REPORTING_API_REPORT, REPORTING_API_TYPE, "style-src-attr")],
)
def test_reports_are_accepted_and_recorded(client, security_events, body, content_type, directive):
    response = post(client, body, content_type)
    assert response.status_code == 204
    [event] = security_events.named("csp.violation")
    recorded = event["details"]
    assert recorded["directive"] == directive
    assert recorded["document"] == "https://example.com/page"
    assert recorded["blocked"] == "inline"


def test_no_csrf_token_needed(csrf_client):
    # Browsers send reports without cookies or tokens.
    assert post(csrf_client, LEGACY_REPORT, LEGACY_TYPE).status_code == 204


def test_long_fields_are_truncated(client, security_events):
    report = {"csp-report": {**LEGACY_REPORT["csp-report"], "blocked-uri": "https://x.example/" + "a" * 5000}}
    assert post(client, report, LEGACY_TYPE).status_code == 204
    [event] = security_events.named("csp.violation")
    assert len(event["details"]["blocked"]) <= 300


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (LEGACY_REPORT, "application/json", 400),
        (LEGACY_REPORT, "text/plain", 400),
        (LEGACY_REPORT, "application/x-www-form-urlencoded", 400),
        ("{not json", LEGACY_TYPE, 400),
        (b"\xff\xfe\x00garbage", LEGACY_TYPE, 400),
        ("[" * 50_000 + "]" * 50_000, REPORTING_API_TYPE, 413),
        ("[" * 30_000 + "]" * 30_000, REPORTING_API_TYPE, 400),
        ('{"csp-report": {"line-number": ' + "9" * 5_000 + "}}", LEGACY_TYPE, 400),  # past int()'s digit limit
        ({"csp-report": "not an object"}, LEGACY_TYPE, 400),
        ({"something": "else"}, LEGACY_TYPE, 400),
        (REPORTING_API_REPORT, LEGACY_TYPE, 400),
        (LEGACY_REPORT, REPORTING_API_TYPE, 400),
        ([{"type": "deprecation", "body": {}}], REPORTING_API_TYPE, 400),
        ([], REPORTING_API_TYPE, 400),
        ("", LEGACY_TYPE, 400),
    ],
)
def test_bad_bodies_are_refused_with_a_4xx(client, body, content_type, status):
    response = post(client, body, content_type)
    assert response.status_code == status
    assert response["Content-Type"] == "text/plain; charset=utf-8"  # the explanation names its charset


def test_bodies_over_64_kib_are_refused_unread(client):
    padding = "x" * (settings.CSP_REPORT_MAX_BYTES + 1)
    report = {"csp-report": {**LEGACY_REPORT["csp-report"], "script-sample": padding}}
    assert post(client, report, LEGACY_TYPE).status_code == 413


def test_a_body_of_exactly_64_kib_is_read(client):
    body = json.dumps(LEGACY_REPORT)
    body = body[:-1] + " " * (settings.CSP_REPORT_MAX_BYTES - len(body)) + "}"
    assert len(body) == settings.CSP_REPORT_MAX_BYTES
    assert post(client, body, LEGACY_TYPE).status_code == 204


def test_only_post_is_allowed(client):
    assert client.get(reverse("csp_report")).status_code == 405


def test_reports_are_rate_limited_per_client(client):
    limit = int(settings.CSP_REPORT_RATE.split("/")[0])
    fresh_rate_window("127.0.0.1")
    statuses = [post(client, LEGACY_REPORT, LEGACY_TYPE).status_code for _ in range(limit + 1)]
    assert statuses == [204] * limit + [429]
    throttled = post(client, LEGACY_REPORT, LEGACY_TYPE)
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) == settings.RATELIMIT_RETRY_AFTER
    # Another client is unaffected.
    other = client.post(
        reverse("csp_report"), json.dumps(LEGACY_REPORT), content_type=LEGACY_TYPE, REMOTE_ADDR="10.0.0.2"
    )
    assert other.status_code == 204


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=5),
    max_leaves=30,
)
REPORT_SHAPED = st.dictionaries(st.sampled_from(sorted(LEGACY_REPORT["csp-report"])), JSON_VALUES).map(
    lambda report: {"csp-report": report}
)


def test_a_report_carrying_nul_characters_is_stored_without_them(client):
    # PostgreSQL refuses NUL in text and jsonb: the report is stored with U+FFFD in its place.
    report = {"csp-report": {**LEGACY_REPORT["csp-report"], "blocked-uri": "https://evil.example/\u0000x"}}
    assert post(client, report, LEGACY_TYPE).status_code == 204
    stored = SecurityEvent.objects.get(event=Event.CSP_VIOLATION)
    assert "\x00" not in json.dumps(stored.details, ensure_ascii=False)
    assert "https://evil.example/\N{REPLACEMENT CHARACTER}x" in json.dumps(stored.details, ensure_ascii=False)


@override_settings(RATELIMIT_ENABLE=False)
@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(st.binary(max_size=2048), JSON_VALUES.map(json.dumps), REPORT_SHAPED.map(json.dumps)),
    content_type=st.sampled_from([LEGACY_TYPE, REPORTING_API_TYPE, "application/json", "text/plain", ""]),
)
def test_junk_never_causes_a_server_error(client, body, content_type):
    response = post(client, body, content_type)
    assert response.status_code in {204, 400, 413}
