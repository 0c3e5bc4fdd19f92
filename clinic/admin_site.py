from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class ClinicAdminSite(admin.AdminSite):
    site_header = _("Clinic administration")
    site_title = _("Clinic administration")

    def has_permission(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or user.is_clinic_admin)


class ClinicAdminConfig(AdminConfig):
    """The Django admin, opened to clinic admins (not only to staff accounts)."""

    default_site = "clinic.admin_site.ClinicAdminSite"
