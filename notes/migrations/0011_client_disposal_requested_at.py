"""Fill `Client.disposal_requested_at` from the disposals asked for so far (a few clients, if any)."""

from django.db import migrations
from django.db.models import Max


def fill(apps, schema_editor):
    Client = apps.get_model("clinic", "Client")
    requests = (
        apps.get_model("notes", "RecordDisposal").objects.values("client_id").annotate(latest=Max("requested_at"))
    )
    for row in requests:
        Client.objects.filter(pk=row["client_id"]).update(disposal_requested_at=row["latest"])


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0012_client_disposal_requested_at"),
        ("notes", "0010_client_record_written_at"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
