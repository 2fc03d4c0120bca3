from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.home, name="home"),
    path("s/<slug:slug>/", views.unit_picker, name="unit_picker"),
]
