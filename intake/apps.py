from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Intake and screening"

    def ready(self):
        from auditlog.registry import auditlog

        from intake.models import (
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
        from intake.panels import client_panel

        return [client_panel(request, client)]

    def seed_demo(self, *, users) -> str:
        """Called by `manage.py seed_demo` after the clinic's own demo data."""
        from intake.demo import seed_demo_intakes

        return f"{seed_demo_intakes(users=users)} new demo intake(s)"
