"""On PostgreSQL, the database itself refuses to change or delete an audit entry.

The application already refuses (clinic.audit); this guards against a stray UPDATE or DELETE in SQL.
TRUNCATE is left alone so the test runner can reset its own throwaway database.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION clinic_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS auditlog_logentry_append_only ON auditlog_logentry;
CREATE TRIGGER auditlog_logentry_append_only
    BEFORE UPDATE OR DELETE ON auditlog_logentry
    FOR EACH ROW EXECUTE FUNCTION clinic_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS auditlog_logentry_append_only ON auditlog_logentry;
DROP FUNCTION IF EXISTS clinic_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0002_roles"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
