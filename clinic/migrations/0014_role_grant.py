import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def date_the_roles_held(apps, schema_editor):
    """A grant for every role held today. When it was granted was not kept: take the latest of the account's
    creation and the last change of its groups in Django's admin log, so a role is never made older than it is
    known to be."""
    User = apps.get_model("clinic", "User")
    RoleGrant = apps.get_model("clinic", "RoleGrant")
    AdminLogEntry = apps.get_model("admin", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    user_type = ContentType.objects.filter(app_label="clinic", model="user").first()
    joined = dict(User.objects.values_list("pk", "date_joined"))
    for user_id, group_id in User.groups.through.objects.values_list("user_id", "group_id"):
        since = joined[user_id]
        if user_type is not None:
            changed = (
                AdminLogEntry.objects.filter(
                    content_type=user_type, object_id=str(user_id), change_message__icontains="groups"
                )
                .order_by("-action_time")
                .values_list("action_time", flat=True)
                .first()
            )
            since = max(since, changed) if changed else since
        RoleGrant.objects.create(user_id=user_id, group_id=group_id, granted_at=since)


class Migration(migrations.Migration):
    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("clinic", "0013_client_disposed_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="RoleGrant",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("granted_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "group",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="auth.group"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="role_grants",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("user", "group"), name="one_grant_per_role")],
            },
        ),
        migrations.RunPython(date_the_roles_held, migrations.RunPython.noop),
    ]
