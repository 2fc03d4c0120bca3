"""Walk EVERY URL pattern of the portal with each role and check the answer.

The patterns come from the URL resolver, so a URL added anywhere is walked; each must have an
entry in EXPECTED (a new URL fails `test_every_url_has_an_expectation` until someone decides who
may see it). Parameters are filled with real objects of unit B, and the unit manager manages unit
A: a 200 for them must never show B's private data (its comments, follow-ups, evidence), and
dashboard/follow-up pages must not even name unit B.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from followups import services
from followups.models import FollowUpStatus
from reports.models import ReportRun, ReportStatus
from surveys.models import Channel
from surveys.tests import factories

ROLES = ("anon", "manager", "boss", "team")
B_COMMENT = "BIMAT-Y-KIEN-CUA-B"
B_TITLE = "BIMAT-VIEC-CUA-B"
B_ACTION = "BIMAT-BIEN-PHAP-CUA-B"
B_FILE = "bimat-minh-chung-b.pdf"
B_UNIT = "KBNN Đơn Vị Bê"
PRIVATE_MARKERS = (B_COMMENT, B_TITLE, B_ACTION, B_FILE)

OK = {200}
LOGIN = {302}  # to a log-in page (checked below)
DENY = {302, 403, 404, 405}  # never 200: a log-in redirect, forbidden, not found, wrong method
NOT_FOUND = {404}
ANY = {200, 204, 302, 400, 403, 404, 405, 410, 503}  # anything but a server error


@dataclass(frozen=True)
class Expect:
    anon: set
    manager: set
    boss: set
    team: set
    method: str = "get"
    # Pages where the manager may legitimately read unit B's NAME (public survey pages);
    # private markers are checked everywhere.
    names_b: bool = False

    def for_role(self, role: str) -> set:
        return getattr(self, role)


TEAM_ONLY = Expect(anon=DENY, manager=DENY, boss=DENY, team=OK)
PUBLIC = Expect(anon=OK, manager=OK, boss=OK, team=OK, names_b=True)
ADMIN = Expect(anon=LOGIN, manager=LOGIN, boss=ANY, team=ANY)

# Key: "namespace:name", or the route for unnamed patterns (the admin's model views).
EXPECTED: dict[str, Expect] = {
    "healthz": Expect(ANY, ANY, ANY, ANY, names_b=True),
    "set_language": Expect(ANY, ANY, ANY, ANY, names_b=True),
    "login": PUBLIC,
    # Each role is sent on to its own work (kbnn_survey/landing.py).
    "staff_landing": Expect(anon=LOGIN, manager={302}, boss={302}, team={302}),
    "logout": Expect(ANY, ANY, ANY, ANY),
    "password_change": Expect(anon=LOGIN, manager=OK, boss=OK, team=OK),
    # Every staff member may turn on their own second factor (issue 14).
    "second_factor": Expect(anon=LOGIN, manager=OK, boss=OK, team=OK),
    "password_change_done": Expect(anon=LOGIN, manager=OK, boss=OK, team=OK),
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,
    "password_reset_complete": PUBLIC,
    "admin:login": Expect(anon=OK, manager=OK, boss=ANY, team=ANY),
    "admin:logout": Expect(ANY, ANY, ANY, ANY),
    "admin:jsi18n": Expect(ANY, ANY, ANY, ANY),
    "admin:index": ADMIN,
    "admin:password_change": ADMIN,
    "admin:autocomplete": ADMIN,
    "admin:app_list": ADMIN,
    "admin:view_on_site": ADMIN,
    "admin/(?P<url>.*)$": ADMIN,
    # reports (issue 5): leadership and the survey team only.
    # A unit manager compiles and downloads their own unit's report there (issue 13).
    "reports:list": Expect(anon=DENY, manager=OK, boss=OK, team=OK),
    "reports:detail": Expect(anon=DENY, manager=DENY, boss=OK, team=OK),
    "reports:progress": Expect(anon=DENY, manager=DENY, boss=OK, team=OK),
    "reports:download": Expect(anon=DENY, manager=DENY, boss=OK, team=OK),
    "reports:lock": Expect(anon=DENY, manager=DENY, boss=ANY, team=ANY, method="post"),
    # dashboard: everyone with a role; the manager sees only unit A.
    "dashboard:index": Expect(anon=LOGIN, manager=OK, boss=OK, team=OK),
    "dashboard:quota": Expect(anon=LOGIN, manager=OK, boss=OK, team=OK),
    "dashboard:signals_refresh": Expect(
        anon=LOGIN, manager={403}, boss={403}, team={302}, method="post"
    ),
    # follow-ups: B's follow-up is invisible (404) to A's manager, read-only for leadership.
    "followups:status_lookup": PUBLIC,
    "followups:status": PUBLIC,
    # Public, POST only; the walk posts without a CSRF check: a redirect back to the status.
    "fieldwork:personal_data": TEAM_ONLY,
    "object_history": Expect(anon=LOGIN, manager=ANY, boss=ANY, team=ANY),
    "fieldwork:response_correction": Expect(anon=DENY, manager=DENY, boss=DENY, team=ANY),
    "followups:consent_withdraw": Expect(ANY, ANY, ANY, ANY, method="post", names_b=True),
    "followups:comments": Expect(anon=LOGIN, manager=OK, boss=OK, team=OK),
    "followups:list": Expect(anon=LOGIN, manager=OK, boss=OK, team=OK),
    "followups:detail": Expect(anon=LOGIN, manager=NOT_FOUND, boss=OK, team=OK),
    "followups:evidence_download": Expect(anon=LOGIN, manager=NOT_FOUND, boss=OK, team=OK),
    "followups:assign": Expect(
        anon=LOGIN, manager=NOT_FOUND, boss={403}, team={302}, method="post"
    ),
    "followups:evidence_upload": Expect(
        anon=LOGIN, manager=NOT_FOUND, boss={403}, team={302}, method="post"
    ),
    "followups:update": Expect(
        anon=LOGIN, manager=NOT_FOUND, boss={403}, team={302}, method="post"
    ),
    # fieldwork (issue 4): the survey team's paper keying and invitations.
    "fieldwork:batches": TEAM_ONLY,
    "fieldwork:keying": Expect(anon=DENY, manager=DENY, boss=DENY, team={200, 404}),
    "fieldwork:settle": Expect(anon=DENY, manager=DENY, boss=DENY, team={200, 302, 404}),
    "fieldwork:responses_upload": TEAM_ONLY,
    # a large import's page (issue 14): whoever may upload its kind; the walk's job is missing.
    "fieldwork:import_job": Expect(anon=LOGIN, manager=DENY, boss=DENY, team={200, 404}),
    "fieldwork:import_job_status": Expect(anon=LOGIN, manager=DENY, boss=DENY, team={200, 404}),
    "fieldwork:import_job_retry": Expect(
        anon=LOGIN, manager=DENY, boss=DENY, team={302, 404}, method="post"
    ),
    "fieldwork:responses_template": TEAM_ONLY,
    "fieldwork:invitations": TEAM_ONLY,
    "fieldwork:invitation_template": TEAM_ONLY,
    "fieldwork:invitations_send": Expect(
        anon=DENY, manager=DENY, boss=DENY, team=ANY, method="post"
    ),
    "fieldwork:opt_out": Expect(ANY, ANY, ANY, ANY, names_b=True),
    "fieldwork:portal_invitations": Expect(DENY, DENY, DENY, DENY),
    # organisation (issue 12): the survey team's unit sheet and reorganisations.
    "organisation:units_upload": TEAM_ONLY,
    "organisation:units_template": TEAM_ONLY,
    "organisation:units_export": TEAM_ONLY,
    "organisation:reorganise": TEAM_ONLY,
    # the public survey (issue 3)
    "surveys:home": PUBLIC,
    "surveys:unit_picker": PUBLIC,
    "surveys:unit_survey": PUBLIC,
    "surveys:invitation_survey": PUBLIC,
    "surveys:thanks": PUBLIC,
    "surveys:campaign_posters": Expect(anon=LOGIN, manager={403}, boss={403}, team=OK),
    "surveys:unit_poster": Expect(anon=LOGIN, manager={403}, boss={403}, team=OK),
    # the counter tablet (issue 16): nothing without a kiosk's credential, whoever is logged in
    "kiosk:page": Expect({403}, {403}, {403}, {403}),
    "kiosk:answer": Expect(DENY, DENY, DENY, DENY),
    "kiosk:form_token": Expect({403}, {403}, {403}, {403}),
    "kiosk:service_worker": Expect(OK, OK, OK, OK),
    "kiosk:enrol": Expect({410}, {410}, {410}, {410}),
}


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name, p


def all_patterns():
    return list(_walk(get_resolver().url_patterns))


ADMIN_MODEL = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/")


def key_of(route: str, name: str | None) -> str:
    if name and name.startswith("admin:") and ADMIN_MODEL.match(route):
        return "admin:<model>"  # the admin's per-model views: one rule for all of them
    if not name and ADMIN_MODEL.match(route):
        return "admin:<model>"
    return name or route


EXPECTED["admin:<model>"] = ADMIN


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = factories.make_unit("UA", name="Phòng Đơn Vị A")
    b = factories.make_unit("UB", name=B_UNIT)
    campaign = factories.make_campaign([a, b], slug="dot-walk")
    team = factories.survey_team()
    boss = factories.leadership()
    manager = factories.unit_manager(a, "quanly.a")
    factories.make_response(campaign, a, comment="Ý kiến của A")
    b_comment = factories.make_response(campaign, b, comment=B_COMMENT)
    b_keyed = factories.make_response(
        campaign, b, channel=Channel.WEB, idempotency_key=uuid.uuid4()
    )
    followup = services.followup_open(
        campaign=campaign,
        unit=b,
        title=B_TITLE,
        response_ids=[b_comment.pk],
        deadline=campaign.closes_on,
        user=team,
    )
    services.followup_record_action(followup=followup, action_taken=B_ACTION, user=team)
    evidence = services.evidence_attach(
        followup=followup, upload=SimpleUploadedFile(B_FILE, b"%PDF-1.4 walk"), user=team
    )
    invitation = factories.make_invitation(campaign, b)
    run = ReportRun.objects.create(campaign=campaign, status=ReportStatus.DONE, requested_by=boss)
    run.file.save("walk.xlsx", ContentFile(b"PK\x03\x04 walk"), save=True)
    values = {
        "pk": {"followups": followup.pk, "reports": run.pk, "fieldwork": 999_999},
        "evidence_pk": evidence.pk,
        "op": "resolve",
        "code": b_comment.tracking_code,
        "slug": campaign.slug,
        "unit_code": b.code,
        "token": invitation.token,
        "key": b_keyed.idempotency_key,
        "uidb64": "MQ",
        "app_label": "surveys",
        "url": "khong-co/",
        "object_id": str(b_comment.pk),
    }
    return {
        "users": {"manager": manager, "boss": boss, "team": team},
        "values": values,
        "followup": followup,
    }


def _url(route: str, name: str | None, pattern: URLPattern, values: dict) -> str:
    params = list(pattern.pattern.converters) or list(pattern.pattern.regex.groupindex)
    app = (name or "").split(":")[0]
    kwargs = {}
    for param in params:
        value = values.get(param, 1)  # an id the walk does not know: any row
        kwargs[param] = value.get(app, 1) if isinstance(value, dict) else value
    if name and not name.startswith("admin:None"):
        try:
            return reverse(name, kwargs=kwargs)
        except Exception:
            pass
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), url)
    return "/" + url.lstrip("^").rstrip("$")


def test_every_url_has_an_expectation():
    missing = sorted({key_of(route, name) for route, name, _p in all_patterns()} - set(EXPECTED))
    assert not missing, f"URL patterns without an expectation in the walk: {missing}"


def test_walk_every_url_with_every_role(client, world):
    problems = []
    walked = 0
    for route, name, pattern in all_patterns():
        key = key_of(route, name)
        expect = EXPECTED.get(key)
        if expect is None:
            continue  # reported by test_every_url_has_an_expectation
        url = _url(route, name, pattern, world["values"])
        for role in ROLES:
            client.logout()
            if role != "anon":
                client.force_login(world["users"][role])
            send = client.post if expect.method == "post" else client.get
            response = send(url)
            walked += 1
            allowed = expect.for_role(role)
            if response.status_code not in allowed:
                problems.append(
                    f"{role:7} {expect.method.upper()} {url} -> {response.status_code},"
                    f" expected {sorted(allowed)}"
                )
                continue
            if (
                response.status_code == 302
                and allowed is LOGIN
                and "login" not in response["Location"]
            ):
                problems.append(
                    f"{role:7} {url} -> 302 to {response['Location']}, not a log-in page"
                )
            if role in ("anon", "manager") and response.status_code == 200:
                body = b"".join(response) if response.streaming else response.content
                text = body.decode("utf-8", "replace")
                leaked = [m for m in PRIVATE_MARKERS if m in text]
                if role == "manager" and not expect.names_b and B_UNIT in text:
                    leaked.append(B_UNIT)
                if leaked:
                    problems.append(f"{role:7} {url} shows unit B's data: {leaked}")
    assert walked > 4 * 40
    assert not problems, "\n".join(problems)
    followup = world["followup"]
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.IN_PROGRESS  # nobody changed it
    # The markers are really on the pages (so their absence above means something).
    client.force_login(world["users"]["boss"])
    body = client.get(reverse("followups:detail", args=[followup.pk])).content.decode()
    assert all(m in body for m in (B_COMMENT, B_TITLE, B_ACTION, B_FILE, B_UNIT))
