"""What the client page shows of a client's intakes and latest screening, read by plain statements.

The ORM's joined, narrowed querysets for these cost more to compile than to run: about a millisecond each on every
client page. Each row is made into the model the templates expect, with the fields read and the rest deferred
(read if asked for)."""

from django.db import connection

from clinic.models import Client, User
from clinic.raw_values import aware
from intake.models import Intake, Screening

# The latest screening of any of the client's intakes (newest screened first), and what its summary needs of its
# intake: when it was taken and whether it was assessed.
LATEST_SCREENING_SQL = """
SELECT s.id, s.public_id, s.intake_id, s.screened_at, s.screened_by_id, s.ruleset, s.iliopsoas, s.abdominal_work,
  s.refer, s.score, s.reasons, i.client_id, i.taken_at, i.assessed_at
FROM intake_screening s JOIN intake_intake i ON i.id = s.intake_id
WHERE i.client_id = %s
ORDER BY s.screened_at DESC, s.id DESC
LIMIT 1
"""
SCREENING_FIELDS = [
    "id", "public_id", "intake_id", "screened_at", "screened_by_id", "ruleset", "iliopsoas", "abdominal_work",
    "refer", "score", "reasons",
]  # fmt: skip
# The client's latest intakes, as their list shows them.
RECENT_INTAKES_SQL = """
SELECT i.id, i.public_id, i.client_id, i.taken_at, i.assessed_at, u.id, u.username, u.first_name, u.last_name
FROM intake_intake i JOIN clinic_user u ON u.id = i.taken_by_id
WHERE i.client_id = %s
ORDER BY i.taken_at DESC, i.id DESC
LIMIT %s
"""
INTAKE_FIELDS = ["id", "public_id", "client_id", "taken_at", "assessed_at"]


def latest_screening(client: Client) -> Screening | None:
    """The client's latest screening (not the answers it judged), with its intake (`.client` is `client`)."""
    with connection.cursor() as cursor:
        cursor.execute(LATEST_SCREENING_SQL, [client.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, uuid, intake_id, screened_at, screened_by_id, ruleset, iliopsoas, abdominal_work = row[:8]
    refer, score, reasons, client_id, taken_at, assessed_at = row[8:]
    values = [
        pk,
        Screening._meta.get_field("public_id").to_python(uuid),
        intake_id,
        aware(screened_at),
        screened_by_id,
        ruleset,
        iliopsoas,
        abdominal_work,
        bool(refer),
        score,
        Screening._meta.get_field("reasons").from_db_value(reasons, None, connection),
    ]
    screening = Screening.from_db(connection.alias, SCREENING_FIELDS, values)
    screening.intake = Intake.from_db(
        connection.alias,
        ["id", "client_id", "taken_at", "assessed_at"],
        [intake_id, client_id, aware(taken_at), aware(assessed_at)],
    )
    screening.intake.client = client
    return screening


def recent_intakes(client: Client, limit: int) -> list[Intake]:
    """The client's latest `limit` intakes, newest first, each with its taker (name only)."""
    public_id = Intake._meta.get_field("public_id")
    intakes = []
    with connection.cursor() as cursor:
        cursor.execute(RECENT_INTAKES_SQL, [client.pk, limit])
        for pk, uuid, client_id, taken_at, assessed_at, *taker in cursor.fetchall():
            values = [pk, public_id.to_python(uuid), client_id, aware(taken_at), aware(assessed_at)]
            intake = Intake.from_db(connection.alias, INTAKE_FIELDS, values)
            intake.taken_by = User.from_db(connection.alias, list(User.NAME_FIELDS), taker)
            intake.client = client
            intakes.append(intake)
    return intakes
