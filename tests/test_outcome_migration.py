"""notes migration 0012: the kept outcomes are worked out again when what an outcome is changes. Rows written the old
way (the latest rating of any kind, after the session if given) become rows of the latest rating before treatment,
by the migration's own statement; going back writes them the old way again. Run by Django's migration executor on
the test database, SQLite or PostgreSQL (the suite's database was itself migrated from empty)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from notes.history import pain_series
from notes.models import ComplaintOutcome, TreatmentSession
from tests import factories
from tests import history_helpers as h

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("notes", "0011_client_disposal_requested_at")
AFTER = ("notes", "0012_outcome_before_treatment")
# The later migrations, applied again after each test (AFTER first: it is what the tests check).


def latest() -> list[tuple[str, str]]:
    """Every app's newest migration, whatever is added after these."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    if target == AFTER:
        MigrationExecutor(connection).migrate(latest())


def old_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT complaint_id, first_before, latest_value, rated FROM notes_complaintoutcome ORDER BY complaint_id"
        )
        return cursor.fetchall()


@pytest.fixture
def weekly_client():
    """Intake at 6, then three weekly sessions, each 6 before treatment and 2 after."""
    therapist = factories.therapist_user(username="theo-migrations")
    client = factories.ClientFactory(care_team=[therapist])
    desk = factories.front_desk_user(username="desk-migrations")
    h.weekly_course(client, therapist=therapist, desk=desk, weeks=3, before=6, after=2)
    return client


def test_the_migration_works_the_kept_outcomes_out_again(weekly_client):
    (complaint_id,) = ComplaintOutcome.objects.values_list("complaint_id", flat=True)
    last_session = TreatmentSession.objects.filter(client=weekly_client).order_by("started_at").last()
    try:
        migrate(BEFORE)
        # Back before it, every row is as the old definition wrote it: the latest rating is the 2 after treatment.
        assert old_rows() == [(complaint_id, 6, 2, 3)]
        with connection.cursor() as cursor:  # and one complaint's row lost, as a row never refreshed would be
            cursor.execute("DELETE FROM notes_complaintoutcome")
            cursor.execute(
                "INSERT INTO notes_complaintoutcome (complaint_id, first_before, first_at, latest_value, latest_at, "
                "rated) VALUES (%s, 9, NULL, 0, NULL, 1)",
                [complaint_id],
            )
    finally:
        migrate(AFTER)

    kept = ComplaintOutcome.objects.get()
    assert (kept.complaint_id, kept.first_before, kept.latest_before, kept.rated) == (complaint_id, 6, 6, 3)
    assert kept.latest_before_at == last_session.started_at
    (_series, outcomes) = pain_series(weekly_client)
    (low_back,) = outcomes.values()
    assert (low_back.baseline, low_back.current, low_back.change, low_back.reaches_mcid) == (6, 6, 0, False)


def test_the_migration_runs_both_ways_on_a_database_with_no_outcome():
    assert not ComplaintOutcome.objects.exists()
    try:
        migrate(BEFORE)
        assert old_rows() == []
    finally:
        migrate(AFTER)

    assert not ComplaintOutcome.objects.exists()


def test_signing_after_the_migration_keeps_the_new_fields(weekly_client):
    therapist = weekly_client.care_team.get()
    h.signed_session(
        weekly_client, therapist=therapist, before=3, after=1, started_at=timezone.now() - timedelta(days=1)
    )

    kept = ComplaintOutcome.objects.get()
    assert (kept.first_before, kept.latest_before, kept.rated) == (6, 3, 4)
