from django.contrib import admin

from clinic.admin import AllowListedFiltersMixin, ReadOnlyAdmin
from notes.models import (
    AbdominalSegment,
    Addendum,
    ComplaintPain,
    Consent,
    ConsentKind,
    ConsentText,
    FeedbackEntry,
    TreatmentSession,
)


@admin.register(ConsentText)
class ConsentTextAdmin(AllowListedFiltersMixin, admin.ModelAdmin):
    """Clinic admins publish new versions; a published version is never edited or removed."""

    list_display = ("kind", "version", "title", "published_at")
    list_filter = ("kind",)
    readonly_fields = ("published_at",)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        kind = request.GET.get("kind", "")
        kind = kind if kind in ConsentKind.values else ConsentKind.ABDOMINAL  # an allow-list, never raw
        current = ConsentText.objects.current(kind)
        return {
            "kind": kind,
            "version": (current.version + 1) if current else 1,
            "text": current.text if current else "",
        }


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("client", "kind", "text", "signed_at", "collected_by", "withdrawn_at")
    list_filter = ("kind",)
    list_select_related = ("client", "text", "collected_by")


class FeedbackInline(admin.TabularInline):
    model = FeedbackEntry
    extra = 0
    can_delete = False
    fields = ("at", "side", "technique", "pressure", "pain", "response", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class AddendumInline(admin.TabularInline):
    model = Addendum
    extra = 0
    can_delete = False
    fields = ("at", "author", "reason", "text")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TreatmentSession)
class TreatmentSessionAdmin(ReadOnlyAdmin):
    list_display = ("client", "therapist", "started_at", "status", "signed_at")
    list_filter = ("status",)
    list_select_related = ("client", "therapist")
    date_hierarchy = "started_at"
    exclude = ("objective_tests",)
    inlines = [FeedbackInline, AddendumInline]


@admin.register(FeedbackEntry)
class FeedbackEntryAdmin(ReadOnlyAdmin):
    list_display = ("session", "at", "pressure", "pain", "response")
    list_filter = ("response", "technique")
    list_select_related = ("session__client",)


@admin.register(Addendum)
class AddendumAdmin(ReadOnlyAdmin):
    list_display = ("session", "at", "author", "reason")
    list_select_related = ("session__client", "author")


@admin.register(ComplaintPain)
class ComplaintPainAdmin(ReadOnlyAdmin):
    list_display = ("session", "complaint", "before", "after")
    list_select_related = ("session__client", "complaint")


@admin.register(AbdominalSegment)
class AbdominalSegmentAdmin(ReadOnlyAdmin):
    list_display = ("session", "reconfirmed_at", "ended_at", "end_reason")
    list_select_related = ("session__client",)
