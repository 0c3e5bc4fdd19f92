from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from clinic import audit, roles

        # After every migrate (and every flush), after auth and the admin have made their permissions.
        post_migrate.connect(roles.ensure_roles, dispatch_uid="clinic-ensure-roles")

        # Every change of a user's groups, from either side, rewrites the roles kept on their row.
        m2m_changed.connect(roles.groups_changed, sender=get_user_model().groups.through, dispatch_uid="clinic-roles")
        post_save.connect(roles.group_renamed_or_deleted, sender=Group, dispatch_uid="clinic-group-saved")
        post_delete.connect(roles.group_renamed_or_deleted, sender=Group, dispatch_uid="clinic-group-deleted")

        audit.register_models()
        audit.guard_append_only()
