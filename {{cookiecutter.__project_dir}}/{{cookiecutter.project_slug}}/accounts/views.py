from allauth.account.decorators import reauthentication_required
from allauth.mfa.webauthn.views import login_webauthn
from allauth.usersessions.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ..audit.events import Event, Outcome, record


@require_POST
@login_required
@reauthentication_required
def end_session(request, pk):
    """End one of the user's other sessions: its cookie signs nobody in any more."""
    session = get_object_or_404(UserSession, pk=pk, user=request.user)
    if session.is_current():
        return redirect("usersessions_list")  # this session ends through logout, which clears its cookie
    get_adapter().end_sessions([session])  # accounts/adapters.py records it
    messages.success(request, "Session ended.")
    return redirect("usersessions_list")


def passkey_login(request, *args, **kwargs):
    """allauth's passkey sign-in. A refused assertion (malformed, replayed, from another origin, for an
    unknown key) is recorded and answered 400; allauth itself redirects back to the login page."""
    response = login_webauthn(request, *args, **kwargs)
    if request.method == "POST" and response.status_code == 302 and not request.user.is_authenticated:
        record(Event.TWO_FACTOR_FAILED, Outcome.FAILURE, request, factor="webauthn", step="passkey sign-in")
        return render(request, "400.html", status=400)
    return response
