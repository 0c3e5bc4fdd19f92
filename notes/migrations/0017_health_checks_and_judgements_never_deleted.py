"""Visit health checks and clinical judgements are clinical records: never deleted except by an approved record
disposal of the client, like the intakes and clearances (migration 0004). They are not frozen against UPDATE: the
app never edits either, but the demo data moves them back to their days."""

from django.db import migrations

TABLES = ("intake_healthcheck", "intake_clinicaljudgement")
SQLITE_DISPOSAL = "EXISTS (SELECT 1 FROM notes_recorddisposal WHERE client_id = OLD.client_id AND status = 'approved')"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = []
    for table in TABLES:
        if vendor == "postgresql":  # notes_client_record_guard(): 0004's, for rows that name their client
            statements += [
                f"DROP TRIGGER IF EXISTS {table}_guard ON {table}",
                f"CREATE TRIGGER {table}_guard BEFORE DELETE ON {table} FOR EACH ROW "
                "EXECUTE FUNCTION notes_client_record_guard()",
            ]
        elif vendor == "sqlite":
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} WHEN NOT {SQLITE_DISPOSAL} "
                f"BEGIN SELECT RAISE(ABORT, 'clinical records are never deleted ({table}): DELETE refused'); END"
            )
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_guard ON {table}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0016_new_records_protected_below_the_app"),
        ("intake", "0004_health_history_threshold_judgement"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
