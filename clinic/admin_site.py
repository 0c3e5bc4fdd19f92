from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class ClinicAdminSite(admin.AdminSite):
    """The Django admin for clinic admins; other signed-in staff get 403, not a second login form."""

    site_header = _("Clinic administration")
    site_title = _("Clinic administration")

    def has_permission(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or user.is_clinic_admin)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, inner)


class ClinicAdminConfig(AdminConfig):
    """The Django admin, opened to clinic admins (not only to staff accounts)."""

    default_site = "clinic.admin_site.ClinicAdminSite"
