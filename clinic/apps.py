from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        from django.db.models.signals import post_migrate

        from clinic import audit, roles

        # After every migrate (and every flush), after auth and the admin have made their permissions.
        post_migrate.connect(roles.ensure_roles, dispatch_uid="clinic-ensure-roles")

        audit.register_models()
        audit.guard_append_only()
