from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.db.models.signals import m2m_changed, post_delete, post_init, post_migrate, post_save
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from clinic import audit, roles, security_events

        # After every migrate (and every flush), after auth and the admin have made their permissions.
        post_migrate.connect(roles.ensure_roles, dispatch_uid="clinic-ensure-roles")

        # Every change of a user's groups, from either side, rewrites the roles kept on their row.
        m2m_changed.connect(roles.groups_changed, sender=get_user_model().groups.through, dispatch_uid="clinic-roles")
        post_save.connect(roles.group_renamed_or_deleted, sender=Group, dispatch_uid="clinic-group-saved")
        post_delete.connect(roles.group_renamed_or_deleted, sender=Group, dispatch_uid="clinic-group-deleted")

        # Accounts created and second factors enrolled or removed, by any path (the app, /admin/), are security events.
        post_save.connect(security_events.user_saved, sender=get_user_model(), dispatch_uid="clinic-account-created")
        post_init.connect(security_events.device_loaded, sender=TOTPDevice, dispatch_uid="clinic-device-loaded")
        post_save.connect(security_events.device_saved, sender=TOTPDevice, dispatch_uid="clinic-device-saved")
        post_delete.connect(security_events.device_deleted, sender=TOTPDevice, dispatch_uid="clinic-device-deleted")

        audit.register_models()
        audit.connect_request_receiver()
        audit.guard_append_only()
