"""The permission walk with two regions in one installation (issue 12, point 4).

Every URL pattern is walked by every role, with its ids and codes changed to the OTHER region's
objects (units, rounds, responses, follow-ups, report runs, kiosks, batches, imports …, and in
the admin each model's own row): no answer is a server error, an object of the other region is
never shown (404, 403 or a redirect), and no page, admin list, autocomplete, export or download
ever holds one of the other region's markers. The office manager is walked the same way with
the objects of a sibling department of its own region.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fieldwork.models import ImportKind, ImportLog, KeyingBatch
from followups import services
from kiosk.models import Kiosk
from organisation.models import Reorganisation, UnitImport, YearlyPlan
from reports.models import ReportRun, ReportStatus
from surveys import roles
from surveys.models import Form, UnitKind
from surveys.tests import factories

from .test_permission_walk import ADMIN_MODEL, EXPECTED, _url, all_patterns, key_of

NEVER_SHOWN = {302, 403, 404, 405}  # another region's object: never a 200


def _marker(region: str, what: str) -> str:
    return f"BIMAT{what}{region}X"  # letters only: fits a code, a label and a batch


def _region(tag: str, team_user: User) -> dict:
    """A region: root, a department and an office, an open round, and one of everything."""
    root = factories.make_unit(f"R{tag}", name=_marker(tag, "GOC"), kind=UnitKind.REGIONAL,
                               parent=None)  # fmt: skip
    department = factories.make_unit(f"R{tag}KSC", name=_marker(tag, "PHONG"), parent=root)
    office = factories.make_unit(f"R{tag}PGD", name=_marker(tag, "PGD"), kind=UnitKind.OFFICE,
                                 parent=root)  # fmt: skip
    campaign = factories.make_campaign(
        [department, office], slug=f"dot-r{tag.lower()}", name=_marker(tag, "DOT"), root=root
    )
    team_user.staff_profile.unit = root
    team_user.staff_profile.save()
    objects = {}
    for unit in (department, office):
        key = "department" if unit == department else "office"
        comment = factories.make_response(campaign, unit, comment=_marker(tag, f"YKIEN{key}"))
        keyed = factories.make_response(campaign, unit, idempotency_key=uuid.uuid4())
        followup = services.followup_open(
            campaign=campaign, unit=unit, title=_marker(tag, f"VIEC{key}"),
            response_ids=[comment.pk], deadline=campaign.closes_on, user=team_user,
        )  # fmt: skip
        evidence = services.evidence_attach(
            followup=followup,
            upload=SimpleUploadedFile(f"{_marker(tag, key)}.pdf", b"%PDF-1.4 walk"),
            user=team_user,
        )
        invitation = factories.make_invitation(campaign, unit, organisation=_marker(tag, key))
        run = ReportRun.objects.create(
            campaign=campaign, status=ReportStatus.DONE, requested_by=team_user,
            params={"unit_id": unit.pk, "variant": "official", "format": "xlsx"},
        )  # fmt: skip
        run.file.save("walk.xlsx", ContentFile(_marker(tag, f"TEP{key}").encode()), save=True)
        batch = KeyingBatch.objects.create(
            campaign=campaign, unit=unit, respondent_group=factories.group(),
            code=_marker(tag, f"LO{key}"),
        )  # fmt: skip
        kiosk = Kiosk.objects.create(
            campaign=campaign, unit=unit, label=_marker(tag, f"KIOSK{key}")
        )
        objects[key] = {
            "unit": unit, "comment": comment, "keyed": keyed, "followup": followup,
            "evidence": evidence, "invitation": invitation, "run": run, "batch": batch,
            "kiosk": kiosk,
        }  # fmt: skip
    whole_run = ReportRun.objects.create(
        campaign=campaign, status=ReportStatus.DONE, requested_by=team_user
    )
    whole_run.file.save("walk.xlsx", ContentFile(_marker(tag, "TEPDOT").encode()), save=True)
    log = ImportLog.objects.create(
        kind=ImportKind.RESPONSES, campaign=campaign, filename=_marker(tag, "NHAP"), rows=1,
        created=1, checksum=tag * 64,
    )  # fmt: skip
    unit_import = UnitImport.objects.create(filename=_marker(tag, "SODV"), checksum="0", rows=1)
    unit_import.units.add(office)
    reorganisation = Reorganisation.objects.create(
        kind="rename", effective_on=datetime.date(2026, 1, 1), summary=_marker(tag, "TOCHUC")
    )
    reorganisation.units.add(office)
    plan = YearlyPlan.objects.create(
        root=root, year=2026, form=Form.ONLINE, participation=100, reference=_marker(tag, "KH")
    )
    return {
        "tag": tag, "root": root, "campaign": campaign, "whole_run": whole_run, "log": log,
        "unit_import": unit_import, "reorganisation": reorganisation, "plan": plan, **objects,
    }  # fmt: skip


def _values(region: dict, part: str) -> dict:
    """The URL parameters filled with `region`'s objects (of its department or office)."""
    own = region[part]
    return {
        "pk": {
            "followups": own["followup"].pk,
            "reports": own["run"].pk,
            "fieldwork": own["batch"].pk,
        },
        "evidence_pk": own["evidence"].pk,
        "op": "resolve",
        "code": own["comment"].tracking_code,
        "slug": region["campaign"].slug,
        "unit_code": own["unit"].code,
        "token": own["invitation"].token,
        "key": own["keyed"].idempotency_key,
        "uidb64": "MQ",
        "app_label": "surveys",
        "url": "khong-co/",
        "object_id": "0",
    }


