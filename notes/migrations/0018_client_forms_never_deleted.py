"""What a client sent through their own forms, and the links they used: never deleted except by an approved record
disposal of the client, like the intakes (migration 0004). Not frozen against UPDATE: a submission is reviewed
(accepted or declined) and a link is used, both by the app's services."""

from django.db import migrations

TABLES = ("intake_clientsubmission", "intake_clientlink")
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
        ("notes", "0017_health_checks_and_judgements_never_deleted"),
        ("intake", "0006_client_link_submission"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
