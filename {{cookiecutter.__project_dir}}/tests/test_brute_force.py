"""Lockouts and rate limits on the real login and reset views: exact thresholds, decided before the
password hasher runs, per client address that a forged X-Forwarded-For cannot change."""

import ipaddress

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache
from django.core.checks import Error, run_checks
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from config.settings import security

from {{ cookiecutter.project_slug }}.accounts.hashers import Argon2PasswordHasher

from tests.helpers.rate_limits import allowed
from tests.helpers.users import member

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
LIMIT = security.AXES_FAILURE_LIMIT


@pytest.fixture
def hasher_calls(monkeypatch):
    """How often the password hasher ran (the test settings' hasher, instrumented, not replaced)."""
    calls = []
    for method in ("verify", "encode"):
        original = getattr(MD5PasswordHasher, method)

        def counted(self, *args, _original=original, **kwargs):
            calls.append(1)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(MD5PasswordHasher, method, counted)
    return calls


def login(client, email, password, ip=ATTACKER, forwarded_for=None, **extra):
    extra["REMOTE_ADDR"] = ip
    if forwarded_for:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def signed_in(response):
    return response.status_code == 302 and response.headers["Location"] == reverse("home")


def lock_out(client, user, ip=ATTACKER, **kwargs):
    return [login(client, user.email, "wrong guess", ip=ip, **kwargs).status_code for _ in range(LIMIT)]


@pytest.mark.django_db
def test_lockout_comes_exactly_at_the_threshold(client, user):
    assert lock_out(client, user) == [200] * (LIMIT - 1) + [429]
    locked = login(client, user.email, "wrong guess")
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) == security.AXES_COOLOFF_TIME.total_seconds()
    assert b"Too many requests" in locked.content


@pytest.mark.django_db
def test_correct_password_is_refused_while_locked_without_checking_it(client, user, password, hasher_calls):
    lock_out(client, user)
    hasher_calls.clear()
    response = login(client, user.email, password)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert hasher_calls == []


@pytest.mark.django_db
def test_case_variants_of_the_address_share_one_counter(client, user):
    statuses = [login(client, email, "wrong guess").status_code for email in ("ANN@example.com", "Ann@Example.com")]
    statuses += [login(client, user.email, "wrong guess").status_code for _ in range(LIMIT - 2)]
    assert statuses == [200] * (LIMIT - 1) + [429]


@pytest.mark.django_db
def test_attacker_cannot_lock_out_the_owner_or_other_users(client, user, password):
    lock_out(client, user)
    other = member("bob@example.com", password)
    assert signed_in(login(client, other.email, password))  # another user, same client
    client.logout()
    assert signed_in(login(client, user.email, password, ip=OWNER))  # the owner, from their own device


@pytest.mark.django_db
def test_unlock_by_command(client, user, password):
    lock_out(client, user)
    call_command("axes_reset_username", user.email)
    assert signed_in(login(client, user.email, password))


@pytest.mark.django_db
def test_unlock_from_the_admin(client, user, password, admin_client):
    lock_out(client, user)
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    assert attempts
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
        secure=True,
    )
    assert response.status_code == 302
    assert signed_in(login(client, user.email, password))


@pytest.mark.django_db
def test_forged_forwarded_for_does_not_escape_the_lockout(client, user, password):
    # No trusted proxy: X-Forwarded-For is ignored, whatever it says.
    lock_out(client, user, forwarded_for="10.9.9.9")
    assert login(client, user.email, password, forwarded_for="192.0.2.200").status_code == 429


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[ipaddress.ip_network("127.0.0.1/32")])
def test_behind_a_proxy_the_forged_part_of_the_chain_is_ignored(client, user, password):
    # The proxy appends the address it saw; the client can only prepend forged entries.
    statuses = [
        login(client, user.email, "wrong guess", ip="127.0.0.1", forwarded_for=f"10.0.0.{n}, {ATTACKER}").status_code
        for n in range(LIMIT)
    ]
    assert statuses == [200] * (LIMIT - 1) + [429]
    assert login(client, user.email, password, ip="127.0.0.1", forwarded_for=f"1.2.3.4, {ATTACKER}").status_code == 429
    assert signed_in(login(client, user.email, password, ip="127.0.0.1", forwarded_for=OWNER))


