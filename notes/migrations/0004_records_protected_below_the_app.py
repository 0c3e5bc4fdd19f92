"""The database itself refuses to change signed notes and to delete clinical records, even from raw SQL.

The application already refuses all of this (the models' save() and delete(), AuditedQuerySet); these triggers
also stop a stray QuerySet.update(), a bulk write or a hand-typed statement.

- A signed session is never updated again (signing itself, the UPDATE from draft to signed, is allowed), and
  its pain ratings, abdominal segments and feedback entries are neither inserted, updated nor deleted. Addenda
  are rows of their own, added after signing: inserting one stays allowed; changing one is refused.
- A consent is never updated, except for its one withdrawal: withdrawn_at from NULL to a time, with who and why,
  every other column unchanged.
- Nothing clinical (intakes and their complaints and screenings, clearances, consents, sessions and everything
  recorded in them, addenda) is deleted, unless an approved record disposal of that client is being carried out
  (notes.disposal): on PostgreSQL the disposal's transaction says which with SET LOCAL clinic.disposal = '<id>'
  and that disposal row must be 'approved' for the row's client; on SQLite (no session variables) the approved
  disposal row of the client must exist, and it only exists inside the disposal's own transaction.
- On SQLite, audit entries now refuse DELETE too (clinic 0003 left it open because the test runner flushes
  with DELETE; tests/conftest.py now lifts the DELETE triggers inside the flush's own transaction).

Triggers on SQLite belong to their table: a later migration that remakes one of these tables on SQLite drops
them, and tests/test_record_triggers.py fails until it is re-created.
"""

from django.db import migrations

# Tables whose rows are recorded within a session, each with a session_id column.
SESSION_PARTS = ("notes_complaintpain", "notes_abdominalsegment", "notes_feedbackentry")
# Intake tables: their own client_id, or their intake's.
INTAKE_OWN_CLIENT = ("intake_intake", "intake_physicianclearance")
INTAKE_VIA_INTAKE = ("intake_complaint", "intake_screening")
WITHDRAWAL_COLUMNS = ("withdrawn_at", "withdrawn_by_id", "withdrawal_reason")

POSTGRESQL_FUNCTIONS = """
CREATE OR REPLACE FUNCTION notes_disposal_under_way(client bigint) RETURNS boolean AS $$
    SELECT EXISTS (
        SELECT 1 FROM notes_recorddisposal
        WHERE id::text = current_setting('clinic.disposal', true) AND client_id = client AND status = 'approved'
    );
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION notes_treatmentsession_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF notes_disposal_under_way(OLD.client_id) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'treatment sessions are never deleted: DELETE refused';
    END IF;
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'session %% is signed and read-only: UPDATE refused', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION notes_session_part_guard() RETURNS trigger AS $$
DECLARE
    session_status text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF notes_disposal_under_way((SELECT client_id FROM notes_treatmentsession WHERE id = OLD.session_id)) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'records of a session are never deleted: DELETE on %% refused', TG_TABLE_NAME;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- FOR SHARE waits for a signing in progress, then sees the session as it was committed.
        SELECT status INTO session_status FROM notes_treatmentsession WHERE id = OLD.session_id FOR SHARE;
        IF session_status = 'signed' THEN
            RAISE EXCEPTION 'session %% is signed and read-only: UPDATE on %% refused', OLD.session_id, TG_TABLE_NAME;
        END IF;
    END IF;
    SELECT status INTO session_status FROM notes_treatmentsession WHERE id = NEW.session_id FOR SHARE;
    IF session_status = 'signed' THEN
        RAISE EXCEPTION 'session %% is signed and read-only: %% on %% refused', NEW.session_id, TG_OP, TG_TABLE_NAME;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION notes_addendum_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF notes_disposal_under_way((SELECT client_id FROM notes_treatmentsession WHERE id = OLD.session_id)) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'addenda are never deleted: DELETE refused';
    END IF;
    RAISE EXCEPTION 'an addendum is never edited (add another one): UPDATE refused';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION notes_consent_guard() RETURNS trigger AS $$
DECLARE
    withdrawal text[] := ARRAY['withdrawn_at', 'withdrawn_by_id', 'withdrawal_reason'];
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF notes_disposal_under_way(OLD.client_id) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'consents are never deleted: DELETE refused';
    END IF;
    IF OLD.withdrawn_at IS NULL AND NEW.withdrawn_at IS NOT NULL AND NEW.withdrawn_by_id IS NOT NULL
            AND to_jsonb(NEW) - withdrawal = to_jsonb(OLD) - withdrawal THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a consent is never changed, only withdrawn once: UPDATE refused';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION notes_client_record_guard() RETURNS trigger AS $$
BEGIN
    IF notes_disposal_under_way(OLD.client_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'clinical records are never deleted: DELETE on %% refused', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION notes_intake_part_guard() RETURNS trigger AS $$
BEGIN
    IF notes_disposal_under_way((SELECT client_id FROM intake_intake WHERE id = OLD.intake_id)) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'clinical records are never deleted: DELETE on %% refused', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION notes_disposal_guard() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the trace of a record disposal is never deleted: DELETE refused';
END;
$$ LANGUAGE plpgsql;
"""

