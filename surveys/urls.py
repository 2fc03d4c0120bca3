from django.urls import path

from . import views

app_name = "surveys"

# Most requests first (resolving walks the list): a survey, its thank-you page.
urlpatterns = [
    path("s/<slug:slug>/<str:unit_code>/", views.unit_survey, name="unit_survey"),
    path("cam-on/<uuid:key>/", views.thanks, name="thanks"),
    path("", views.home, name="home"),
    path("s/<slug:slug>/", views.unit_picker, name="unit_picker"),
    # Tokens are secrets.token_urlsafe(): letters, digits, "-" and "_", a slug's alphabet.
    path("i/<slug:token>/", views.invitation_survey, name="invitation_survey"),
    path("posters/<slug:slug>/", views.campaign_posters, name="campaign_posters"),
    path("posters/<slug:slug>/<str:unit_code>/", views.unit_poster, name="unit_poster"),
]
