import auditlog.admin  # noqa: F401  (registers LogEntry first, so it can be replaced below)
from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db.models.constants import LOOKUP_SEP
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import Client, User


class AllowListedFiltersMixin:
    """A change list filters only by what its sidebar offers (`list_filter`, `date_hierarchy`): any other lookup
    in the URL answers 400 (DisallowedModelAdminLookup). No field (a password hash, a note) can be probed with
    `?field__startswith=`, and no regular expression from a URL reaches the database."""

    def lookup_allowed(self, lookup, value, request=None):
        parts = lookup.split(LOOKUP_SEP)
        if parts[-1] in ("regex", "iregex"):
            return False
        offered = {self.date_hierarchy}
        for item in self.get_list_filter(request) if request is not None else self.list_filter:
            if isinstance(item, str):
                offered.add(item.split(LOOKUP_SEP)[0])
            elif isinstance(item, (tuple, list)):
                offered.add(item[0].split(LOOKUP_SEP)[0])
            else:
                offered.add(getattr(item, "parameter_name", None))
        return parts[0] in offered and super().lookup_allowed(lookup, value, request)


class NoDeleteMixin:
    """Nothing clinical, nobody who signed anything, and no audit entry is ever deleted."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(AllowListedFiltersMixin, NoDeleteMixin, admin.ModelAdmin):
    """Clinical records are written through the app, where screening, the gate and signing rules live."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Only an emergency superuser sees or changes these (second factors): a clinic admin with a device's key could
    pass as its owner, and no permission granted by mistake opens them."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(User)
class ClinicUserAdmin(AllowListedFiltersMixin, NoDeleteMixin, UserAdmin):
    """Staff accounts and their roles. A clinic admin creates accounts, grants and removes roles and resets
    passwords (each a security event in the audit log); only a superuser changes a superuser, makes anyone staff or
    superuser, or hands out raw permissions. `createsuperuser` stays the way to make the first one."""

    list_display = ("username", "first_name", "last_name", "email", "is_active", "roles")
    list_filter = ("is_active", "groups")
    # What only a superuser may set: left out of a clinic admin's form (a forged field changes nothing).
    SUPERUSER_ONLY_FIELDS = ("is_staff", "is_superuser", "user_permissions")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Roles")
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all())

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in self.SUPERUSER_ONLY_FIELDS]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["last_login", "date_joined"]
        return readonly

    def has_change_permission(self, request, obj=None):
        # The emergency account is changed (its password too) only by a superuser: else a clinic admin could sign
        # in as it and read every second factor's key.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


admin.site.unregister(Group)


@admin.register(Group)
class ClinicGroupAdmin(GroupAdmin):
    """The roles: a clinic admin may read what each allows; only a superuser changes a role's permissions."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class ClinicTOTPDeviceAdmin(SuperuserOnlyAdmin, TOTPDeviceAdmin):
    pass


@admin.register(Client)
class ClientAdmin(AllowListedFiltersMixin, NoDeleteMixin, admin.ModelAdmin):
    list_display = ("last_name", "first_name", "preferred_name", "date_of_birth", "phone", "archived_at")
    # No search box here or on any clinical record: it would put names in the address (?q=). Find a client with
    # the app's own search (the text stays in the session), then follow the links.
    list_filter = ("archived_at",)
    readonly_fields = ("public_id", "created_at", "updated_at", "created_by", "archived_by")
    filter_horizontal = ("care_team",)

    def has_change_permission(self, request, obj=None):
        # Disposal is final: an anonymised client is neither restored nor given their name back here either.
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_disposed)


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AppendOnlyLogEntryAdmin(AllowListedFiltersMixin, NoDeleteMixin, LogEntryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
