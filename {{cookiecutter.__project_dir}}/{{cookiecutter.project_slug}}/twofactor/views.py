"""Second-factor pages: the code step after the password, enrolment, and device management.

Every code check is throttled twice: django-otp doubles a device's wait after each wrong code, and
django-ratelimit caps attempts per account and per client before any code is compared.
"""

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_otp import login as otp_login

from ..security.events import Event, Outcome, record
from ..security.throttle import limited
from .forms import CodeForm, PasswordForm
from .models import RecoveryCodeDevice, TOTPDevice
from .policy import has_device, second_factor_required


def next_url(request):
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=True):
        return candidate
    return settings.LOGIN_REDIRECT_URL


def with_next(view_name, request):
    return f"{reverse(view_name)}?{urlencode({'next': next_url(request)})}"


def mark_verified(request, device):
    otp_login(request, device)
    request.session.cycle_key()  # a session id seen before the second factor is worthless after it


def check_code(user, code):
    """The confirmed device that accepts this code, or None; (device, waiting) when throttled."""
    # A 6-digit code is for the app, anything else for the recovery codes: a typo in one kind does not
    # slow down the other.
    digits = code.strip().replace(" ", "")
    device_model = TOTPDevice if digits.isdigit() and len(digits) == TOTPDevice.DIGITS else RecoveryCodeDevice
    with transaction.atomic():
        devices = list(device_model.objects.select_for_update().filter(user=user, confirmed=True))
        throttled = [device for device in devices if not device.verify_is_allowed()[0]]
        for device in devices:
            if device not in throttled and device.verify_token(code):
                return device, False
    return None, bool(throttled)


def render_codes(request, codes):
    """Recovery codes are shown in this one response and never stored in clear."""
    return render(request, "twofactor/recovery_codes.html", {"codes": codes, "next": next_url(request)})


@limited("ip", settings.RATELIMIT_OTP_PER_IP)
@limited("user", settings.RATELIMIT_OTP_PER_USER)
class VerifyView(LoginRequiredMixin, View):
    """The code step after the password."""

    template_name = "twofactor/verify.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not has_device(user) and second_factor_required(user):
            return redirect(with_next("twofactor:enrol", request))
        if user.is_authenticated and (user.is_verified() or not has_device(user)):
            return redirect(next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": CodeForm(), "next": next_url(request)})

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            device, throttled = check_code(request.user, form.cleaned_data["code"])
            if device:
                mark_verified(request, device)
                if isinstance(device, RecoveryCodeDevice):
                    left = device.codes.count()
                    record(Event.RECOVERY_CODE_USED, Outcome.SUCCESS, request, remaining=left)
                    messages.warning(request, f"Recovery code used: {left} left. Generate new ones if you are low.")
                return redirect(next_url(request))
            record(Event.TWO_FACTOR_FAILED, Outcome.FAILURE, request, step="sign-in", throttled=throttled)
            form.add_error(
                "code",
                "Too many wrong codes: wait a few seconds and try again."
                if throttled
                else "That code is not valid, or was already used.",
            )
        return render(request, self.template_name, {"form": form, "next": next_url(request)})


@limited("ip", settings.RATELIMIT_OTP_PER_IP)
@limited("user", settings.RATELIMIT_OTP_PER_USER)
class EnrolView(LoginRequiredMixin, View):
    """Set up an authenticator app: it counts once the user enters a code it generated."""

    template_name = "twofactor/enrol.html"

    def device(self, request):
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        return device or TOTPDevice.start_enrolment(request.user)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and has_device(request.user) and not request.user.is_verified():
            return redirect(with_next("twofactor:verify", request))
        return super().dispatch(request, *args, **kwargs)

    def context(self, request, device, form):
        qr = segno.make(device.provisioning_uri(), error="m")
        return {
            "form": form,
            "next": next_url(request),
            "qr_svg": qr.svg_inline(scale=5, dark="#1d1d1f", light="#ffffff", omitsize=True),
            "secret": " ".join(device.base32_secret[i : i + 4] for i in range(0, len(device.base32_secret), 4)),
            "required": second_factor_required(request.user),
        }

    def get(self, request):
        return render(request, self.template_name, self.context(request, self.device(request), CodeForm()))

    def post(self, request):
        device = self.device(request)
        form = CodeForm(request.POST)
        if form.is_valid() and device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                recovery, _ = RecoveryCodeDevice.objects.get_or_create(
                    user=request.user, defaults={"name": "Recovery codes"}
                )
                codes = recovery.regenerate()
            mark_verified(request, device)
            record(Event.TWO_FACTOR_ENROLLED, Outcome.SUCCESS, request, device=device.name)
            return render_codes(request, codes)
        if form.is_valid():
            record(Event.TWO_FACTOR_FAILED, Outcome.FAILURE, request, step="enrolment")
            form.add_error("code", "That code is not valid: check the app shows this site, and try the next one.")
        return render(request, self.template_name, self.context(request, device, form))


class DevicesView(LoginRequiredMixin, View):
    """The user's authenticator apps and recovery codes."""

    def get(self, request):
        recovery = RecoveryCodeDevice.objects.filter(user=request.user).first()
        return render(
            request,
            "twofactor/devices.html",
            {
                "devices": TOTPDevice.objects.filter(user=request.user, confirmed=True),
                "codes_left": recovery.codes.count() if recovery else 0,
                "code_form": CodeForm(),
                "password_form": PasswordForm(request.user),
                "required": second_factor_required(request.user),
            },
        )


@limited("ip", settings.RATELIMIT_OTP_PER_IP)
@limited("user", settings.RATELIMIT_OTP_PER_USER)
class RegenerateCodesView(LoginRequiredMixin, View):
    """New recovery codes, after the user proves they still hold the app (a fresh code)."""

    def post(self, request):
        form = CodeForm(request.POST)
        device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
        if device and form.is_valid() and device.verify_token(form.cleaned_data["code"]):
            recovery, _ = RecoveryCodeDevice.objects.get_or_create(
                user=request.user, defaults={"name": "Recovery codes"}
            )
            record(Event.RECOVERY_CODES_REGENERATED, Outcome.SUCCESS, request)
            return render_codes(request, recovery.regenerate())
        record(Event.TWO_FACTOR_FAILED, Outcome.FAILURE, request, step="recovery-code regeneration")
        messages.error(request, "Recovery codes unchanged: that code is not valid, or was already used.")
        return redirect("twofactor:devices")


@limited("ip", settings.RATELIMIT_OTP_PER_IP)
@limited("user", settings.RATELIMIT_OTP_PER_USER)
class RemoveDeviceView(LoginRequiredMixin, View):
    """Remove an authenticator app, after the user re-enters their password."""

    def post(self, request, pk):
        device = get_object_or_404(TOTPDevice, pk=pk, user=request.user, confirmed=True)
        form = PasswordForm(request.user, request.POST)
        if not form.is_valid():
            messages.error(request, "Device kept: " + " ".join(form.errors.get("password", ["password required."])))
            return redirect("twofactor:devices")
        with transaction.atomic():
            device.delete()
            if not has_device(request.user):
                RecoveryCodeDevice.objects.filter(user=request.user).delete()
        record(Event.TWO_FACTOR_REMOVED, Outcome.SUCCESS, request, device=device.name)
        messages.success(request, "Authenticator app removed.")
        return redirect("twofactor:devices")
