from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("quota/", views.quota, name="quota"),
    path("signals/refresh/", views.signals_refresh, name="signals_refresh"),
]
