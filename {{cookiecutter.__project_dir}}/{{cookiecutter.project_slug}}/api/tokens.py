"""The owner's token pages (/accounts/tokens/): list, create, revoke.

A token is created only in a session that passed a second factor (or added one): a stolen password
alone cannot mint a token, and a staff account whose session skipped the factor cannot get one to go
around the rule. Creating and revoking ask for the password again (ACCOUNT_REAUTHENTICATION_TIMEOUT).
"""

from allauth.account.decorators import reauthentication_required
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..accounts.mfa_policy import session_passed_mfa
from ..audit.events import Event, Outcome, record
from .models import Token


class TokenForm(forms.ModelForm):
    class Meta:
        model = Token
        fields = ["name", "scope"]


@login_required
@reauthentication_required(allow_get=True)
def token_list(request):
    may_create = session_passed_mfa(request)
    active = Token.objects.filter(user=request.user, expiry__gt=timezone.now())
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        if not may_create:
            raise PermissionDenied("Tokens are created only in a session that passed a second factor.")
        if active.count() >= settings.REST_KNOX["TOKEN_LIMIT_PER_USER"]:
            form.add_error(None, "You have as many tokens as allowed: revoke one first.")
        elif form.is_valid():
            token, secret = Token.objects.create(
                user=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
            )
            record(Event.API_TOKEN_CREATED, Outcome.SUCCESS, request, name=token.name, scope=token.scope)
            # Shown in this answer only (account pages are never cached): the database keeps a digest.
            return render(request, "api/token_created.html", {"token": token, "secret": secret})
    context = {"tokens": active, "form": form, "may_create": may_create, "ttl": settings.REST_KNOX["TOKEN_TTL"]}
    return render(request, "api/token_list.html", context)


@require_POST
@login_required
@reauthentication_required
def token_revoke(request):
    token = get_object_or_404(Token, user=request.user, digest=request.POST.get("digest", ""))
    token.delete()
    record(Event.API_TOKEN_REVOKED, Outcome.SUCCESS, request, owner_id=token.user_id, name=token.name, by="owner")
    messages.success(request, "Token revoked.")
    return redirect("api_tokens")
