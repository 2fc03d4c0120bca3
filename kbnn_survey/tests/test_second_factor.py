"""Second factor (TOTP) for staff, through the HTTP client with real codes (django_otp.oath).

Enrol on one's own page (scan, confirm a code); then both login pages want password + code; a
wrong code counts for the lockout; a superuser without a device, where required, can only enrol;
an administrator removes a lost device.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from surveys.tests import factories

PASSWORD = "pw-test-123"  # factories.make_user's
LOGIN_PAGES = ["login", "admin:login"]


def _code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _next_step(clock) -> None:
    """A code is accepted once: the next login waits for the next 30-second step."""
    clock.shift(datetime.timedelta(seconds=31))


def _login(client, page, username, password=PASSWORD, code=None, address="198.51.100.7"):
    data = {"username": username, "password": password}
    if code is not None:
        data["otp_token"] = code
    return client.post(reverse(page), data, REMOTE_ADDR=address)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _enrol(client, user) -> TOTPDevice:
    page = client.get(reverse("second_factor"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "otpauth" not in html  # drawn on the server, secret not in a URL
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'id="second-factor-secret">([A-Z2-7=]+)<', html).group(1)
    assert secret  # the key to type by hand, for a phone that cannot scan
    confirmed = client.post(reverse("second_factor"), {"otp_token": _code(device)})
    assert confirmed.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


@pytest.mark.django_db
def test_a_wrong_code_does_not_confirm_the_enrolment(client):
    user = factories.make_user("canbo", is_staff=True)
    client.force_login(user)
    client.get(reverse("second_factor"))
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    page = client.post(reverse("second_factor"), {"otp_token": wrong})
    assert page.status_code == 200
    assert "Mã xác thực không đúng hoặc đã hết hạn" in page.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    # Without a confirmed device the password alone still logs in (the factor is optional).
    other = Client()
    assert _login(other, "login", "canbo").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_after_enrolment_both_login_pages_want_the_code(client, clock, page):
    user = factories.make_user("canbo", is_staff=True)
    client.force_login(user)
    device = _enrol(client, user)
    assert client.get(reverse("second_factor")).content.decode().count("<svg") == 0  # on now

    _next_step(clock)
    fresh = Client()
    without = _login(fresh, page, "canbo")
    assert without.status_code == 200 and not _logged_in(fresh)
    assert "Nhập mã 6 chữ số" in without.content.decode()
    wrong = _login(fresh, page, "canbo", code="000000" if _code(device) != "000000" else "111111")
    assert wrong.status_code == 200 and not _logged_in(fresh)
    assert "Mã xác thực không đúng hoặc đã hết hạn" in wrong.content.decode()
    clock.shift(datetime.timedelta(seconds=3))  # past django-otp's back-off after one failure
    right = _login(fresh, page, "canbo", code=_code(device))
    assert right.status_code == 302 and _logged_in(fresh)
    # The session knows it was opened with the code: staff pages open.
    assert fresh.get(reverse("second_factor")).status_code == 200
    # The same code is not accepted twice.
    again = Client()
    assert _login(again, page, "canbo", code=_code(device)).status_code == 200
    assert not _logged_in(again)


@pytest.mark.django_db
def test_a_session_opened_without_the_code_is_closed(client):
    user = factories.make_user("canbo", is_staff=True)
    TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    client.force_login(user)  # a password-only session (opened before enrolment elsewhere)
    page = client.get(reverse("staff_landing"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("login"))
    assert not _logged_in(client)


@pytest.mark.django_db
@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_wrong_codes_count_for_the_lockout(client, clock, page):
    user = factories.make_user("canbo", is_staff=True)
    device = TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    for n in range(19):
        code = f"{(int(_code(device)) + 1 + n) % 1_000_000:06d}"
        assert _login(client, page, "canbo", code=code).status_code == 200
    code = f"{(int(_code(device)) + 500) % 1_000_000:06d}"
    assert _login(client, page, "canbo", code=code).status_code == 429
    clock.shift(datetime.timedelta(minutes=5))  # django-otp's back-off is over; axes' is not
    locked = _login(client, page, "canbo", code=_code(device))
    assert locked.status_code == 429 and "bị khoá" in locked.content.decode()
    assert not _logged_in(client)


@pytest.mark.django_db
def test_a_superuser_without_a_device_can_only_enrol_where_it_is_required(client, settings):
    settings.OTP_REQUIRED_FOR_SUPERUSERS = True
    root = factories.make_user("root", is_staff=True, is_superuser=True)
    assert _login(client, "admin:login", "root").status_code == 302
    for url in (reverse("admin:index"), reverse("staff_landing"), reverse("reports:list")):
        page = client.get(url)
        assert page.status_code == 302 and page["Location"] == reverse("second_factor"), url
    enrol = client.get(reverse("second_factor"))
    assert enrol.status_code == 200 and "<svg" in enrol.content.decode()
    device = TOTPDevice.objects.get(user=root)
    assert client.post(reverse("second_factor"), {"otp_token": _code(device)}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    # Staff who are not superusers are not forced.
    factories.make_user("canbo", is_staff=True)
    other = Client()
    assert _login(other, "login", "canbo").status_code == 302
    assert other.get(reverse("staff_landing")).status_code == 302
    assert other.get(reverse("staff_landing"))["Location"] != reverse("second_factor")


@pytest.mark.django_db
def test_an_administrator_removes_a_lost_device_and_the_password_logs_in_again(client, clock):
    user = factories.make_user("canbo", is_staff=True)
    device = TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    assert _login(client, "login", "canbo").status_code == 200  # the code is required
    admin = factories.make_user("root", is_staff=True, is_superuser=True)
    staff = Client()
    staff.force_login(admin)
    listing = staff.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert listing.status_code == 200 and "canbo" in listing.content.decode()
    staff.post(
        reverse("admin:otp_totp_totpdevice_changelist"),
        {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"},
    )
    assert not TOTPDevice.objects.filter(user=user).exists()
    clock.shift(datetime.timedelta(seconds=5))
    assert _login(Client(), "login", "canbo").status_code == 302
