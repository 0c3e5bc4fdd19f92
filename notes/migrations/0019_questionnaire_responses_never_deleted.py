"""Questionnaire responses are clinical records: never deleted except by an approved record disposal of the
client, like the visit health checks (migration 0017) and the client's own forms (0018). Not frozen against UPDATE:
the app never edits one, but the demo data moves them back to their days."""

from django.db import migrations

TABLE = "intake_questionnaireresponse"
SQLITE_DISPOSAL = "EXISTS (SELECT 1 FROM notes_recorddisposal WHERE client_id = OLD.client_id AND status = 'approved')"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":  # notes_client_record_guard(): 0004's, for rows that name their client
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_guard ON {TABLE}")
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_guard BEFORE DELETE ON {TABLE} FOR EACH ROW "
            "EXECUTE FUNCTION notes_client_record_guard()"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} WHEN NOT {SQLITE_DISPOSAL} "
            f"BEGIN SELECT RAISE(ABORT, 'clinical records are never deleted ({TABLE}): DELETE refused'); END"
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_guard ON {TABLE}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete")


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0018_client_forms_never_deleted"),
        ("intake", "0007_questionnaire_response"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
