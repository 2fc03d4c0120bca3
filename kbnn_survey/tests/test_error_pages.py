import pytest
from django.test import Client, override_settings

from surveys.tests import factories


@pytest.mark.django_db
def test_unknown_address_gets_a_vietnamese_404(client):
    reply = client.get("/khong-co-trang-nay/")
    assert reply.status_code == 404
    assert "Không tìm thấy trang" in reply.content.decode()


@pytest.mark.django_db
def test_media_files_are_never_served_directly(settings, tmp_path):
    # Report workbooks have guessable paths; they leave only through permission-checked views.
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "1-bao-cao.xlsx").write_bytes(b"secret")
    with override_settings(DEBUG=True):
        reply = Client().get("/media/reports/1-bao-cao.xlsx")
    assert reply.status_code == 404


@pytest.mark.django_db
def test_server_error_page_renders_without_a_request():
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "Đã có lỗi xảy ra" in page


@pytest.mark.django_db
def test_staff_see_links_to_their_pages_only(client):
    client.force_login(factories.survey_team())
    page = client.get("/").content.decode()
    assert "/reports/" in page and "/nhap-phieu/" in page and "/admin/" in page
    client.force_login(factories.unit_manager(factories.make_unit("KSC")))
    page = client.get("/").content.decode()
    assert "/followups/" in page and "/dashboard/" in page
    assert "/reports/" in page  # their unit's report (issue 13)
    assert "/nhap-phieu/" not in page and "/admin/" not in page
