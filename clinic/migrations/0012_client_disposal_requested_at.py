from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("clinic", "0011_client_record_written_at")]

    operations = [
        migrations.AddField(
            model_name="client",
            name="disposal_requested_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
