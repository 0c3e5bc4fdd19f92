import importlib

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db import connections


def publish_first_consent_texts(sender, *, using, apps=global_apps, **kwargs) -> None:
    """Migration 0002 publishes the first consent texts; this post_migrate handler keeps them after a database
    flush (as between browser tests), as clinic.roles.ensure_roles keeps the roles. A flush sends no `apps`."""
    try:
        model = apps.get_model("notes", "ConsentText")
    except LookupError:  # notes not migrated (yet, or any more)
        return
    if model._meta.db_table not in connections[using].introspection.table_names():
        return
    migration = importlib.import_module("notes.migrations.0002_first_consent_texts")
    migration.publish(apps, None)


class NotesConfig(AppConfig):
    name = "notes"
    verbose_name = "Consent and treatment notes"

    def ready(self):
        from auditlog.registry import auditlog
        from django.db.models.signals import post_migrate

        post_migrate.connect(publish_first_consent_texts, sender=self, dispatch_uid="notes-first-consent-texts")

        from notes.models import (
            AbdominalSegment,
            Addendum,
            AdverseEffect,
            AreaConfirmation,
            AreaTreated,
            ComplaintPain,
            Consent,
            FeedbackEntry,
            PulseEvent,
            RecordDisposal,
            TreatmentPlan,
            TreatmentSession,
        )

        auditlog.register(Consent, exclude_fields=["signature_drawing"])
        auditlog.register(TreatmentSession, exclude_fields=["updated_at"])
        auditlog.register(ComplaintPain)
        auditlog.register(AbdominalSegment)
        auditlog.register(FeedbackEntry)
        auditlog.register(Addendum)
        auditlog.register(AreaTreated)
        auditlog.register(PulseEvent)
        auditlog.register(AreaConfirmation, exclude_fields=["initials_drawing"])
        auditlog.register(AdverseEffect)
        auditlog.register(TreatmentPlan)
        # Who asked, who approved, when and how many rows went; never the clinical content.
        auditlog.register(RecordDisposal)

        from clinic.models import keeps_record_written

        # Every write of the client's clinical record moves the date its retention counts from.
        keeps_record_written(Consent, lambda c: (c.client_id, max(filter(None, (c.signed_at, c.withdrawn_at)))))
        keeps_record_written(TreatmentSession, lambda session: (session.client_id, session.updated_at))
        keeps_record_written(FeedbackEntry, lambda entry: (entry.session.client_id, entry.at))
        keeps_record_written(Addendum, lambda addendum: (addendum.session.client_id, addendum.at))
        keeps_record_written(PulseEvent, lambda event: (event.session.client_id, event.at))
        keeps_record_written(AreaConfirmation, lambda row: (row.session.client_id, row.confirmed_at))
        keeps_record_written(AdverseEffect, lambda effect: (effect.session.client_id, effect.reported_at))
        keeps_record_written(TreatmentPlan, lambda plan: (plan.client_id, plan.written_at))
        keeps_record_written(
            RecordDisposal, lambda disposal: (disposal.client_id, disposal.requested_at), field="disposal_requested_at"
        )

    def client_panels(self, request, client) -> list:
        """The client page's consent, sessions and retention panels (clinic/panels.py)."""
        from notes import panels

        offered = [panels.consent_and_sessions_panel(request, client), panels.retention_panel(request, client)]
        return [panel for panel in offered if panel is not None]

    def home_panels(self, request) -> list:
        """A therapist's drafts to sign and reassessments due, on their home page (clinic/panels.py)."""
        from notes import panels

        offered = [panels.drafts_panel(request), panels.reassessments_panel(request)]
        return [panel for panel in offered if panel is not None]

    def client_form_panels(self, request, client) -> list:
        """The consent texts a client reads ahead on their own forms (intake/client_form_views.py): the current text
        of each kind, read-only; signing stays at the clinic."""
        from clinic.panels import Panel
        from notes.models import ConsentKind, ConsentText

        texts = [text for kind in ConsentKind.values if (text := ConsentText.objects.current(kind)) is not None]
        return [Panel("notes/_consent_texts_to_read.html", {"texts": texts})]

    def seed_demo(self, *, users) -> str:
        """Called by `manage.py seed_demo`: consents and a signed session for a few demo clients."""
        from notes.demo import seed_demo_notes

        return seed_demo_notes(users=users)
