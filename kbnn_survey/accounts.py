"""Staff accounts: the password reset that cannot be used to flood a mailbox.

Logins are guarded by django-axes (settings/hardening.py); the reset form sends at most
PASSWORD_RESET_RATE e-mails per client address and PASSWORD_RESET_EMAIL_RATE per address typed.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render

from surveys.ratelimiting import client_address, rate_exceeded, value_rate_exceeded

RESET_GROUP = "accounts.password_reset"


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    def post(self, request, *args, **kwargs):
        email = str(request.POST.get("email", "")).strip().lower()
        # Both counts move on every request, so neither alone can be dodged.
        by_client = rate_exceeded(request, group=RESET_GROUP, rate=settings.PASSWORD_RESET_RATE)
        by_email = value_rate_exceeded(
            group=RESET_GROUP, value=email, rate=settings.PASSWORD_RESET_EMAIL_RATE
        )
        if by_client or by_email:
            return render(request, "registration/password_reset_throttled.html", status=429)
        return super().post(request, *args, **kwargs)


def axes_client_address(request) -> str | None:
    """The client address for django-axes: the rate limits' (CLIENT_IP_HEADER, last hop),
    None when there is no valid one (axes stores it in an address column)."""
    address = client_address(request)
    return None if address == "unknown" else address