def _admin_object_ids(region: dict, part: str) -> dict[str, int]:
    own = region[part]
    return {
        "surveys/unit": own["unit"].pk,
        "surveys/campaign": region["campaign"].pk,
        "surveys/response": own["comment"].pk,
        "surveys/invitation": own["invitation"].pk,
        "followups/followup": own["followup"].pk,
        "followups/evidencefile": own["evidence"].pk,
        "reports/reportrun": own["run"].pk,
        "fieldwork/keyingbatch": own["batch"].pk,
        "fieldwork/importlog": region["log"].pk,
        "kiosk/kiosk": own["kiosk"].pk,
        "organisation/unitimport": region["unit_import"].pk,
        "organisation/reorganisation": region["reorganisation"].pk,
        "organisation/yearlyplan": region["plan"].pk,
        "auth/user": 0,
    }


def _markers(region: dict, parts=("department", "office")) -> list[str]:
    tag = region["tag"]
    found = []
    for part in parts:
        found += [_marker(tag, w) for w in (f"YKIEN{part}", f"VIEC{part}", f"LO{part}",
                                              f"KIOSK{part}", f"TEP{part}", part)]  # fmt: skip
    found.append(_marker(tag, "PHONG" if parts == ("department",) else "PGD"))
    if parts == ("department", "office"):
        found += [_marker(tag, w) for w in ("GOC", "DOT", "TEPDOT", "NHAP", "SODV", "TOCHUC", "KH")]
    return found


