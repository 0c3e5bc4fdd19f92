"""`manage.py seed_load`: synthetic load data in bulk, which the app's pages read like any other."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clinic.models import Client
from notes.models import FeedbackEntry, TreatmentSession

pytestmark = pytest.mark.django_db


def seed(**options):
    call_command("seed_load", stdout=io.StringIO(), stderr=io.StringIO(), **options)


def test_seed_load_creates_clients_sessions_and_entries(settings):
    settings.DEBUG = True

    seed(clients=5, sessions_per_client=3, entries_per_session=4, therapists=2)

    assert Client.objects.count() == 5
    assert TreatmentSession.objects.signed().count() == 15
    assert FeedbackEntry.objects.count() == 60
    assert all(client.care_team.exists() for client in Client.objects.all())


def test_seed_load_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        seed(clients=1)

    assert not Client.objects.exists()


def test_seeded_clients_show_in_the_list_history_and_name_search(settings, as_user, clinic_admin):
    settings.DEBUG = True
    seed(clients=30, sessions_per_client=2, therapists=1)
    client = Client.objects.order_by("pk").first()
    admin = as_user(clinic_admin)

    listing = admin.get("/clients/")
    found = admin.post("/clients/", {"q": client.last_name}, follow=True)
    history = admin.get(f"/clients/{client.public_id}/history/")

    assert listing.context["page"].paginator.count == 30
    assert list(found.context["page"].object_list) == [client]
    assert history.status_code == 200
    assert history.content.decode().count("history-session") == 2


@pytest.mark.django_db(transaction=True)
def test_seed_load_outside_a_transaction_vacuums_and_its_data_reads_back(settings):
    """As `make bench` runs it: not inside a transaction, so on PostgreSQL it ends with VACUUM ANALYZE of what it
    wrote (which cannot run in a transaction), and the data is there to read."""
    settings.DEBUG = True
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as statements:
        seed(clients=3, sessions_per_client=2, entries_per_session=2, therapists=1)

    vacuums = [s["sql"] for s in statements.captured_queries if s["sql"].startswith("VACUUM")]
    assert len(vacuums) == (9 if connection.vendor == "postgresql" else 0)
    assert TreatmentSession.objects.signed().count() == 6
    assert FeedbackEntry.objects.count() == 12
