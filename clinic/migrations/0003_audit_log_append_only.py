"""The database itself refuses to change an audit entry (and, on PostgreSQL, to delete one).

The application already refuses both (clinic.audit); this also stops a stray QuerySet.update() or raw SQL.
SQLite keeps DELETE open because the test runner resets its database with DELETE; PostgreSQL's runner
uses TRUNCATE, which these triggers leave alone.
"""

from django.db import migrations

POSTGRESQL_CREATE = """
CREATE OR REPLACE FUNCTION clinic_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: %% refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS auditlog_logentry_append_only ON auditlog_logentry;
CREATE TRIGGER auditlog_logentry_append_only
    BEFORE UPDATE OR DELETE ON auditlog_logentry
    FOR EACH ROW EXECUTE FUNCTION clinic_audit_append_only();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS auditlog_logentry_append_only ON auditlog_logentry;
DROP FUNCTION IF EXISTS clinic_audit_append_only();
"""
SQLITE_CREATE = """
CREATE TRIGGER IF NOT EXISTS auditlog_logentry_no_update
BEFORE UPDATE ON auditlog_logentry
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused');
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS auditlog_logentry_no_update;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_CREATE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0002_roles"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
