"""The records added in 0015 are protected below the app like the others (migration 0004):

- Pulse events are parts of a session like its feedback entries: neither inserted, updated nor deleted once the
  session is signed (0004's `notes_session_part_guard` on PostgreSQL).
- Areas treated are written again whole while the note is a draft (its rows replaced), so a draft's rows may be
  deleted; once the session is signed they are neither inserted, updated nor deleted.
- An adverse effect is never updated. One recorded on the draft (`reported_later` false) is refused once the
  session is signed; one reported later is inserted beside the signed note, as an addendum is.
- A treatment plan is never updated: a change is a new version.
- None of these is deleted except by an approved record disposal of the client (0004's rule).
"""

from django.db import migrations

POSTGRESQL_FUNCTIONS = """
CREATE OR REPLACE FUNCTION notes_area_treated_guard() RETURNS trigger AS $$
DECLARE
    session_id bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        session_id := OLD.session_id;
        IF notes_disposal_under_way((SELECT client_id FROM notes_treatmentsession WHERE id = OLD.session_id)) THEN
            RETURN OLD;
        END IF;
    ELSE
        session_id := NEW.session_id;
    END IF;
    IF TG_OP = 'UPDATE' AND EXISTS (
        SELECT 1 FROM notes_treatmentsession WHERE id = OLD.session_id AND status = 'signed' FOR SHARE
    ) THEN
        RAISE EXCEPTION 'session %% is signed and read-only: UPDATE on notes_areatreated refused', OLD.session_id;
    END IF;
    IF EXISTS (SELECT 1 FROM notes_treatmentsession WHERE id = session_id AND status = 'signed' FOR SHARE) THEN
        RAISE EXCEPTION 'session %% is signed and read-only: %% on notes_areatreated refused', session_id, TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION notes_adverse_effect_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF notes_disposal_under_way((SELECT client_id FROM notes_treatmentsession WHERE id = OLD.session_id)) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'adverse effects are never deleted: DELETE refused';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'an adverse effect is never edited (record another one): UPDATE refused';
    END IF;
    IF NOT NEW.reported_later AND EXISTS (
        SELECT 1 FROM notes_treatmentsession WHERE id = NEW.session_id AND status = 'signed' FOR SHARE
    ) THEN
        RAISE EXCEPTION 'session %% is signed: an adverse effect is reported beside it, not in it', NEW.session_id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION notes_treatment_plan_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF notes_disposal_under_way(OLD.client_id) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'treatment plans are never deleted: DELETE refused';
    END IF;
    RAISE EXCEPTION 'a treatment plan is never edited (write a new version): UPDATE refused';
END;
$$ LANGUAGE plpgsql;
"""

POSTGRESQL_TRIGGERS = [
    ("notes_pulseevent", "INSERT OR UPDATE OR DELETE", "notes_session_part_guard"),
    ("notes_areatreated", "INSERT OR UPDATE OR DELETE", "notes_area_treated_guard"),
    ("notes_adverseeffect", "INSERT OR UPDATE OR DELETE", "notes_adverse_effect_guard"),
    ("notes_treatmentplan", "UPDATE OR DELETE", "notes_treatment_plan_guard"),
]
POSTGRESQL_FUNCTION_NAMES = [
    "notes_area_treated_guard()",
    "notes_adverse_effect_guard()",
    "notes_treatment_plan_guard()",
]

SQLITE_DISPOSAL = "EXISTS (SELECT 1 FROM notes_recorddisposal WHERE client_id = {client} AND status = 'approved')"
SQLITE_CLIENT_OF_SESSION = "(SELECT client_id FROM notes_treatmentsession WHERE id = OLD.session_id)"
SQLITE_SIGNED = "EXISTS (SELECT 1 FROM notes_treatmentsession WHERE id = {session} AND status = 'signed')"


def sqlite_trigger(name: str, event: str, table: str, when: str, message: str) -> str:
    return (
        f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON {table} WHEN {when} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


def sqlite_create() -> list[str]:
    by_disposal = SQLITE_DISPOSAL.format(client=SQLITE_CLIENT_OF_SESSION)
    new_signed, old_signed = (
        SQLITE_SIGNED.format(session="NEW.session_id"),
        SQLITE_SIGNED.format(session="OLD.session_id"),
    )
    statements = []
    for table in ("notes_pulseevent", "notes_areatreated"):
        statements += [
            sqlite_trigger(
                f"{table}_signed_no_insert",
                "INSERT",
                table,
                new_signed,
                f"the session is signed: INSERT on {table} refused",
            ),
            sqlite_trigger(
                f"{table}_signed_no_update",
                "UPDATE",
                table,
                f"{old_signed} OR {new_signed}",
                f"the session is signed: UPDATE on {table} refused",
            ),
        ]
    statements += [
        sqlite_trigger(
            "notes_pulseevent_no_delete",
            "DELETE",
            "notes_pulseevent",
            f"NOT {by_disposal}",
            "records of a session are never deleted (notes_pulseevent): DELETE refused",
        ),
        sqlite_trigger(
            "notes_areatreated_no_delete",
            "DELETE",
            "notes_areatreated",
            f"{old_signed} AND NOT {by_disposal}",
            "the session is signed: DELETE on notes_areatreated refused",
        ),
        sqlite_trigger(
            "notes_adverseeffect_in_signed_note_no_insert",
            "INSERT",
            "notes_adverseeffect",
            f"NOT NEW.reported_later AND {new_signed}",
            "the session is signed: an adverse effect is reported beside it, not in it",
        ),
        sqlite_trigger(
            "notes_adverseeffect_no_update",
            "UPDATE",
            "notes_adverseeffect",
            "1",
            "an adverse effect is never edited: UPDATE refused",
        ),
        sqlite_trigger(
            "notes_adverseeffect_no_delete",
            "DELETE",
            "notes_adverseeffect",
            f"NOT {by_disposal}",
            "adverse effects are never deleted: DELETE refused",
        ),
        sqlite_trigger(
            "notes_treatmentplan_no_update",
            "UPDATE",
            "notes_treatmentplan",
            "1",
            "a treatment plan is never edited: UPDATE refused",
        ),
        sqlite_trigger(
            "notes_treatmentplan_no_delete",
            "DELETE",
            "notes_treatmentplan",
            f"NOT {SQLITE_DISPOSAL.format(client='OLD.client_id')}",
            "treatment plans are never deleted: DELETE refused",
        ),
    ]
    return statements


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [POSTGRESQL_FUNCTIONS]
        for table, events, function in POSTGRESQL_TRIGGERS:
            statements.append(f"DROP TRIGGER IF EXISTS {table}_guard ON {table}")
            statements.append(
                f"CREATE TRIGGER {table}_guard BEFORE {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
    elif vendor == "sqlite":
        statements = sqlite_create()
    else:
        return
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [f"DROP TRIGGER IF EXISTS {table}_guard ON {table}" for table, _e, _f in POSTGRESQL_TRIGGERS]
        statements += [f"DROP FUNCTION IF EXISTS {name}" for name in POSTGRESQL_FUNCTION_NAMES]
    elif vendor == "sqlite":
        # "CREATE TRIGGER IF NOT EXISTS <name> ...": the sixth word is the name.
        statements = [f"DROP TRIGGER IF EXISTS {statement.split()[5]}" for statement in sqlite_create()]
    else:
        return
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("notes", "0015_session_details_plans_adverse_effects")]

    operations = [migrations.RunPython(forwards, backwards)]
