"""Client search by name stays fast at 100,000 clients on PostgreSQL: trigram indexes on the very expressions
Django's `icontains` compares (UPPER(column::text) LIKE UPPER(%term%)). SQLite keeps its plain scan."""

from django.db import migrations

COLUMNS = ("first_name", "last_name", "preferred_name")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS client_{column}_trgm ON clinic_client "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS client_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("clinic", "0004_client_screening_summary")]

    operations = [migrations.RunPython(forwards, backwards)]
