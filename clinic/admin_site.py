from functools import update_wrapper

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _


class ClinicAdminSite(admin.AdminSite):
    """The Django admin for clinic admins; other signed-in staff get 403, not a second login form."""

    site_header = _("Clinic administration")
    site_title = _("Clinic administration")

    def has_permission(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or user.is_clinic_admin)

    def get_urls(self):
        urls = super().get_urls()
        # LoginRequiredMiddleware sends signed-out visitors to `login_url`: make that the clinic's sign-in page.
        for pattern in urls:
            callback = getattr(pattern, "callback", None)
            if callback is not None and hasattr(callback, "login_url"):
                callback.login_url = settings.LOGIN_URL
        return urls

    def login(self, request, extra_context=None):
        # One sign-in page for the whole app (with lock-out), and clinic admins need not be Django "staff".
        from django.contrib.auth.views import redirect_to_login  # needs the app registry: import late

        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            from django.contrib.auth.views import redirect_to_login

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise PermissionDenied
            from clinic.two_factor import needs_second_factor, redirect_for_second_factor  # models: import late

            if needs_second_factor(request):
                return redirect_for_second_factor(request)
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, inner)


class ClinicAdminConfig(AdminConfig):
    """The Django admin, opened to clinic admins (not only to staff accounts)."""

    default_site = "clinic.admin_site.ClinicAdminSite"
