"""The keying page says what is true now, lists the last saved forms with the way to correct
them, and offers only the campaign's units."""

from __future__ import annotations

from django.urls import reverse

from fieldwork.forms import BatchForm
from surveys.models import Response
from surveys.tests import factories

from .test_keying import open_batch, typed


def test_a_refused_form_never_shows_beside_the_last_saved_note(team_client, team, campaign):
    batch = open_batch(campaign, team)
    url = reverse("fieldwork:keying", args=[batch.pk])
    saved = team_client.post(url, typed())
    assert saved.status_code == 302 and saved["Location"].endswith("?saved=1")
    page = team_client.get(saved["Location"]).content.decode()
    assert 'id="saved"' in page and "Đã lưu phiếu 1." in page
    # The next form, posted from the page that still carries ?saved=1, is refused.
    refused = team_client.post(saved["Location"], typed(digits="55445554x7"))
    body = refused.content.decode()
    assert refused.status_code == 400
    assert 'id="keying-errors"' in body and 'id="saved"' not in body


def test_the_last_saved_forms_are_listed_with_their_audited_correction(team_client, team, campaign):
    batch = open_batch(campaign, team)
    url = reverse("fieldwork:keying", args=[batch.pk])
    for comment in ("Phiếu một", "Phiếu hai"):
        team_client.post(url, typed(C2="0", CHUNG="", comment=comment))
    body = team_client.get(url).content.decode()
    table = body[body.index('id="recent-forms"') :]
    assert table.index("Phiếu hai") < table.index("Phiếu một")  # newest first
    # As keyed: C2 no opinion (0), CHUNG not answered (·).
    assert "<code>5 0 4 4 5 5 5 4 4 5 ·</code>" in table
    second = Response.objects.get(comment="Phiếu hai")
    link = reverse("fieldwork:response_correction", args=[second.pk])
    assert link in table
    assert team_client.get(link).status_code == 200
    assert "không bao giờ bị xoá" in body


def test_double_entry_forms_wait_for_the_other_pass_without_a_correction_link(
    client, double_campaign, team
):
    batch = open_batch(double_campaign, team)
    client.force_login(team)
    client.post(reverse("fieldwork:keying", args=[batch.pk]), typed())
    body = client.get(reverse("fieldwork:keying", args=[batch.pk])).content.decode()
    assert "Chờ lượt nhập thứ hai" in body
    assert "/hieu-chinh/" not in body


def test_the_unit_list_offers_only_units_of_a_paper_round(campaign, units):
    branch = factories.make_unit("DNG", name="KBNN Đà Nẵng", kind="branch")
    for unit in units:
        unit.parent = branch
        unit.save()
    offered = set(BatchForm().fields["unit"].queryset)
    assert offered == set(units)
    assert branch not in offered


def test_the_page_says_zero_is_no_opinion_and_empty_is_not_answered(team_client, team, campaign):
    batch = open_batch(campaign, team)
    body = team_client.get(reverse("fieldwork:keying", args=[batch.pk])).content.decode()
    assert "0: không ý kiến" in body