@pytest.fixture
def regions(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    team1 = factories.survey_team("team1")
    team2 = factories.survey_team("team2")
    one = _region("A", team1)
    two = _region("B", team2)
    users = {
        "superuser": User.objects.create_superuser("root", password="pw-test-123"),
        "team1": team1,
        "team2": team2,
        "boss1": factories.leadership("boss1", unit=one["root"]),
        "regional": factories.make_user("quanly.kv", roles.UNIT_MANAGER, unit=one["root"]),
        "office": factories.make_user("quanly.pgd", roles.UNIT_MANAGER, unit=one["office"]["unit"]),
        "anon": None,
    }  # fmt: skip
    return {"one": one, "two": two, "users": users}


# role → (region whose objects fill the URLs, its part, markers the role must never see)
def _plans(regions):
    one, two = regions["one"], regions["two"]
    return {
        "team2": (one, "office", _markers(one)),
        "team1": (two, "office", _markers(two)),
        "boss1": (two, "department", _markers(two)),
        "regional": (two, "office", _markers(two)),
        "office": (one, "department", _markers(one, ("department",)) + _markers(two)),
        "anon": (one, "office", _markers(one)),
        "superuser": (two, "office", []),
    }


def _body(response) -> str:
    body = b"".join(response) if response.streaming else response.content
    return body.decode("utf-8", "replace")


OBJECT_URLS = (  # an object of the other region (or a sibling): never a 200
    "followups:detail", "followups:evidence_download", "followups:assign",
    "followups:evidence_upload", "followups:update", "reports:detail", "reports:progress",
    "reports:download", "reports:lock", "fieldwork:keying", "fieldwork:settle",
    "fieldwork:response_correction", "fieldwork:responses_template",
    "fieldwork:invitation_template", "fieldwork:invitations_send",
    "surveys:campaign_posters", "surveys:unit_poster",
)  # fmt: skip


def _admin_url(url: str, route: str, ids: dict[str, int]) -> str:
    match = ADMIN_MODEL.match(route)
    if match and "<path:object_id>" in route:
        key = f"{match['app']}/{match['model']}"
        return url.replace("/0/", f"/{ids.get(key, 0)}/", 1)
    return url


def _walk_role(client, role, user, region, part, markers):
    problems, walked = [], 0
    values = _values(region, part)
    ids = _admin_object_ids(region, part)
    for route, name, pattern in all_patterns():
        key = key_of(route, name)
        expect = EXPECTED.get(key)
        if expect is None:
            continue
        url = _admin_url(_url(route, name, pattern, values), route, ids)
        if key == "fieldwork:response_correction":  # its pk is a response's, not a batch's
            url = reverse(key, args=[ids["surveys/response"]])
        client.logout()
        if user is not None:
            client.force_login(user)
        send = client.post if expect.method == "post" else client.get
        response = send(url)
        walked += 1
        status = response.status_code
        if status >= 500:
            problems.append(f"{role} {url} -> {status}")
            continue
        object_page = key in OBJECT_URLS or (
            ADMIN_MODEL.match(route) and "<path:object_id>" in route and role != "superuser"
            and ids.get(f"{ADMIN_MODEL.match(route)['app']}/{ADMIN_MODEL.match(route)['model']}")
        )  # fmt: skip
        if object_page and role != "superuser" and status not in NEVER_SHOWN:
            problems.append(f"{role} {url} -> {status}: another region's object is shown")
        if status == 200 and not expect.names_b:
            leaked = [m for m in markers if m in _body(response)]
            if leaked:
                problems.append(f"{role} {url} shows {leaked}")
    return walked, problems


@pytest.mark.parametrize(
    "role", ["team2", "team1", "boss1", "regional", "office", "anon", "superuser"]
)
def test_two_region_walk(client, regions, role):
    region, part, markers = _plans(regions)[role]
    walked, problems = _walk_role(client, role, regions["users"][role], region, part, markers)
    assert walked > 40
    assert not problems, "\n".join(problems)


AUTOCOMPLETES = [
    ("followups", "followup", "unit"),
    ("followups", "followup", "campaign"),
    ("surveys", "invitation", "campaign"),
    ("surveys", "invitation", "unit"),
    ("surveys", "unit", "parent"),
    ("surveys", "campaign", "root"),
    ("surveys", "quota", "unit"),
    ("organisation", "yearlyplan", "root"),
    ("organisation", "yearlyplanunit", "unit"),
]


@pytest.mark.parametrize("username", ["team1", "team2"])
def test_autocomplete_and_admin_lists_keep_to_the_region(client, regions, username):
    own, other = (
        (regions["one"], regions["two"])
        if username == "team1"
        else (regions["two"], regions["one"])
    )
    client.force_login(regions["users"][username])
    for app, model, field in AUTOCOMPLETES:
        url = reverse("admin:autocomplete")
        query = {"app_label": app, "model_name": model, "field_name": field, "term": ""}
        response = client.get(url, query)
        assert response.status_code in (200, 403), (app, model, field, response.status_code)
        text = response.content.decode()
        assert not [m for m in _markers(other) if m in text], (app, model, field, text)
    # The team's own rows are listed (so the absence above means something).
    units = client.get(reverse("admin:surveys_unit_changelist")).content.decode()
    assert own["office"]["unit"].code in units
    assert other["office"]["unit"].code not in units
    responses = client.get(reverse("admin:surveys_response_changelist")).content.decode()
    assert _marker(own["tag"], "PGD") in responses
    assert _marker(other["tag"], "PGD") not in responses
    change = reverse("admin:surveys_unit_change", args=[other["office"]["unit"].pk])
    assert client.get(change).status_code == 404


def test_a_forged_post_cannot_choose_another_regions_unit(client, regions):
    """The admin refuses another region's unit as a follow-up's unit, and the follow-up page's
    assignment refuses it too: the choice is not in the list."""
    one, two = regions["one"], regions["two"]
    client.force_login(regions["users"]["team2"])
    followup = two["office"]["followup"]
    response = client.post(
        reverse("followups:assign", args=[followup.pk]),
        {"unit": one["office"]["unit"].pk, "deadline": "30/12/2026"},
    )
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.unit == two["office"]["unit"]
    response = client.post(
        reverse("admin:surveys_unit_add"),
        {"code": "FORGED", "name": "Forged", "kind": "office", "parent": one["root"].pk,
         "sort_order": 0},
    )  # fmt: skip
    assert response.status_code == 200  # the form again, with its error
    assert not factories.Unit.objects.filter(code="FORGED").exists()
    # Without a parent it would be a new root, outside every scope: refused too.
    response = client.post(
        reverse("admin:surveys_unit_add"),
        {"code": "FORGED", "name": "Forged", "kind": "office", "sort_order": 0},
    )
    assert not factories.Unit.objects.filter(code="FORGED").exists()


def test_the_walk_sees_its_own_region(client, regions):
    """The markers are really on the pages for the region's own users."""
    one = regions["one"]
    client.force_login(regions["users"]["team1"])
    body = client.get(reverse("followups:detail", args=[one["office"]["followup"].pk]))
    assert _marker("A", "VIECoffice") in body.content.decode()
    client.force_login(regions["users"]["office"])
    body = client.get(reverse("reports:list")).content.decode()
    assert (
        client.get(reverse("reports:download", args=[one["office"]["run"].pk])).status_code == 200
    )
    assert client.get(reverse("reports:download", args=[one["whole_run"].pk])).status_code == 404
    comments = client.get(reverse("followups:comments"), {"campaign": one["campaign"].pk})
    assert _marker("A", "YKIENoffice") in comments.content.decode()
    assert _marker("A", "YKIENdepartment") not in comments.content.decode()


def test_object_history_keeps_to_the_region(client, regions):
    one, two = regions["one"], regions["two"]
    client.force_login(regions["users"]["team2"])

    def history(model: str, pk: int) -> int:
        url = reverse(
            "object_history", kwargs={"app_label": model.split(".")[0],
                                      "model_name": model.split(".")[1], "pk": str(pk)}
        )  # fmt: skip
        return client.get(url).status_code

    for model, key in (("surveys.unit", "unit"), ("followups.followup", "followup"),
                       ("kiosk.kiosk", "kiosk"), ("surveys.invitation", "invitation")):  # fmt: skip
        assert history(model, one["office"][key].pk) == 404, model
        assert history(model, two["office"][key].pk) == 200, model
    assert history("surveys.campaign", one["campaign"].pk) == 404
    assert history("surveys.campaign", two["campaign"].pk) == 200


def test_a_team_cannot_give_its_round_another_regions_root_or_units(client, regions):
    one, two = regions["one"], regions["two"]
    client.force_login(regions["users"]["team2"])
    data = {
        "name": "Đợt giả", "slug": "dot-gia", "root": one["root"].pk, "year": 2031, "round": 1,
        "opens_on": "2031-03-01", "closes_on": "2031-06-30", "status": "draft",
        "questionnaire": two["campaign"].questionnaire_id, "channels": ["web"],
        "units": [one["office"]["unit"].pk],
        "quotas-TOTAL_FORMS": 0, "quotas-INITIAL_FORMS": 0,
    }  # fmt: skip
    response = client.post(reverse("admin:surveys_campaign_add"), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert {"root", "units"} <= set(form.errors)
    assert not factories.Campaign.objects.filter(slug="dot-gia").exists()
    # Another region's round cannot be changed, nor copied by the admin action.
    change = reverse("admin:surveys_campaign_change", args=[one["campaign"].pk])
    assert client.get(change).status_code == 404
    response = client.post(
        reverse("admin:surveys_campaign_changelist"),
        {"action": "copy_round", "_selected_action": [one["campaign"].pk]},
    )
    assert factories.Campaign.objects.count() == 2


def test_a_team_cannot_reorganise_another_regions_units(client, regions):
    one, two = regions["one"], regions["two"]
    client.force_login(regions["users"]["team2"])
    before = list(factories.Unit.objects.order_by("pk").values_list())
    for data in (
        {"units": [one["office"]["unit"].pk, one["department"]["unit"].pk]},  # theirs
        {"units": [two["office"]["unit"].pk, two["department"]["unit"].pk],
         "parent": one["root"].pk},  # mine, under their root
    ):  # fmt: skip
        data |= {"kind": "merge", "effective_on": "2026-07-01", "preview": "1",
                 "new_units": "PGDX; Phòng Giao dịch X; Phòng Giao dịch"}  # fmt: skip
        response = client.post(reverse("organisation:reorganise"), data)
        assert response.status_code == 400
        assert response.context["plan"] is None
    assert list(factories.Unit.objects.order_by("pk").values_list()) == before
    page = client.get(reverse("organisation:reorganise")).content.decode()
    assert _marker("B", "TOCHUC") in page and _marker("A", "TOCHUC") not in page
