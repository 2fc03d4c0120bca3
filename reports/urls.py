from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/progress.json", views.report_progress, name="progress"),
    path("<int:pk>/download/", views.report_download, name="download"),
    path("<int:pk>/lock/", views.report_lock, name="lock"),
]
