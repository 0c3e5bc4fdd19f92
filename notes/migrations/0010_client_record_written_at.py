"""Fill `Client.record_written_at` from the records written so far: the latest write of each kind per client,
grouped by the database (one statement a kind), then written 2,000 clients a statement."""

from django.db import migrations
from django.db.models import Max

BATCH = 2000


def fill(apps, schema_editor):
    latest: dict[int, object] = {}

    def take(rows):
        for client_id, moment in rows:
            if moment is not None and (latest.get(client_id) is None or moment > latest[client_id]):
                latest[client_id] = moment

    model = apps.get_model
    take(
        model("intake", "Intake")
        .objects.values("client_id")
        .annotate(m=Max("updated_at"))
        .values_list("client_id", "m")
    )
    screenings = model("intake", "Screening").objects.values("intake__client_id")
    take(screenings.annotate(m=Max("screened_at")).values_list("intake__client_id", "m"))
    clearances = model("intake", "PhysicianClearance").objects.values("client_id")
    take(clearances.annotate(m=Max("recorded_at")).values_list("client_id", "m"))
    consents = model("notes", "Consent").objects.values("client_id")
    take(consents.annotate(m=Max("signed_at")).values_list("client_id", "m"))
    take(consents.annotate(m=Max("withdrawn_at")).values_list("client_id", "m"))
    sessions = model("notes", "TreatmentSession").objects.values("client_id")
    take(sessions.annotate(m=Max("updated_at")).values_list("client_id", "m"))
    entries = model("notes", "FeedbackEntry").objects.values("session__client_id")
    take(entries.annotate(m=Max("at")).values_list("session__client_id", "m"))
    addenda = model("notes", "Addendum").objects.values("session__client_id")
    take(addenda.annotate(m=Max("at")).values_list("session__client_id", "m"))
    Client = model("clinic", "Client")
    clients = [Client(pk=pk, record_written_at=moment) for pk, moment in latest.items()]
    Client.objects.bulk_update(clients, ["record_written_at"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0011_client_record_written_at"),
        ("intake", "0001_initial"),
        ("notes", "0009_session_client_updated_index"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
