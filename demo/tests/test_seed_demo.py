import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from demo.seeding import DEMO_SLUG
from followups.models import FollowUp
from surveys import roles
from surveys.defaults import DEFAULT_QUESTIONNAIRE_CODE
from surveys.models import Answer, Campaign, Invitation, Quota, Response, Unit


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Unit, Campaign, Quota, Response, Answer, Invitation, User, FollowUp)
    }


@pytest.mark.django_db
def test_seed_demo_loads_danang_and_is_idempotent(capsys):
    call_command("seed_demo", "--responses", "300")
    first = _counts()
    call_command("seed_demo", "--responses", "300")
    assert _counts() == first

    campaign = Campaign.objects.get(slug=DEMO_SLUG)
    assert Campaign.objects.accepting().filter(pk=campaign.pk).exists()
    assert campaign.questionnaire.code == DEFAULT_QUESTIONNAIRE_CODE
    codes = list(campaign.questionnaire.questions.values_list("code", flat=True))
    assert codes == [f"C{i}" for i in range(1, 11)] + ["CHUNG"]
    names = set(campaign.units.values_list("name", flat=True))
    # This year's round surveys the region's departments and transaction offices.
    assert {"Phòng Kiểm soát chi", "Phòng Kế toán Nhà nước"} <= names
    assert "Phòng Giao dịch Liên Chiểu - Cẩm Lệ - Hòa Vang" in names
    assert campaign.units.count() == 8
    assert Quota.objects.filter(campaign=campaign).count() == 16
    # 300 in each of the five rounds (2024 ×2, 2025, demo, demo-kv2).
    assert first["Response"] == 5 * 300
    assert first["Answer"] == 5 * 300 * 11
    # Spread across channels and both groups.
    assert set(Response.objects.values_list("channel", flat=True)) == {
        "web",
        "qr",
        "portal",
        "email",
        "paper",
    }
    assert Response.objects.values("respondent_group").distinct().count() == 2
    assert "demo-kbnn-2026" in capsys.readouterr().out
    # Phòng Kiểm soát chi's demo manager has a follow-up on its customers' complaints.
    followup = FollowUp.objects.get(unit__code="KSC")
    assert followup.responses.exists()
    assert set(followup.responses.values_list("unit__code", flat=True)) == {"KSC"}


@pytest.mark.django_db
def test_seed_demo_logins_carry_their_roles():
    call_command("seed_demo", "--responses", "0")
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="tokhaosat").groups.filter(name=roles.SURVEY_TEAM).exists()
    leader = User.objects.get(username="lanhdao")
    assert leader.has_perm("surveys.view_all_results")
    assert not leader.has_perm("surveys.change_campaign")
    manager = User.objects.get(username="quanly.ksc")
    assert manager.staff_profile.unit.code == "KSC"
    assert not manager.has_perm("surveys.view_all_results")


@pytest.mark.django_db
def test_seed_demo_refuses_outside_debug(settings):
    from django.core.management.base import CommandError

    settings.DEMO_ALLOWED = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not Campaign.objects.exists()
