from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("clinic", "0010_user_held_roles")]

    operations = [
        migrations.AddField(
            model_name="client",
            name="record_written_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
