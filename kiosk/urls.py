from django.urls import path

from . import views

app_name = "kiosk"

urlpatterns = [
    path("", views.kiosk_page, name="page"),
    path("answer/", views.kiosk_answer, name="answer"),
    path("form-token/", views.kiosk_token, name="form_token"),
    path("sw.js", views.service_worker, name="service_worker"),
    # Tokens are secrets.token_urlsafe(): a slug's alphabet.
    path("enrol/<slug:token>/", views.kiosk_enrol, name="enrol"),
]
