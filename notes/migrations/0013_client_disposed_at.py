"""Fill `Client.disposed_at` from the disposals carried out so far (a few clients, if any): those clients stay
archived for good."""

from django.db import migrations


def fill(apps, schema_editor):
    Client = apps.get_model("clinic", "Client")
    carried_out = apps.get_model("notes", "RecordDisposal").objects.filter(status="carried_out")
    for client_id, decided_at in carried_out.values_list("client_id", "decided_at"):
        Client.objects.filter(pk=client_id, disposed_at__isnull=True).update(disposed_at=decided_at)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0013_client_disposed_at"),
        ("notes", "0012_outcome_before_treatment"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
