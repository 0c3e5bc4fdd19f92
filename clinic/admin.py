import auditlog.admin  # noqa: F401  (registers LogEntry first, so it can be replaced below)
from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from clinic.models import Client, User


class NoDeleteMixin:
    """Nothing clinical, nobody who signed anything, and no audit entry is ever deleted."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoDeleteMixin, admin.ModelAdmin):
    """Clinical records are written through the app, where screening, the gate and signing rules live."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class ClinicUserAdmin(NoDeleteMixin, UserAdmin):
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
class ClientAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("last_name", "first_name", "preferred_name", "date_of_birth", "phone", "archived_at")
    search_fields = ("last_name", "first_name", "preferred_name", "phone")
    list_filter = ("archived_at",)
    readonly_fields = ("public_id", "created_at", "updated_at", "created_by", "archived_by")
    filter_horizontal = ("care_team",)


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AppendOnlyLogEntryAdmin(NoDeleteMixin, LogEntryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
