"""An index for the audit entries of one client, newest first: the history page's "who saw what" and /audit/'s
client filter read them by `additional_data -> 'client'`, which no other index serves once the log holds millions
of entries. PostgreSQL only (SQLite, the zero-setup default, stays small)."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS audit_client_time_idx ON auditlog_logentry "
    "((additional_data -> 'client'), \"timestamp\" DESC, id DESC)"
)
DROP = "DROP INDEX IF EXISTS audit_client_time_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0008_client_last_emergency_access"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create, drop)]
