"""Intake records in the Django admin: readable by clinic admins, changed only through the app (which re-screens)."""

from django.contrib import admin

from clinic.admin import ReadOnlyAdmin
from intake.models import Complaint, Intake, PhysicianClearance, Screening


class ComplaintInline(admin.TabularInline):
    model = Complaint
    extra = 0
    can_delete = False
    fields = ("region", "side", "pain_now", "pain_worst", "onset", "removed_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Intake)
class IntakeAdmin(ReadOnlyAdmin):
    list_display = ("client", "taken_at", "taken_by", "assessed_by")
    list_select_related = ("client", "taken_by", "assessed_by")
    date_hierarchy = "taken_at"
    inlines = [ComplaintInline]


@admin.register(Screening)
class ScreeningAdmin(ReadOnlyAdmin):
    list_display = ("intake", "screened_at", "ruleset", "iliopsoas", "abdominal_work", "refer", "score")
    list_filter = ("ruleset", "iliopsoas", "abdominal_work", "refer")
    list_select_related = ("intake__client",)


@admin.register(PhysicianClearance)
class PhysicianClearanceAdmin(ReadOnlyAdmin):
    list_display = ("client", "cleared_on", "clinician_name", "recorded_by")
    list_select_related = ("client", "recorded_by")


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("intake", "region", "side", "pain_now", "removed_at")
    list_filter = ("region",)
    list_select_related = ("intake__client",)
