"""Create the three roles as groups and give the clinic admin role its admin-site permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FRONT_DESK = "Front desk"
THERAPIST = "Therapist"
CLINIC_ADMIN = "Clinic admin"

CLINIC_ADMIN_PERMISSIONS = (
    ("clinic", "add_user"),
    ("clinic", "change_user"),
    ("clinic", "view_user"),
    ("clinic", "add_client"),
    ("clinic", "change_client"),
    ("clinic", "view_client"),
    ("auth", "view_group"),
    ("auditlog", "view_logentry"),
)


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so the role can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in (FRONT_DESK, THERAPIST, CLINIC_ADMIN):
        Group.objects.get_or_create(name=name)
    admin_role = Group.objects.get(name=CLINIC_ADMIN)
    for app_label, codename in CLINIC_ADMIN_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        admin_role.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
