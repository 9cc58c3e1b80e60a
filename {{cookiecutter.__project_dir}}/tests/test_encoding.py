"""Input is decoded once and output is encoded for the context it lands in: HTML text, attribute values,
script-embedded JSON, and the recipients of outgoing mail."""

import html
import json
import re
import urllib.parse

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from {{ cookiecutter.project_slug }}.documents.models import Document

from tests.helpers.clients import reauthenticated, verified
from tests.helpers.users import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("open_signup")]
# Text that changes meaning if decoded a second time (percent, entity, plus) or if put into markup raw.
LOOKS_ENCODED = ["100%25 sure", "%3Cscript%3E", "&lt;b&gt;", "a+b", "caf\u00e9 \\u0041", "%2541"]
MARKUP = "\"'><script>alert(1)</script>&amp;"


@pytest.fixture
def editor_client(client):
    editor = member("editor@example.com")
    editor.groups.add(Group.objects.get(name="Editors"))
    return verified(client, editor)


@pytest.mark.parametrize("title", LOOKS_ENCODED)
def test_form_input_is_decoded_exactly_once(editor_client, title):
    body = urllib.parse.urlencode({"title": title, "body": title})  # encoded once, as a browser sends it
    response = editor_client.post(reverse("documents:create"), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.title, document.body) == (title, title)


def test_markup_is_encoded_for_text_and_attribute_contexts(editor_client):
    response = editor_client.post(reverse("documents:create"), {"title": MARKUP, "body": MARKUP})
    assert response.status_code == 302
    document = Document.objects.get()
    assert response.headers["Location"] == document.get_absolute_url()  # the header carries no input
    escaped = html.escape(MARKUP)  # &quot; &#x27; &lt; &gt; &amp;, Django's escaping
    detail = editor_client.get(document.get_absolute_url()).content.decode()
    edit = editor_client.get(reverse("documents:update", args=[document.pk])).content.decode()
    for page in (detail, edit):
        assert "<script>alert(1)" not in page
        assert f"<title>{escaped}" in page or f"{escaped} ·" in page  # inside <title>, text context
    assert f"<h1>{escaped}</h1>" in detail
    assert f'value="{escaped}"' in edit  # attribute context: the quote cannot end the attribute
    assert re.search(rf">\s*{re.escape(escaped)}</textarea>", edit)


def test_data_embedded_in_a_script_block_is_escaped_json(client, password):
    # Quotes and ampersands are valid in an address; a name may hold anything the user types.
    user = member("o'brien&co@example.com", password, full_name="</script><script>alert(1)</script>")
    verified(client, user)
    reauthenticated(client, password)
    page = client.get(reverse("mfa_add_webauthn")).content.decode()
    (data,) = re.findall(r'<script id="js_data" type="application/json">(.*?)</script>', page, re.DOTALL)
    assert not re.search(r"[<>&]", data)  # json_script writes them as \u003C \u003E \u0026
    assert user.email in json.dumps(json.loads(data))  # and the value arrives intact


FORGED_RECIPIENTS = [
    "ann@example.com\r\nBcc: mallory@example.net",
    "ann@example.com\nCc: mallory@example.net",
    "ann@example.com, mallory@example.net",
    "ann@example.com;mallory@example.net",
    "Ann <ann@example.com>, mallory@example.net",
    '"ann@example.com\r\nBcc: mallory@example.net"@example.com',
]


@pytest.mark.parametrize("typed", FORGED_RECIPIENTS)
@pytest.mark.parametrize("flow", ["account_reset_password", "account_signup"])
def test_typed_addresses_cannot_add_recipients_or_headers_to_mail(client, user, password, mailoutbox, flow, typed):
    fields = {"email": typed, "password1": password, "password2": password}
    response = client.post(reverse(flow), fields, REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 200  # the form refuses the address
    assert mailoutbox == []
    # The same flow with the plain address mails exactly that one recipient, with no extra header.
    client.post(reverse(flow), {**fields, "email": user.email}, REMOTE_ADDR="192.0.2.10")
    assert [mail.recipients() for mail in mailoutbox] == [[user.email]]
    headers = str(mailoutbox[0].message())
    assert "mallory" not in headers
    assert not re.search(r"^(Bcc|Cc):", headers, re.MULTILINE)
