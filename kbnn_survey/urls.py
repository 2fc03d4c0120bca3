from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import accounts, audit_views, health, landing, second_factor

admin.site.site_header = "Khảo sát sự hài lòng - Kho bạc Nhà nước"
admin.site.site_title = "Khảo sát KBNN"
admin.site.index_title = "Quản trị khảo sát"
# Both login pages ask for the second factor of those who enrolled one (second_factor.py).
admin.site.login_form = second_factor.AdminStaffLoginForm
admin.site.login_template = "registration/admin_login.html"
second_factor.admin_register(admin.site)

urlpatterns = [
    # The customers' pages first: they are most of the traffic, and resolving walks this list.
    path("", include("surveys.urls")),
    path("kiosk/", include("kiosk.urls")),
    path("healthz", health.healthz, name="healthz"),
    path(
        "lich-su/<str:app_label>/<str:model_name>/<str:pk>/",
        audit_views.object_history,
        name="object_history",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path(
        "accounts/password_reset/",
        accounts.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=second_factor.StaffLoginForm),
        name="login",
    ),
    path("accounts/xac-thuc-hai-buoc/", second_factor.enrol, name="second_factor"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/bat-dau/", landing.staff_landing, name="staff_landing"),
    path("reports/", include("reports.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("", include("followups.urls")),
    path("", include("fieldwork.urls")),
    path("", include("organisation.urls")),
]

# MEDIA_ROOT is never served as such, not even with DEBUG: report workbooks and evidence files
# leave only through their permission-checked download views.

# A database outage answers 503 with Retry-After (kbnn_survey/errors.py), other errors 500.
handler500 = "kbnn_survey.errors.server_error"
