from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "notes"
    verbose_name = "Consent and treatment notes"

    def ready(self):
        from auditlog.registry import auditlog

        from notes.models import (
            AbdominalSegment,
            Addendum,
            ComplaintPain,
            Consent,
            FeedbackEntry,
            RecordDisposal,
            TreatmentSession,
        )

        auditlog.register(Consent, exclude_fields=["signature_drawing"])
        auditlog.register(TreatmentSession, exclude_fields=["updated_at"])
        auditlog.register(ComplaintPain)
        auditlog.register(AbdominalSegment)
        auditlog.register(FeedbackEntry)
        auditlog.register(Addendum)
        # Who asked, who approved, when and how many rows went; never the clinical content.
        auditlog.register(RecordDisposal)

    def seed_demo(self, *, users) -> str:
        """Called by `manage.py seed_demo`: consents and a signed session for a few demo clients."""
        from notes.demo import seed_demo_notes

        return seed_demo_notes(users=users)
