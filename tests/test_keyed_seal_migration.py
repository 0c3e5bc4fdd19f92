"""notes migration 0013: notes signed with a plain SHA-256 move to keyed seals without a false alarm, and without
laundering a note changed before then. Each is verified under the old scheme first; only those that verify are
sealed with the key (their addenda chained after them); the others keep their old hash and verify_notes goes on
reporting them. Backwards, the notes whose keyed seal verifies get their plain SHA-256 back. Run by Django's
migration executor on the test database, SQLite or PostgreSQL, as tests/test_outcome_migration.py does."""

import importlib
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notes import services
from notes.models import Addendum, TreatmentSession
from tests import history_helpers as h
from tests.factories import screened_intake
from tests.record_helpers import GROIN, run_sql

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("notes", "0013_client_disposed_at")
AFTER = ("notes", "0014_keyed_seals")
MIGRATION = importlib.import_module("notes.migrations.0014_keyed_seals")
# At 0012 a signed session is read-only in the database (migration 0004): someone with the rights lifts that first.
LIFT = {
    "postgresql": "ALTER TABLE notes_treatmentsession DISABLE TRIGGER notes_treatmentsession_guard",
    "sqlite": "DROP TRIGGER notes_treatmentsession_signed_no_update",  # 0013 creates it again
}
PUT_BACK = {"postgresql": "ALTER TABLE notes_treatmentsession ENABLE TRIGGER notes_treatmentsession_guard"}


def migrate(target) -> None:
    """To `target`; from AFTER on to every app's newest migration, as a clinic upgrading does (the later ones change
    no seal), so the checks run with today's code and schema."""
    MigrationExecutor(connection).migrate([target])
    if target == AFTER:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def old_hashes() -> dict[int, tuple[str, str]]:
    """At 0012: each signed session's stored hash, and the plain SHA-256 the old code computes of it now."""
    old_apps = MigrationExecutor(connection).loader.project_state([BEFORE]).apps
    sessions = old_apps.get_model("notes", "TreatmentSession").objects.filter(status="signed")
    return {s.pk: (s.content_hash, MIGRATION.legacy_hash(s)) for s in sessions.select_related("client", "therapist")}


def verify_notes() -> tuple[bool, str]:
    errors = io.StringIO()
    try:
        call_command("verify_notes", stdout=io.StringIO(), stderr=errors)
    except CommandError:
        return False, errors.getvalue()
    return True, errors.getvalue()


@pytest.fixture
def two_notes(care_client, therapist, front_desk):
    """Two signed notes of one client, the first with an addendum: notes as they could be before the visits'
    agreements to areas (notes migration 0022, which migrating back to 0013 removes with its rows), so without
    abdominal work, which now needs the abdomen initialled at the visit."""
    screened_intake(care_client, by=front_desk, complaints=[GROIN])
    first = h.draft_session(care_client, therapist=therapist, before=6, subjective=h.SIGNED_NOTE)
    first = services.sign_session(session=first, by=therapist)
    h.add_addendum(first, by=therapist, reason="Typo", text="Pressure was 2, not 3.")
    return first, h.signed_session(care_client, therapist=therapist, subjective="Second visit")


def test_only_notes_that_verify_under_the_old_hash_are_sealed_with_the_key(two_notes):
    intact, changed = two_notes
    try:
        migrate(BEFORE)
        # Back before keyed seals, each note holds the plain SHA-256 the old code wrote.
        before = old_hashes()
        assert all(stored == computed for stored, computed in before.values())
        # One note is changed behind the app's back while its hash was still a plain SHA-256.
        run_sql(LIFT[connection.vendor])
        run_sql("UPDATE notes_treatmentsession SET plan = 'Deep work' WHERE id = %s", [changed.pk])
        if connection.vendor in PUT_BACK:
            run_sql(PUT_BACK[connection.vendor])
    finally:
        migrate(AFTER)

    intact.refresh_from_db()
    changed.refresh_from_db()
    addendum = Addendum.objects.get(session=intact)
    all_intact, errors = verify_notes()
    assert (intact.hash_key_id, addendum.hash_key_id) == (settings.NOTE_SIGNING_KEY_ID,) * 2
    assert (
        intact.signed_as["complaints"][str(intact.pains.get().complaint_id)]["region_label"] == "Front of hip / groin"
    )
    assert addendum.author_name == intact.therapist.display_name
    assert (changed.hash_key_id, changed.content_hash) == ("", before[changed.pk][0])
    assert not all_intact
    assert f"NOT SEALED: session {changed.public_id}" in errors
    assert str(intact.public_id) not in errors


def test_the_migration_runs_both_ways_and_leaves_every_note_verified(two_notes):
    sealed = dict(TreatmentSession.objects.signed().values_list("pk", "hash_key_id"))
    try:
        migrate(BEFORE)
        before = old_hashes()
    finally:
        migrate(AFTER)

    all_intact, errors = verify_notes()
    assert set(sealed.values()) == {settings.NOTE_SIGNING_KEY_ID}
    assert before and all(stored == computed for stored, computed in before.values())
    assert all_intact, errors
    assert set(TreatmentSession.objects.signed().values_list("hash_key_id", flat=True)) == {
        settings.NOTE_SIGNING_KEY_ID
    }


def test_the_database_still_refuses_changes_to_a_signed_note_after_the_migration_both_ways(two_notes):
    intact, _second = two_notes
    try:
        migrate(BEFORE)
    finally:
        migrate(AFTER)

    with pytest.raises(Exception, match="(?i)signed|read-only"):
        run_sql("UPDATE notes_treatmentsession SET plan = 'x' WHERE id = %s", [intact.pk])
    with pytest.raises(Exception, match="(?i)addend"):
        run_sql("UPDATE notes_addendum SET text = 'x' WHERE session_id = %s", [intact.pk])
