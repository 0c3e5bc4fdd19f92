# An outcome now compares visits, not the minutes after treatment: the current rating is the latest rating taken
# before treatment on a later day than the baseline, never a rating after a session. Each complaint's kept outcome
# gets its latest rating before a session (and when), loses the latest rating of any kind, and every row is worked
# out again from the signed ratings.

from django.db import migrations, models

# The kept outcomes as notes.history.refresh_outcomes works them out since this migration (copied here: a migration
# keeps the statement it ran).
KEEP_EVERY_OUTCOME = """
INSERT INTO notes_complaintoutcome (complaint_id, first_before, first_at, latest_before, latest_before_at, rated)
SELECT complaint_id, first_before, first_at, latest_before, latest_before_at, rated FROM (
  SELECT cp.complaint_id,
    FIRST_VALUE(cp.before) OVER oldest AS first_before,
    FIRST_VALUE(CASE WHEN cp.before IS NOT NULL THEN s.started_at END) OVER oldest AS first_at,
    FIRST_VALUE(cp.before) OVER newest_rated AS latest_before,
    FIRST_VALUE(CASE WHEN cp.before IS NOT NULL THEN s.started_at END) OVER newest_rated AS latest_before_at,
    ROW_NUMBER() OVER (PARTITION BY cp.complaint_id ORDER BY s.started_at DESC, s.id DESC) AS newest,
    COUNT(*) OVER (PARTITION BY cp.complaint_id) AS rated
  FROM notes_complaintpain cp JOIN notes_treatmentsession s ON s.id = cp.session_id
  WHERE s.status = 'signed' AND (cp.before IS NOT NULL OR cp.after IS NOT NULL)
  WINDOW
    oldest AS (PARTITION BY cp.complaint_id ORDER BY CASE WHEN cp.before IS NULL THEN 1 ELSE 0 END, s.started_at, s.id),
    newest_rated AS (PARTITION BY cp.complaint_id
      ORDER BY CASE WHEN cp.before IS NULL THEN 1 ELSE 0 END, s.started_at DESC, s.id DESC)
) ranked WHERE newest = 1
"""

# Going back: the kept outcomes as they were before this migration (notes migration 0007's statement), with the
# latest rating of any kind, after the session if given.
KEEP_EVERY_OUTCOME_BEFORE = """
INSERT INTO notes_complaintoutcome (complaint_id, first_before, first_at, latest_value, latest_at, rated)
SELECT complaint_id, first_before, first_at, latest_value, latest_at, rated FROM (
  SELECT cp.complaint_id,
    FIRST_VALUE(cp.before) OVER (PARTITION BY cp.complaint_id
      ORDER BY CASE WHEN cp.before IS NULL THEN 1 ELSE 0 END, s.started_at, s.id) AS first_before,
    FIRST_VALUE(s.started_at) OVER (PARTITION BY cp.complaint_id
      ORDER BY CASE WHEN cp.before IS NULL THEN 1 ELSE 0 END, s.started_at, s.id) AS first_at,
    COALESCE(cp.after, cp.before) AS latest_value,
    COALESCE(s.ended_at, s.started_at) AS latest_at,
    ROW_NUMBER() OVER (PARTITION BY cp.complaint_id ORDER BY s.started_at DESC, s.id DESC) AS newest,
    COUNT(*) OVER (PARTITION BY cp.complaint_id) AS rated
  FROM notes_complaintpain cp JOIN notes_treatmentsession s ON s.id = cp.session_id
  WHERE s.status = 'signed' AND (cp.before IS NOT NULL OR cp.after IS NOT NULL)
) ranked WHERE newest = 1
"""


def keep_every_outcome(apps, schema_editor):
    """Every kept outcome worked out again, by the database (an empty table on an empty database)."""
    schema_editor.execute("DELETE FROM notes_complaintoutcome")
    schema_editor.execute(KEEP_EVERY_OUTCOME)


def keep_every_outcome_as_before(apps, schema_editor):
    schema_editor.execute("DELETE FROM notes_complaintoutcome")
    schema_editor.execute(KEEP_EVERY_OUTCOME_BEFORE)


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0011_client_disposal_requested_at"),
    ]

    # The rows are written after the columns change, either way: on PostgreSQL a table written in a transaction
    # cannot be altered later in it (its foreign key checks are deferred to the commit).
    operations = [
        migrations.RunPython(migrations.RunPython.noop, keep_every_outcome_as_before),
        migrations.AddField(
            model_name="complaintoutcome",
            name="latest_before",
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="complaintoutcome",
            name="latest_before_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RemoveField(
            model_name="complaintoutcome",
            name="latest_value",
        ),
        migrations.RemoveField(
            model_name="complaintoutcome",
            name="latest_at",
        ),
        migrations.RunPython(keep_every_outcome, migrations.RunPython.noop),
    ]
