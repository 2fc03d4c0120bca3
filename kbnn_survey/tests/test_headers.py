"""Headers: a Content-Security-Policy on every page and no inline script; the proxy's scheme
header trusted only when named; e-mail subjects in plain text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from dashboard.tests.test_permission_walk import _url, all_patterns, world  # noqa: F401
from surveys.tests import factories

from .test_settings import STRONG_KEY, run_manage

ROOT = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")")
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def test_no_template_holds_an_inline_script_or_handler():
    offenders = []
    for template in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text):
            offenders.append(str(template.relative_to(ROOT)))
    assert not offenders


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy(client, world):  # noqa: F811
    client.force_login(factories.make_user("root", is_staff=True, is_superuser=True))
    missing = []
    seen = 0
    for route, name, pattern in all_patterns():
        response = client.get(_url(route, name, pattern, world["values"]))
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        seen += 1
        policy = response.get("Content-Security-Policy", "")
        if "script-src 'self'" not in policy or "unsafe-inline" in policy.split("style-src")[0]:
            missing.append(f"{route} -> {policy!r}")
    assert seen > 30
    assert not missing, missing


@pytest.mark.django_db
def test_error_pages_and_the_public_survey_carry_it_too(client, world):  # noqa: F811
    for url in ["/khong-co-trang-nay/", "/huy-nhan-thu/%00/", reverse("surveys:home")]:
        assert "default-src 'self'" in client.get(url)["Content-Security-Policy"]


def test_the_proxy_scheme_header_is_trusted_only_when_named():
    common = {
        "DEBUG": "0",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "khaosat.kbnn.example.vn",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/kbnn",
        "SITE_URL": "https://khaosat.kbnn.example.vn",
    }
    show = "from django.conf import settings; print(repr(settings.SECURE_PROXY_SSL_HEADER))"
    unset = run_manage("shell", "-c", show, **common)
    assert unset.stdout.strip().splitlines()[-1] == "None", unset.stderr
    named = run_manage("shell", "-c", show, PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO", **common)
    expected = "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert named.stdout.strip().splitlines()[-1] == expected, named.stderr


@pytest.mark.django_db
def test_an_assignment_email_subject_is_plain_text(django_capture_on_commit_callbacks):
    from followups import services

    unit = factories.make_unit("KSC")
    campaign = factories.make_campaign([unit])
    manager = factories.unit_manager(unit, "quanly")
    manager.email = "quanly@example.invalid"
    manager.save()
    comment = factories.make_response(campaign, unit, comment="Chờ lâu")
    with django_capture_on_commit_callbacks(execute=True):
        services.followup_open(
            campaign=campaign,
            unit=unit,
            title="<script>alert(1)</script> & chờ lâu",
            response_ids=[comment.pk],
            deadline=campaign.closes_on,
            user=factories.survey_team(),
        )
    subjects = [m.subject for m in mail.outbox]
    assert subjects and all("<script>alert(1)</script> & chờ lâu" in s for s in subjects)
    assert not any("&lt;" in s or "&amp;" in s for s in subjects)
