"""Second factor for staff: a TOTP code (django-otp) after the password, on both login pages.

Optional for staff: whoever enrolled a device (`/accounts/xac-thuc-hai-buoc/`: scan the QR code,
confirm one code) must give a code at every login; required for superusers where
OTP_REQUIRED_FOR_SUPERUSERS is on (the production profile): a superuser without a confirmed
device is sent to the enrolment page and can do nothing else. A wrong or missing code counts as
a failed login for django-axes (the `user_login_failed` signal), so guessing codes locks the
account like guessing passwords. An administrator removes a lost device in the admin
(*OTP TOTP → TOTP devices*); its owner then logs in with the password alone and enrols again.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Ứng dụng xác thực"


# --- Services -------------------------------------------------------------------------------
def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def totp_enrolment_start(*, user) -> TOTPDevice:
    """The unconfirmed device the user is enrolling (a new secret the first time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def totp_enrolment_confirm(*, user, token: str) -> TOTPDevice | None:
    """Confirm the device being enrolled with one code from it; None if the code is wrong."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-pk")
            .first()
        )
        if device is None or not device.verify_token(token):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return device


def totp_verify(*, user, token: str) -> tuple[TOTPDevice | None, bool]:
    """(the device that accepted the code, whether verification was allowed at all)."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            return None, True
        allowed, _extra = device.verify_is_allowed()
        if allowed and device.verify_token(token):
            return device, True
        return None, allowed


# --- Login forms ------------------------------------------------------------------------------
def _token_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Authentication code"),
        required=False,
        max_length=12,
        help_text=gettext_lazy("Only if you enabled two-step verification: 6 digits from the app."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )


class SecondFactorMixin:
    """After the password: a user with a confirmed device must give a valid code."""

    def check_second_factor(self) -> None:
        user = self.get_user()
        if user is None or not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return
        token = "".join(str(self.cleaned_data.get("otp_token") or "").split())
        if not token:
            self._code_failed(user)
            raise forms.ValidationError(
                _("Enter the 6-digit code from your authentication app."), code="token_required"
            )
        device, allowed = totp_verify(user=user, token=token)
        if device is None:
            self._code_failed(user)
            if not allowed:
                raise forms.ValidationError(
                    _("Too many wrong codes: wait a few seconds, then try again."),
                    code="throttled",
                )
            raise forms.ValidationError(
                _("The authentication code is wrong or has expired."), code="invalid_token"
            )
        user.otp_device = device  # django_otp's user_logged_in handler marks the session

    def _code_failed(self, user) -> None:
        # The password was right but the login fails: django-axes counts it like a wrong one.
        user_login_failed.send(
            sender=type(self),
            credentials={"username": self.cleaned_data.get("username")},
            request=self.request,
        )


class StaffLoginForm(SecondFactorMixin, AuthenticationForm):
    otp_token = _token_field()

    def clean(self):
        cleaned = super().clean()
        self.check_second_factor()
        return cleaned


class AdminStaffLoginForm(SecondFactorMixin, AdminAuthenticationForm):
    otp_token = _token_field()

    def clean(self):
        cleaned = super().clean()
        self.check_second_factor()
        return cleaned


# --- The enrolment page ---------------------------------------------------------------------
class TokenForm(forms.Form):
    otp_token = forms.CharField(label=gettext_lazy("Code shown by the app"), max_length=12)


@login_required
def enrol(request):
    """Scan, confirm one code; a user whose device is confirmed sees that it is on."""
    if confirmed_device(request.user) is not None:
        return render(request, "registration/second_factor.html", {"enabled": True})
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = "".join(form.cleaned_data["otp_token"].split())
        device = totp_enrolment_confirm(user=request.user, token=token)
        if device is not None:
            otp_login(request, device)
            messages.success(request, _("Two-step verification is on for your account."))
            return redirect("second_factor")
        form.add_error("otp_token", _("The authentication code is wrong or has expired."))
    device = totp_enrolment_start(user=request.user)
    # Drawn here, inline SVG: the secret never leaves for a QR service or a CDN.
    qr = segno.make(device.config_url, error="m").svg_inline(scale=5)
    secret = b32encode(device.bin_key).decode()
    context = {"form": form, "qr": qr, "secret": secret, "enabled": False}
    return render(request, "registration/second_factor.html", context)


# --- Enforcement ------------------------------------------------------------------------------
class SecondFactorMiddleware:
    """After django-otp's middleware: a session opened without the code of a user who has a
    device is closed (back to the login page); a superuser without a device, where one is
    required, may only enrol or log out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            redirect_to = self._redirect(request, user)
            if redirect_to:
                return redirect(redirect_to)
        return self.get_response(request)

    def _redirect(self, request, user) -> str | None:
        has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        if has_device:
            logout(request)
            return f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}"
        if user.is_superuser and getattr(settings, "OTP_REQUIRED_FOR_SUPERUSERS", False):
            allowed = {
                reverse("second_factor"),
                reverse("logout"),
                reverse("admin:logout"),
                reverse("set_language"),
            }
            if request.path not in allowed:
                return reverse("second_factor")
        return None


# --- Admin ----------------------------------------------------------------------------------
class TOTPDeviceAdmin(admin.ModelAdmin):
    """An administrator sees whose devices exist and removes a lost one. The secret is never
    shown (django-otp's own admin offers its QR code and key to every administrator)."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def admin_register(site: admin.AdminSite) -> None:
    if site.is_registered(TOTPDevice):
        site.unregister(TOTPDevice)
    site.register(TOTPDevice, TOTPDeviceAdmin)
