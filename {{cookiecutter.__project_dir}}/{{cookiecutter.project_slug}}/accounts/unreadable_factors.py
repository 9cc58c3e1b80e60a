"""A stored TOTP secret that no MFA key decrypts: a database restored beside another DJANGO_MFA_KEY, or a
key dropped from DJANGO_MFA_KEY_FALLBACKS before rotate_mfa_key ran. The user gets a 503 page saying what
they can do, and the operator a security event naming the account, instead of a 500 (docs/keys.md,
*A lost or wrong DJANGO_MFA_KEY*)."""

from allauth.mfa.base import forms
from django.shortcuts import render

from ..audit.events import Event, Outcome, record
from .adapters import UndecryptableSecret


class AuthenticateForm(forms.AuthenticateForm):
    """allauth's code step (MFA_FORMS): the account signing in is known to the form, not yet to the
    request, so the form names it on the error."""

    def clean_code(self):
        try:
            return super().clean_code()
        except UndecryptableSecret as error:
            error.user = self.user
            raise


class UnreadableFactorsMiddleware:
    """Answers UndecryptableSecret from any view (the code step, re-authentication) with the page, and
    records it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, UndecryptableSecret):
            return None
        record(Event.TWO_FACTOR_UNREADABLE, Outcome.FAILURE, request, user=exception.user)
        return render(request, "mfa/unreadable.html", status=503)