@pytest.mark.django_db
def test_login_rate_limit_per_client_rejects_before_the_hasher(client, hasher_calls):
    limit = allowed("login", "ip")
    statuses = [login(client, f"user{n}@example.com", "guess").status_code for n in range(limit)]
    assert statuses == [200] * limit
    hasher_calls.clear()
    throttled = login(client, "one-more@example.com", "guess")
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) == security.RATELIMIT_RETRY_AFTER
    assert b"Too many requests" in throttled.content
    assert hasher_calls == []


@pytest.mark.django_db
def test_login_rate_limit_per_account_holds_across_clients(client, user, password, hasher_calls):
    limit = allowed("login_failed", "key")
    # One guess from each of many addresses: no (account, client) pair reaches the lockout.
    statuses = [login(client, user.email, "guess", ip=f"192.0.2.{n}").status_code for n in range(1, limit + 1)]
    assert statuses == [200] * limit
    hasher_calls.clear()
    # Even the right password, from yet another address, is refused until the window has passed.
    refused = login(client, user.email.upper(), password, ip="192.0.2.250")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == security.RATELIMIT_RETRY_AFTER
    assert "_auth_user_id" not in client.session
    assert hasher_calls == []


@pytest.mark.django_db
def test_per_account_limit_is_not_reset_by_a_port_in_the_host_header(client, user, password):
    # ALLOWED_HOSTS ignores the port, so a client may send any: the account's counter must not follow it.
    limit = allowed("login_failed", "key")
    for n in range(1, limit + 1):
        assert (
            login(client, user.email, "guess", ip=f"192.0.2.{n}", HTTP_HOST=f"testserver:{8000 + n}").status_code == 200
        )
    assert login(client, user.email, password, ip="192.0.2.250", HTTP_HOST="testserver:9999").status_code == 429


@pytest.mark.django_db
def test_password_reset_is_rate_limited(client, user, mailoutbox):
    per_address = allowed("reset_password", "key")
    statuses = [
        client.post(reverse("account_reset_password"), {"email": user.email}, REMOTE_ADDR=f"192.0.2.{n}").status_code
        for n in range(1, per_address + 2)
    ]
    assert statuses == [302] * per_address + [429]
    assert len(mailoutbox) == per_address
    per_client = allowed("reset_password", "ip")
    cache.clear()
    statuses = [
        client.post(reverse("account_reset_password"), {"email": f"u{n}@example.com"}).status_code
        for n in range(per_client + 1)
    ]
    assert statuses == [302] * per_client + [429]


@pytest.mark.parametrize(
    ("backend", "ok"),
    [
        ("django.core.cache.backends.locmem.LocMemCache", False),
        ("django.core.cache.backends.dummy.DummyCache", False),
        ("django.core.cache.backends.filebased.FileBasedCache", False),
        ("django_redis.cache.RedisCache", True),
        ("{{ cookiecutter.project_slug }}.throttling.cache.RedisOrLocalCache", True),
    ],
)
def test_deploy_checks_refuse_a_process_local_cache(tmp_path, backend, ok):
    caches = {"default": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:1/0" if ok else str(tmp_path)}}
    with override_settings(CACHES=caches, SILENCED_SYSTEM_CHECKS=[]):
        errors = [m for m in run_checks(include_deployment_checks=True) if isinstance(m, Error)]
    assert ("django_ratelimit.E003" in {e.id for e in errors}) is not ok


def test_argon2_parameters_are_the_documented_ones():
    assert security.PASSWORD_HASHERS[0] == "{{ cookiecutter.project_slug }}.accounts.hashers.Argon2PasswordHasher"
    hasher = Argon2PasswordHasher()
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 65_536, 4)
    assert hasher.algorithm == "argon2"  # existing argon2 hashes verify, and are upgraded on login


@pytest.mark.django_db
def test_a_name_that_grows_when_lower_cased_is_still_counted(client):
    # A valid address of 188 characters, 368 once lower-cased ("İ" becomes two): stored cut to the
    # column's size, never a 500.
    name = "a@" + ("\u0130" * 60 + ".") * 3 + "com"
    assert (len(name), len(name.lower())) == (188, 368)
    assert login(client, name, "guess").status_code == 200
    assert len(AccessAttempt.objects.get().username) == 254
