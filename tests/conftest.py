import importlib

import pytest
from django.apps import apps

from tests import factories


@pytest.fixture(scope="session", autouse=True)
def _flush_lifts_sqlite_delete_triggers():
    """The runner empties SQLite between transactional (browser) tests with DELETE FROM every table, which the
    record triggers (notes migration 0004) refuse. The flush drops them and puts them back inside its own
    transaction, so no other connection sees the database without them. PostgreSQL flushes with TRUNCATE,
    which row triggers leave alone."""
    from django.db.backends.sqlite3.base import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%BEFORE DELETE%'")
            triggers = cursor.fetchall()
        lifted = [f'DROP TRIGGER "{name}"' for name, _sql in triggers]
        return original(self, [*lifted, *sql_list, *(sql for _name, sql in triggers)])

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original


@pytest.fixture
def front_desk(db):
    return factories.front_desk_user(username="desk")


@pytest.fixture
def therapist(db):
    return factories.therapist_user(username="theo")


@pytest.fixture
def outsider_therapist(db):
    """A therapist who is in nobody's care team in these tests."""
    return factories.therapist_user(username="other")


@pytest.fixture
def clinic_admin(db):
    return factories.clinic_admin_user(username="boss")


@pytest.fixture
def no_role_user(db):
    return factories.UserFactory(username="norole")


@pytest.fixture
def care_client(db, therapist):
    """A client in `therapist`'s care team (and nobody else's)."""
    return factories.ClientFactory(first_name="Maya", last_name="Chen", care_team=[therapist])


@pytest.fixture
def as_user(client):
    """Log the Django test client in as a user: `as_user(front_desk).get(...)`."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def consent_texts(transactional_db):
    """The consent texts notes migration 0002 publishes, for transactional tests: one before may have flushed them
    (the role groups come back by themselves, clinic.roles.ensure_roles). Idempotent, unlike serialized_rollback,
    which fails on a database where they are already back."""
    importlib.import_module("notes.migrations.0002_first_consent_texts").publish(apps, None)
    importlib.import_module("notes.migrations.0021_consent_texts_naming_each_area").publish(apps, None)