# (table, events, function)
POSTGRESQL_TRIGGERS = [
    ("notes_treatmentsession", "UPDATE OR DELETE", "notes_treatmentsession_guard"),
    *[(table, "INSERT OR UPDATE OR DELETE", "notes_session_part_guard") for table in SESSION_PARTS],
    ("notes_addendum", "UPDATE OR DELETE", "notes_addendum_guard"),
    ("notes_consent", "UPDATE OR DELETE", "notes_consent_guard"),
    *[(table, "DELETE", "notes_client_record_guard") for table in INTAKE_OWN_CLIENT],
    *[(table, "DELETE", "notes_intake_part_guard") for table in INTAKE_VIA_INTAKE],
    ("notes_recorddisposal", "DELETE", "notes_disposal_guard"),
]
POSTGRESQL_FUNCTION_NAMES = [
    "notes_disposal_under_way(bigint)",
    "notes_treatmentsession_guard()",
    "notes_session_part_guard()",
    "notes_addendum_guard()",
    "notes_consent_guard()",
    "notes_client_record_guard()",
    "notes_intake_part_guard()",
    "notes_disposal_guard()",
]


def postgresql_create() -> list[str]:
    statements = [POSTGRESQL_FUNCTIONS]
    for table, events, function in POSTGRESQL_TRIGGERS:
        statements.append(f"DROP TRIGGER IF EXISTS {table}_guard ON {table}")
        statements.append(
            f"CREATE TRIGGER {table}_guard BEFORE {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
    return statements


def postgresql_drop() -> list[str]:
    statements = [
        f"DROP TRIGGER IF EXISTS {table}_guard ON {table}" for table, _events, _function in POSTGRESQL_TRIGGERS
    ]
    statements += [f"DROP FUNCTION IF EXISTS {name}" for name in POSTGRESQL_FUNCTION_NAMES]
    return statements


# SQLite: no session variables, so the approved disposal row of the client is the permission.
SQLITE_DISPOSAL_OF_CLIENT = "SELECT 1 FROM notes_recorddisposal WHERE client_id = {client} AND status = 'approved'"
SQLITE_CLIENT_OF_SESSION = "(SELECT client_id FROM notes_treatmentsession WHERE id = OLD.session_id)"
SQLITE_CLIENT_OF_INTAKE = "(SELECT client_id FROM intake_intake WHERE id = OLD.intake_id)"
SQLITE_SIGNED = "SELECT 1 FROM notes_treatmentsession WHERE id = {session} AND status = 'signed'"


def sqlite_trigger(name: str, event: str, table: str, when: str, message: str) -> str:
    return (
        f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON {table} WHEN {when} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


def sqlite_unless_disposal(table: str, client: str, message: str) -> str:
    when = f"NOT EXISTS ({SQLITE_DISPOSAL_OF_CLIENT.format(client=client)})"
    return sqlite_trigger(f"{table}_no_delete", "DELETE", table, when, f"{message}: DELETE refused")


def sqlite_create(schema_editor) -> list[str]:
    with schema_editor.connection.cursor() as cursor:
        consent_columns = [
            column.name
            for column in schema_editor.connection.introspection.get_table_description(cursor, "notes_consent")
            if column.name not in WITHDRAWAL_COLUMNS
        ]
    unchanged = " AND ".join(f"NEW.{name} IS OLD.{name}" for name in consent_columns)
    withdrawal = "OLD.withdrawn_at IS NULL AND NEW.withdrawn_at IS NOT NULL AND NEW.withdrawn_by_id IS NOT NULL"
    statements = [
        sqlite_trigger(
            "notes_treatmentsession_signed_no_update",
            "UPDATE",
            "notes_treatmentsession",
            "OLD.status = 'signed'",
            "a signed session is read-only: UPDATE refused",
        ),
        sqlite_unless_disposal("notes_treatmentsession", "OLD.client_id", "treatment sessions are never deleted"),
    ]
    for table in SESSION_PARTS:
        statements += [
            sqlite_trigger(
                f"{table}_signed_no_insert",
                "INSERT",
                table,
                f"EXISTS ({SQLITE_SIGNED.format(session='NEW.session_id')})",
                f"the session is signed and read-only: INSERT on {table} refused",
            ),
            sqlite_trigger(
                f"{table}_signed_no_update",
                "UPDATE",
                table,
                f"EXISTS ({SQLITE_SIGNED.format(session='OLD.session_id')}) "
                f"OR EXISTS ({SQLITE_SIGNED.format(session='NEW.session_id')})",
                f"the session is signed and read-only: UPDATE on {table} refused",
            ),
            sqlite_unless_disposal(
                table, SQLITE_CLIENT_OF_SESSION, f"records of a session are never deleted ({table})"
            ),
        ]
    statements += [
        sqlite_trigger(
            "notes_addendum_no_update", "UPDATE", "notes_addendum", "1", "an addendum is never edited: UPDATE refused"
        ),
        sqlite_unless_disposal("notes_addendum", SQLITE_CLIENT_OF_SESSION, "addenda are never deleted"),
        sqlite_trigger(
            "notes_consent_no_update",
            "UPDATE",
            "notes_consent",
            f"NOT ({withdrawal} AND {unchanged})",
            "a consent is never changed, only withdrawn once: UPDATE refused",
        ),
        sqlite_unless_disposal("notes_consent", "OLD.client_id", "consents are never deleted"),
        *[
            sqlite_unless_disposal(table, "OLD.client_id", f"clinical records are never deleted ({table})")
            for table in INTAKE_OWN_CLIENT
        ],
        *[
            sqlite_unless_disposal(table, SQLITE_CLIENT_OF_INTAKE, f"clinical records are never deleted ({table})")
            for table in INTAKE_VIA_INTAKE
        ],
        sqlite_trigger(
            "notes_recorddisposal_no_delete",
            "DELETE",
            "notes_recorddisposal",
            "1",
            "the trace of a record disposal is never deleted: DELETE refused",
        ),
        sqlite_trigger(
            "auditlog_logentry_no_delete",
            "DELETE",
            "auditlog_logentry",
            "1",
            "the audit log is append-only: DELETE refused",
        ),
    ]
    return statements


def sqlite_drop(schema_editor) -> list[str]:
    # "CREATE TRIGGER IF NOT EXISTS <name> ...": the sixth word is the name.
    return [f"DROP TRIGGER IF EXISTS {statement.split()[5]}" for statement in sqlite_create(schema_editor)]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = postgresql_create()
    elif vendor == "sqlite":
        statements = sqlite_create(schema_editor)
    else:
        return
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = postgresql_drop()
    elif vendor == "sqlite":
        statements = sqlite_drop(schema_editor)
    else:
        return
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0003_record_disposal"),
        ("intake", "0001_initial"),
        ("clinic", "0003_audit_log_append_only"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
