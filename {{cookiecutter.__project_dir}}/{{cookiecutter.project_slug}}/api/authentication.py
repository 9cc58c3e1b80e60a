"""Personal access tokens (django-rest-knox), with the project's rules on top of knox's checks."""

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth
from rest_framework.exceptions import AuthenticationFailed

from ..accounts.mfa_policy import must_set_up_factor
from ..audit.events import Event, Outcome, record
from .models import Token


class TokenAuthentication(auth.TokenAuthentication):
    """`Authorization: Token <token>`: knox finds the row by the token's first characters, compares
    SHA-512 digests in constant time, and deletes the token once it has expired."""

    def authenticate_credentials(self, token):
        try:
            token.decode()  # knox decodes it as UTF-8 without catching: other bytes would be a 500
        except UnicodeDecodeError as error:
            raise AuthenticationFailed("Invalid token.") from error
        return super().authenticate_credentials(token)

    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)
        # A user who must use a second factor and no longer has one gets nothing through a token either.
        if must_set_up_factor(user):
            raise AuthenticationFailed("This account must set up a second factor first.")
        if auth_token.first_used is None:
            now = timezone.now()
            # One row updated, once: concurrent first requests record the event once.
            if Token.objects.filter(pk=auth_token.pk, first_used=None).update(first_used=now):
                auth_token.first_used = now
                record(Event.API_TOKEN_FIRST_USED, Outcome.SUCCESS, user=user, name=auth_token.name)
        # Every authentication, not only the first: which token opened which request (the request id
        # joins this to the access logs).
        record(Event.API_AUTHENTICATED, Outcome.SUCCESS, user=user, name=auth_token.name, scope=auth_token.scope)
        return user, auth_token


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI schema describes this class as drf-spectacular describes knox's own."""

    target_class = TokenAuthentication
