"""Logins that resist guessing: 20 wrong passwords lock the account (and the address), on both
login pages; the right password is then refused until an administrator unlocks it."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from surveys.tests import factories

PASSWORD = "pw-test-123"  # factories.make_user's
LOGIN_PAGES = ["login", "admin:login"]


def _login(client, page: str, username: str, password: str, address: str = "198.51.100.7"):
    return client.post(
        reverse(page), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_twenty_wrong_passwords_lock_the_account_until_an_administrator_unlocks_it(client, page):
    factories.make_user("canbo", is_staff=True)
    for _ in range(19):
        assert _login(client, page, "canbo", "doan-sai").status_code == 200
    assert _login(client, page, "canbo", "doan-sai").status_code == 429
    # Locked: the right password is refused too, with a message in Vietnamese...
    locked = _login(client, page, "canbo", PASSWORD)
    assert locked.status_code == 429
    assert "bị khoá" in locked.content.decode()
    assert not _logged_in(client)
    # ...also from another address (the lock is on the account).
    assert _login(client, page, "canbo", PASSWORD, address="203.0.113.9").status_code == 429

    # An administrator unlocks it in the admin (deleting its failed attempts).
    admin = factories.make_user("root", is_staff=True, is_superuser=True)
    staff = client.__class__()
    staff.force_login(admin)
    attempts = list(AccessAttempt.objects.filter(username="canbo").values_list("pk", flat=True))
    assert attempts
    page_list = staff.get(reverse("admin:axes_accessattempt_changelist"))
    assert page_list.status_code == 200 and "canbo" in page_list.content.decode()
    staff.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )
    assert not AccessAttempt.objects.filter(username="canbo").exists()
    assert _login(client, page, "canbo", PASSWORD).status_code == 302
    assert _logged_in(client)


@pytest.mark.django_db
def test_an_address_guessing_many_accounts_is_locked_but_others_still_log_in(client):
    factories.make_user("canbo", is_staff=True)
    for n in range(20):
        _login(client, "login", f"khong-co-{n}", "doan-sai")
    assert _login(client, "login", "canbo", PASSWORD).status_code == 429
    assert _login(client, "login", "canbo", PASSWORD, address="203.0.113.9").status_code == 302


@pytest.mark.django_db
def test_a_few_wrong_passwords_do_not_lock(client):
    factories.make_user("canbo", is_staff=True)
    for _ in range(5):
        _login(client, "login", "canbo", "doan-sai")
    assert _login(client, "login", "canbo", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_password_reset_sends_only_a_few_emails(client, settings):
    factories.make_user("canbo", is_staff=True, email="canbo@example.invalid")
    url = reverse("password_reset")
    replies = [
        client.post(url, {"email": "canbo@example.invalid"}, REMOTE_ADDR=f"198.51.100.{n}")
        for n in range(10)
    ]
    # Three per e-mail address and hour, whatever addresses the requests come from.
    assert [r.status_code for r in replies] == [302] * 3 + [429] * 7
    assert len(mail.outbox) == 3
    assert "Không có thư nào được gửi" in replies[-1].content.decode()


@pytest.mark.django_db
def test_password_reset_is_limited_per_client_address(client):
    url = reverse("password_reset")
    codes = [client.post(url, {"email": f"x{n}@example.invalid"}).status_code for n in range(7)]
    assert codes == [302] * 5 + [429] * 2
