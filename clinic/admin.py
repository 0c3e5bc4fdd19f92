import auditlog.admin  # noqa: F401  (registers LogEntry first, so it can be replaced below)
from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models.constants import LOOKUP_SEP

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


@admin.register(User)
class ClinicUserAdmin(AllowListedFiltersMixin, NoDeleteMixin, UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "roles")
    list_filter = ("is_active", "groups")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Roles")
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all())

    def get_readonly_fields(self, request, obj=None):
        # Only an emergency superuser may create another one or hand out raw permissions.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions", "last_login", "date_joined"]
        return readonly


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
