from django.contrib import admin

from notes.models import ConsentText


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """Clinic admins publish new versions; a published version is never edited or removed."""

    list_display = ("kind", "version", "title", "published_at")
    list_filter = ("kind",)
    readonly_fields = ("published_at",)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        kind = request.GET.get("kind", "abdominal")
        current = ConsentText.objects.current(kind)
        return {
            "kind": kind,
            "version": (current.version + 1) if current else 1,
            "text": current.text if current else "",
        }
