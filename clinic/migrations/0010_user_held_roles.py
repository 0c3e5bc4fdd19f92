from django.db import migrations, models


def keep_held_roles(apps, schema_editor):
    User = apps.get_model("clinic", "User")
    held = {}
    for user_id, name in User.groups.through.objects.order_by("group__name").values_list("user_id", "group__name"):
        held.setdefault(user_id, []).append(name)
    for user_id, names in held.items():
        User.objects.filter(pk=user_id).update(held_roles=names)


class Migration(migrations.Migration):
    dependencies = [("clinic", "0009_audit_client_index")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="held_roles",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(keep_held_roles, migrations.RunPython.noop),
    ]
