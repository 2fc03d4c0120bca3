from django.urls import path

from . import views

app_name = "followups"

urlpatterns = [
    path("tra-cuu/", views.status_lookup, name="status_lookup"),
    path("tra-cuu/<str:code>/", views.public_status, name="status"),
    path("tra-cuu/<str:code>/rut-dong-y/", views.consent_withdraw, name="consent_withdraw"),
    path("followups/comments/", views.comment_list, name="comments"),
    path("followups/", views.followup_list, name="list"),
    path("followups/<int:pk>/", views.followup_detail, name="detail"),
    path("followups/<int:pk>/assign/", views.followup_assign, name="assign"),
    path("followups/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path(
        "followups/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path("followups/<int:pk>/<slug:op>/", views.followup_update, name="update"),
]
