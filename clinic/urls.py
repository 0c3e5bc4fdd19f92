from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinic import audit_views, csv_export, emergency_views, handover, two_factor, views

clinic_patterns = [
    path("", views.home, name="home"),
    path("clients/", views.client_list, name="client-list"),
    path("clients/new/", views.client_create, name="client-create"),
    path("clients/export.csv", csv_export.client_list_csv, name="client-list-csv"),
    path("clients/<uuid:public_id>/", views.client_detail, name="client-detail"),
    path("clients/<uuid:public_id>/edit/", views.client_edit, name="client-edit"),
    path("clients/<uuid:public_id>/care-team/", views.care_team_add, name="care-team-add"),
    path("clients/<uuid:public_id>/archive/", views.client_archive, name="client-archive"),
    path("clients/<uuid:public_id>/restore/", views.client_restore, name="client-restore"),
    path(
        "clients/<uuid:public_id>/emergency-access/", emergency_views.emergency_access, name="client-emergency-access"
    ),
    path("handover/exit/", handover.exit_handover, name="handover-exit"),
    path("audit/", audit_views.audit_log, name="audit-log"),
    path("account/two-factor/", two_factor.overview, name="two-factor"),
    path("account/two-factor/verify/", two_factor.verify, name="two-factor-verify"),
    path("account/two-factor/enrol/", two_factor.enrol, name="two-factor-enrol"),
]

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("admin/", admin.site.urls),
    path("", include((clinic_patterns, "clinic"))),
    path("", include("intake.urls")),
    path("", include("notes.urls")),
]

handler500 = "clinic.errors.server_error"
