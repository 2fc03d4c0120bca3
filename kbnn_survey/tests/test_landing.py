"""Each role lands where it works after logging in on /accounts/login/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from surveys.tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-2026"


def _login(client, user, **query):
    user.set_password(PASSWORD)
    user.save()
    url = reverse("login")
    if query:
        url += f"?next={query['next']}"
    credentials = {"username": user.username, "password": PASSWORD}
    response = client.post(url, credentials, follow=True)
    assert response.status_code == 200
    return response.redirect_chain[-1][0]


@pytest.mark.parametrize(
    ("make", "landing"),
    [
        (lambda: factories.survey_team(), "admin:surveys_campaign_changelist"),
        (lambda: factories.leadership(), "dashboard:index"),
        (lambda: factories.unit_manager(factories.make_unit("KSC")), "followups:list"),
        (lambda: factories.make_user("root", is_staff=True, is_superuser=True), "admin:index"),
        (lambda: factories.make_user("nobody", is_staff=True), "surveys:home"),
    ],
)
def test_each_role_lands_on_its_work(client, make, landing):
    assert _login(client, make()) == reverse(landing)


def test_a_page_that_asked_for_the_login_still_wins(client):
    assert _login(client, factories.leadership(), next="/reports/") == "/reports/"


def test_the_landing_page_asks_for_a_login(client):
    response = client.get(reverse("staff_landing"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
