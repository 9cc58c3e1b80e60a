"""allauth's passkey forms (MFA_FORMS), with the posted credential checked before it is parsed.

Two inputs anyone can post to the passkey login would otherwise be a 500: a number too long to convert
(Django's JSONField catches only JSONDecodeError, not the ValueError of the digit limit), and JSON of
the wrong shape (`"clientExtensionResults": []`), on which fido2 raises AttributeError, not a
validation error. Both are refused with allauth's own "incorrect code" error; everything else is
allauth's code path. A new passkey must also sign with an approved algorithm (below).
"""

from allauth.mfa.adapter import get_adapter
from allauth.mfa.webauthn import forms
from django import forms as django_forms
from django.core.exceptions import ValidationError
from fido2.webauthn import RegistrationResponse

# Signature algorithms a passkey may register with, by COSE number: NIST-approved (FIPS 186-5, FIPS 204)
# ECDSA on P-256/384/521, EdDSA, RSA with a modulus of 2048 bits or more, ML-DSA. fido2 also offers and
# verifies ES256K (secp256k1, not an approved curve) and allauth has no setting to take it out of the
# offer, so such keys are refused here.
APPROVED_ALGORITHMS = {
    -7: "ES256",
    -35: "ES384",
    -36: "ES512",
    -8: "EdDSA",
    -37: "PS256",
    -257: "RS256",
    -48: "ML-DSA-44",
    -49: "ML-DSA-65",
    -50: "ML-DSA-87",
}
RSA_ALGORITHMS = {-37, -257}
MIN_RSA_BITS = 2048
COSE_ALG, COSE_RSA_MODULUS = 3, -1  # COSE key labels (RFC 9052, RFC 8230)

# The fields of an assertion's and an attestation's "response" object, all base64url strings.
ASSERTION_FIELDS = {"clientDataJSON", "authenticatorData", "signature"}
ATTESTATION_FIELDS = {"clientDataJSON", "attestationObject"}


def well_formed(credential, required):
    """True when the credential has the shape of PublicKeyCredential.toJSON()."""
    if not isinstance(credential, dict) or not all(isinstance(credential.get(k), str) for k in ("id", "rawId", "type")):
        return False
    if not isinstance(credential.get("clientExtensionResults", {}), dict):
        return False
    response = credential.get("response")
    if not isinstance(response, dict) or not all(isinstance(response.get(k), str) for k in required):
        return False
    if not isinstance(response.get("userHandle"), str | None):
        return False
    transports = response.get("transports", [])
    return isinstance(transports, list) and all(isinstance(item, str) for item in transports)


class CredentialField(django_forms.JSONField):
    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValueError as error:  # e.g. "Exceeds the limit (4300 digits) for integer string conversion"
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": value}) from error


def refuse_unless_well_formed(credential, required):
    if not well_formed(credential, required):
        raise get_adapter().validation_error("incorrect_code")


class CheckedAssertion(django_forms.Form):
    """Before allauth's own clean_credential: an assertion's JSON shape (passkey login, the second
    step of a sign-in, re-authentication). A Form, so its credential field replaces allauth's."""

    credential = CredentialField(required=True, widget=django_forms.HiddenInput)

    def clean_credential(self):
        refuse_unless_well_formed(self.cleaned_data["credential"], ASSERTION_FIELDS)
        return super().clean_credential()


class LoginWebAuthnForm(CheckedAssertion, forms.LoginWebAuthnForm):
    pass


class AuthenticateWebAuthnForm(CheckedAssertion, forms.AuthenticateWebAuthnForm):
    pass


class ReauthenticateWebAuthnForm(CheckedAssertion, forms.ReauthenticateWebAuthnForm):
    pass


def approved_key(credential):
    """Whether the new passkey's public key uses an approved algorithm, and RSA keys are long enough."""
    key = RegistrationResponse.from_dict(credential).response.attestation_object.auth_data.credential_data.public_key
    if key[COSE_ALG] in RSA_ALGORITHMS:
        return int.from_bytes(key[COSE_RSA_MODULUS]).bit_length() >= MIN_RSA_BITS
    return key[COSE_ALG] in APPROVED_ALGORITHMS


class AddWebAuthnForm(forms.AddWebAuthnForm):
    credential = CredentialField(required=True, widget=django_forms.HiddenInput)

    def clean(self):
        credential = self.cleaned_data.get("credential")
        if credential is not None:
            refuse_unless_well_formed(credential, ATTESTATION_FIELDS)
        cleaned_data = super().clean()  # allauth verifies the attestation against the challenge it issued
        if credential is not None and not self.errors and not approved_key(credential):
            raise ValidationError("This passkey signs with an algorithm this site does not accept.", code="algorithm")
        return cleaned_data
