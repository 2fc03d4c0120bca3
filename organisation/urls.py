from django.urls import path

from . import views

app_name = "organisation"

urlpatterns = [
    path("don-vi/tai-len/", views.units_upload, name="units_upload"),
    path("don-vi/mau.xlsx", views.units_template_download, name="units_template"),
    path("don-vi/don-vi.xlsx", views.units_export_download, name="units_export"),
    path("don-vi/to-chuc-lai/", views.reorganise, name="reorganise"),
]
