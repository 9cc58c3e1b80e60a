"""Registering a passkey as a browser does: the add-passkey page's options, and an authenticator's answer."""

import hashlib
import json
import re
import secrets

from django.urls import reverse
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import (
    Aaguid,
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
)


def creation_options(client):
    page = client.get(reverse("mfa_add_webauthn")).content.decode()
    (data,) = re.findall(r'<script id="js_data" type="application/json">(.*?)</script>', page, re.DOTALL)
    return json.loads(data)["creation_options"]["publicKey"]


def attestation(options, cose_key):
    """What navigator.credentials.create() returns, as JSON: a new credential with no attestation
    statement ("none"), the user present and verified, over the challenge the page issued."""
    credential_id = secrets.token_bytes(16)
    client_data = CollectedClientData.create(
        type=CollectedClientData.TYPE.CREATE,
        challenge=websafe_decode(options["challenge"]),
        origin=f"https://{options['rp']['id']}",
    )
    authenticator_data = AuthenticatorData.create(
        hashlib.sha256(options["rp"]["id"].encode()).digest(),
        AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV | AuthenticatorData.FLAG.AT,
        0,
        AttestedCredentialData.create(Aaguid.NONE, credential_id, cose_key),
    )
    return {
        "id": websafe_encode(credential_id),
        "rawId": websafe_encode(credential_id),
        "type": "public-key",
        "response": {
            "clientDataJSON": websafe_encode(bytes(client_data)),
            "attestationObject": websafe_encode(bytes(AttestationObject.create("none", authenticator_data, {}))),
            "transports": ["internal"],
        },
        "clientExtensionResults": {},
    }
