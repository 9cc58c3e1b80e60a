"""Password policy as users meet it: length and blocklists only, no composition rules, no expiry, no hints
or secret questions, and nothing that gets in the way of pasting or a password manager."""

import re
import secrets
import string
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.forms import LoginForm
from django.urls import reverse
from django.utils import timezone

from {{ cookiecutter.project_slug }}.accounts.forms import EqualWorkSignupForm, RecordedResetPasswordForm
from {{ cookiecutter.project_slug }}.accounts.models import User

from tests.helpers.clients import reauthenticated, verified
from tests.helpers.users import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("open_signup")]
ROOT = Path(__file__).resolve().parent.parent


def random_from(alphabet, length=16):
    return "".join(secrets.choice(alphabet) for _ in range(length))


@pytest.mark.parametrize(
    "make_password",
    [
        lambda: random_from(string.digits),  # digits only
        lambda: random_from(string.ascii_lowercase),  # one letter case only
        lambda: random_from(string.punctuation),  # symbols only
        lambda: random_from("\u00e9\u00df\u4e2d\u0416\U0001f510"),  # letters of any script, emoji
        lambda: "correct horse " + random_from(string.ascii_lowercase, 8),  # spaces inside
    ],
    ids=["digits", "lowercase", "symbols", "any script", "spaces"],
)
def test_passwords_of_any_composition_are_accepted(client, make_password):
    password = make_password()
    email = f"{secrets.token_hex(4)}@example.com"
    fields = {"email": email, "password1": password, "password2": password}
    assert client.post(reverse("account_signup"), fields).status_code == 302
    assert User.objects.get(email=email).check_password(password)


def password_inputs(page):
    return re.findall(r"<input[^>]*type=\"password\"[^>]*>", page)


def test_password_fields_leave_paste_and_password_managers_alone(client, user, password):
    pages = {name: client.get(reverse(name)).content.decode() for name in ("account_login", "account_signup")}
    verified(client, user)
    reauthenticated(client, password)
    pages["account_change_password"] = client.get(reverse("account_change_password")).content.decode()
    for name, page in pages.items():
        inputs = password_inputs(page)
        assert inputs, name
        for field in inputs:
            assert re.search(r'autocomplete="(current|new)-password"', field), (name, field)
            assert not re.search(r"\bon(paste|copy|cut|drop)=|\breadonly\b|maxlength=\"\d{1,2}\"", field), field
    shipped_scripts = "\n".join(path.read_text() for path in (ROOT / "static").rglob("*.js"))
    assert not re.search(r"paste|clipboard|preventDefault", shipped_scripts)


def test_passwords_never_expire(client, password):
    old = member("old-timer@example.com", password)
    ten_years_ago = timezone.now() - timedelta(days=3650)
    User.objects.filter(pk=old.pk).update(date_joined=ten_years_ago, last_login=ten_years_ago)
    response = client.post(reverse("account_login"), {"login": old.email, "password": password})
    assert response.status_code == 302
    assert "password" not in response.headers["Location"]  # not sent to change it
    expiry = re.compile(r"expir|password_(changed|age)")
    assert not [field.name for field in User._meta.get_fields() if expiry.search(field.name)]


def test_there_are_no_password_hints_or_secret_questions():
    hint = re.compile(r"hint|question|answer|secret|memorable|reminder")
    fields = [field.name for field in User._meta.get_fields()]
    fields += [*EqualWorkSignupForm().fields, *RecordedResetPasswordForm().fields, *LoginForm().fields]
    assert [name for name in fields if hint.search(name)] == []
    templates = "\n".join(path.read_text() for path in (ROOT / "templates").rglob("*.html"))
    assert not re.search(r"hint|question|memorable|reminder", templates.lower())
