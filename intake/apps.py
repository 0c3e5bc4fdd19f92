from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Intake and screening"

    def ready(self):
        from auditlog.registry import auditlog

        from intake.models import (
            ClientLink,
            ClientSubmission,
            ClinicalJudgement,
            Complaint,
            HealthCheck,
            Intake,
            PhysicianClearance,
            QuestionnaireResponse,
            Screening,
        )

        auditlog.register(Intake, exclude_fields=["updated_at"])
        auditlog.register(Complaint)
        auditlog.register(Screening)
        auditlog.register(PhysicianClearance)
        auditlog.register(HealthCheck)
        auditlog.register(ClinicalJudgement)
        auditlog.register(QuestionnaireResponse)
        # The token's hash is never written to the log; what the client sent is in the submission, not repeated.
        auditlog.register(ClientLink, exclude_fields=["token_hash"])
        auditlog.register(ClientSubmission, exclude_fields=["data"])

        from clinic.models import keeps_record_written

        # Every write of the client's clinical record moves the date its retention counts from.
        keeps_record_written(Intake, lambda intake: (intake.client_id, intake.updated_at))
        keeps_record_written(Screening, lambda screening: (screening.intake.client_id, screening.screened_at))
        keeps_record_written(PhysicianClearance, lambda clearance: (clearance.client_id, clearance.recorded_at))
        keeps_record_written(HealthCheck, lambda check: (check.client_id, check.recorded_at))
        keeps_record_written(ClinicalJudgement, lambda judged: (judged.client_id, judged.recorded_at))
        keeps_record_written(QuestionnaireResponse, lambda answered: (answered.client_id, answered.recorded_at))

    def client_panels(self, request, client) -> list:
        """The client page's intake panel (clinic/panels.py)."""
        from intake.client_form_panels import client_forms_panel
        from intake.panels import client_panel

        offered = [client_panel(request, client), client_forms_panel(request, client)]
        return [panel for panel in offered if panel is not None]

    def home_panels(self, request) -> list:
        """The front desk's forms sent by clients, waiting for review (clinic/panels.py)."""
        from intake.client_form_panels import home_submissions_panel

        offered = [home_submissions_panel(request)]
        return [panel for panel in offered if panel is not None]

    def seed_demo(self, *, users) -> str:
        """Called by `manage.py seed_demo` after the clinic's own demo data."""
        from intake.demo import seed_demo_client_forms, seed_demo_intakes

        intakes = seed_demo_intakes(users=users)
        return f"{intakes} new demo intake(s), {seed_demo_client_forms(users=users)} demo client(s)' own forms"
