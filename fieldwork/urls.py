from django.urls import path

from .views import corrections, import_jobs, imports, keying, personal_data, public

app_name = "fieldwork"

urlpatterns = [
    path("nhap-phieu/", keying.batch_list, name="batches"),
    path("nhap-phieu/lo/<int:pk>/", keying.keying, name="keying"),
    path("nhap-phieu/lo/<int:pk>/doi-chieu/", keying.settle, name="settle"),
    path(
        "nhap-phieu/phieu/<int:pk>/hieu-chinh/",
        corrections.response_correction,
        name="response_correction",
    ),
    path("nhap-phieu/tai-len/", imports.responses_upload, name="responses_upload"),
    path("tai-len/viec/<int:pk>/", import_jobs.import_job, name="import_job"),
    path(
        "tai-len/viec/<int:pk>/trang-thai.json",
        import_jobs.import_job_status,
        name="import_job_status",
    ),
    path(
        "tai-len/viec/<int:pk>/thu-lai/", import_jobs.import_job_retry_view, name="import_job_retry"
    ),
    path(
        "nhap-phieu/mau/<slug:slug>.xlsx",
        imports.responses_template_download,
        name="responses_template",
    ),
    path("loi-moi/", imports.invitations, name="invitations"),
    path(
        "loi-moi/mau/<slug:slug>.xlsx",
        imports.invitation_template_download,
        name="invitation_template",
    ),
    path("loi-moi/<slug:slug>/gui/", imports.invitations_send, name="invitations_send"),
    path("huy-nhan-thu/<str:token>/", public.opt_out, name="opt_out"),
    path("du-lieu-ca-nhan/", personal_data.personal_data, name="personal_data"),
    path("api/portal/invitations", public.portal_invitations, name="portal_invitations"),
]
