"""The live site's accounts and data, made with `manage.py shell` scripts as an operator would."""

import base64
import os

PASSWORD = "live-test-" + base64.urlsafe_b64encode(os.urandom(12)).decode()
TOTP_SECRET = base64.b32encode(os.urandom(20)).decode()  # the superuser's authenticator app

SAMPLE_DATA = """
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from {slug}.accounts.models import User
from {slug}.documents.models import Document
admin = User.objects.get(email="admin@example.com")
Document.objects.create(title="Sample", body="First document.", owner=admin)
Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={{"secret": encrypt({secret!r})}})
for email, is_staff in [("victim@example.com", False), ("bystander@example.com", False), ("passkey@example.com", False),
                        ("newstaff@example.com", True), ("pending@example.com", True)]:
    user = User.objects.create_user(email=email, password={password!r}, is_staff=is_staff)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
"""

# A member with a verified address: CREATE_USER.format(slug=..., email=..., password=...)
CREATE_USER = """
from allauth.account.models import EmailAddress
from {slug}.accounts.models import User
user = User.objects.create_user(email={email!r}, password={password!r})
EmailAddress.objects.create(user=user, email={email!r}, primary=True, verified=True)
"""

EDITOR_SCRIPT = """
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.models import Group
from {slug}.accounts.models import User
from {slug}.api.models import Token
user, created = User.objects.get_or_create(email={email!r})
if created:
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    secret = {{"secret": encrypt("JBSWY3DPEHPK3PXP")}}
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data=secret)
    user.groups.add(Group.objects.get(name="Editors"))
print(Token.objects.create(user=user, name={name!r}, scope="read-write")[1])
"""


def add_sample_data(site):
    """A document, the superuser's authenticator app, and the members and staff the tests sign in as."""
    site.manage("shell", "-c", SAMPLE_DATA.format(slug=site.project.name, password=PASSWORD, secret=TOTP_SECRET))


def make_token(site, name, email="api-editor@example.com"):
    """A read-write API token of an Editor with a second factor, made as the server makes one."""
    script = EDITOR_SCRIPT.format(slug=site.project.name, email=email, name=name)
    return site.manage("shell", "-c", script).stdout.split()[-1]
