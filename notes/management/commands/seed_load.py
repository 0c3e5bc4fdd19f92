"""`python manage.py seed_load --clients N --sessions-per-client M`: synthetic load data, fast.

Bulk inserts through each model's base manager: this deliberately bypasses the audit guards of the app's own
managers (synthetic data has no reader to audit). Sessions are inserted as drafts with their signing time and a
synthetic hash, their rows added, then all signed with one UPDATE, which the database's triggers allow.
Never run it on a clinic's real database: it refuses unless DEBUG is on or --force is given.
"""

import hashlib
import random
import sys
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from clinic import roles
from clinic.models import Client, User
from intake.models import Complaint, Intake, Screening
from intake.screening import RULESET_VERSION
from notes.history import refresh_outcomes
from notes.models import ComplaintPain, FeedbackEntry, TreatmentSession

FIRST = [
    "Maya",
    "Robert",
    "Eleanor",
    "Samir",
    "Priya",
    "Jordan",
    "Walter",
    "Grace",
    "Luis",
    "Aisha",
    "Henrik",
    "Chloé",
    "Noah",
    "Olivia",
    "Liam",
    "Emma",
    "Lucas",
    "Amara",
    "Kenji",
    "Sofia",
    "Mateo",
    "Zara",
    "Ivan",
    "Leah",
]
LAST = [
    "Chen",
    "Okonkwo",
    "Fitzgerald",
    "Haddad",
    "Raman",
    "Beaulieu",
    "Nakamura",
    "O'Sullivan",
    "Ferreira",
    "Mensah",
    "Larsen",
    "Tremblay",
    "Singh",
    "Nguyen",
    "Kowalski",
    "Rossi",
    "Dubois",
    "Kim",
    "Haas",
    "Moreau",
]
# A chain's client list has thousands of surnames, a few of them common: one client in ten has one of the twenty
# above (about 0.5% each, as common surnames are), the rest a surname made of two or three syllables (about 6,000
# of them). A search for part of a common surname then finds hundreds of clients out of 100,000, not one in twenty.
SYLLABLES = ["ba", "da", "fe", "ga", "ha", "ji", "la", "ma", "ne", "pi", "ra", "sa", "ti", "va", "wen", "yo", "zu"]
SYLLABLES += ["ber"]
COMMON_SURNAMES = 0.1


def surname(rng) -> str:
    if rng.random() < COMMON_SURNAMES:
        return rng.choice(LAST)
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3)))).capitalize()


REGIONS = ["low_back", "anterior_hip_groin", "anterior_thigh", "deep_hip", "buttock"]
BATCH = 2000
SEEDED_TABLES = ("clinic_client", "clinic_client_care_team", "intake_intake", "intake_complaint", "intake_screening")
SEEDED_TABLES += ("notes_treatmentsession", "notes_complaintpain", "notes_abdominalsegment", "notes_feedbackentry")
ENTRY_COPY = (
    "COPY notes_feedbackentry (public_id, session_id, segment_id, at, side, technique, pressure, pain, response, "
    "note, token) FROM STDIN"
)


class Command(BaseCommand):
    help = "Fill the database with synthetic clients, intakes, screenings and signed sessions (load testing only)."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=1000)
        parser.add_argument("--sessions-per-client", type=int, default=10)
        parser.add_argument("--entries-per-session", type=int, default=0)
        parser.add_argument("--therapists", type=int, default=20)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off (never on real records)")

    def handle(self, *args, clients, sessions_per_client, entries_per_session, therapists, seed, force, **options):
        if not (settings.DEBUG or force):
            raise CommandError("seed_load writes synthetic records: it runs with DEBUG on, or with --force.")
        if clients < 0 or sessions_per_client < 0 or entries_per_session < 0 or therapists < 1:
            raise CommandError("Counts must be zero or more (and at least one therapist).")
        # Synthetic benchmark data, reproducible from --seed: no secret comes from this generator.
        rng = random.Random(seed)  # nosec B311
        staff = self.ensure_therapists(therapists)
        desk = staff[0]
        run = uuid.uuid4().hex[:6]
        done = 0
        for start in range(0, clients, BATCH):
            count = min(BATCH, clients - start)
            with transaction.atomic():
                self.seed_batch(rng, run, start, count, staff, desk, sessions_per_client, entries_per_session)
            done += count
            self.progress(done, clients)
        self.vacuum()
        self.stdout.write(
            f"Seeded {clients} clients, {clients * sessions_per_client} sessions, "
            f"{clients * sessions_per_client * entries_per_session} feedback entries."
        )

    def vacuum(self) -> None:
        """After a bulk load, what autovacuum would do later: fresh statistics for the planner, and the trigram
        indexes' pending entries merged (until then every name search reads the whole pending list: 35 ms instead
        of 2 ms at 100,000 clients)."""
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            for table in SEEDED_TABLES:
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")

    def progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} clients")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def ensure_therapists(self, count: int) -> list[User]:
        group = Group.objects.get(name=roles.THERAPIST)
        staff = []
        for n in range(count):
            user, created = User.objects.get_or_create(
                username=f"load-therapist-{n}", defaults={"first_name": "Load", "last_name": f"Therapist {n}"}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                user.groups.add(group)
            staff.append(user)
        return staff

    def seed_batch(self, rng, run, start, count, staff, desk, sessions_per_client, entries_per_session):  # noqa: PLR0913
        now = timezone.now()
        new_clients = []
        for i in range(count):
            first, last = rng.choice(FIRST), surname(rng)
            phone = f"{rng.choice(['416', '647', '905', '437'])}-555-{rng.randrange(10000):04d}"
            new_clients.append(
                Client(
                    first_name=first,
                    last_name=f"{last}-{run}{start + i}",
                    date_of_birth=date(1940, 1, 1) + timedelta(days=rng.randrange(25000)),
                    phone=phone,
                    phone_digits=phone.replace("-", ""),
                    screening_iliopsoas=rng.choice(["consider", "not_indicated", "not_indicated"]),
                    screening_abdominal_work=rng.choice(["ok", "ok", "caution", "contraindicated"]),
                    screening_refer=rng.random() < 0.05,
                    screened_at=now,
                )
            )
        created = Client._base_manager.bulk_create(new_clients, batch_size=BATCH)
        if not created or created[0].pk is None:  # SQLite before 3.35 returns no ids
            created = list(Client._base_manager.filter(last_name__endswith=f"-{run}{start}").order_by("pk"))
        # Each client's sessions are with the therapist on their care team.
        therapist_of = {c.pk: rng.choice(staff) for c in created}
        care = Client.care_team.through
        care.objects.bulk_create(
            [care(client_id=c.pk, user_id=therapist_of[c.pk].pk) for c in created], batch_size=BATCH
        )
        intakes = Intake._base_manager.bulk_create(
            [Intake(client=c, taken_by=desk, aggravating=["hip_extension"]) for c in created], batch_size=BATCH
        )
        complaints = Complaint._base_manager.bulk_create(
            [
                Complaint(intake=intake, region=rng.choice(REGIONS), side="right", pain_now=rng.randint(3, 8))
                for intake in intakes
            ],
            batch_size=BATCH,
        )
        Screening._base_manager.bulk_create(
            [
                Screening(
                    intake=intake,
                    screened_by=desk,
                    ruleset=RULESET_VERSION,
                    answers={},
                    iliopsoas=client.screening_iliopsoas,
                    abdominal_work=client.screening_abdominal_work,
                    refer=client.screening_refer,
                    score=rng.randint(0, 9),
                    reasons=[],
                )
                for intake, client in zip(intakes, created, strict=True)
            ],
            batch_size=BATCH,
        )
        if not sessions_per_client:
            return
        sessions = []
        for client, intake in zip(created, intakes, strict=True):
            therapist = therapist_of[client.pk]
            for k in range(sessions_per_client):
                started = now - timedelta(days=7 * (sessions_per_client - k))
                sessions.append(
                    TreatmentSession(
                        client=client,
                        therapist=therapist,
                        intake=intake,
                        started_at=started,
                        ended_at=started + timedelta(minutes=55),
                        # Written as drafts, signed below once their rows are in: the database refuses rows
                        # added to a signed session (notes migration 0004).
                        status=TreatmentSession.Status.DRAFT,
                        signed_at=started + timedelta(hours=1),
                        assessment="Synthetic session for load testing.",
                        content_hash=hashlib.sha256(f"{client.pk}-{k}".encode()).hexdigest(),
                    )
                )
        sessions = TreatmentSession._base_manager.bulk_create(sessions, batch_size=BATCH)
        by_intake = {c.intake_id: c for c in complaints}
        ComplaintPain._base_manager.bulk_create(
            [
                ComplaintPain(
                    session=s, complaint=by_intake[s.intake_id], before=rng.randint(4, 8), after=rng.randint(1, 5)
                )
                for s in sessions
            ],
            batch_size=BATCH,
        )
        if entries_per_session:
            self.seed_entries(rng, sessions, entries_per_session)
        TreatmentSession._base_manager.filter(client__in=created, status=TreatmentSession.Status.DRAFT).update(
            status=TreatmentSession.Status.SIGNED
        )
        # What signing through the app keeps: each complaint's outcome over the signed sessions.
        refresh_outcomes(min(c.pk for c in created), max(c.pk for c in created))
        # What every write through the app keeps: when the record was last written (its sessions are the latest).
        latest_session = TreatmentSession._base_manager.filter(client=OuterRef("pk")).order_by("-updated_at")
        Client._base_manager.filter(pk__in=[c.pk for c in created]).update(
            record_written_at=Subquery(latest_session.values("updated_at")[:1])
        )

    def seed_entries(self, rng, sessions, per_session):
        from notes.models import AbdominalSegment

        segments = AbdominalSegment._base_manager.bulk_create(
            [AbdominalSegment(session=s, reconfirmed_at=s.started_at, reconfirmed_by=s.therapist) for s in sessions],
            batch_size=BATCH,
        )
        rows = (
            (
                uuid.uuid4(),
                segment.session_id,
                segment.pk,
                segment.reconfirmed_at + timedelta(seconds=20 * n),
                "right",
                "sustained_pressure",
                rng.randint(1, 4),
                rng.randint(1, 6),
                rng.choice(["comfortable", "tender", "tender", "referred"]),
                "",
                uuid.uuid4(),
            )
            for segment in segments
            for n in range(per_session)
        )
        if connection.vendor == "postgresql":
            # COPY: ten million rows in minutes rather than the better part of an hour.
            with connection.cursor() as cursor, cursor.cursor.copy(ENTRY_COPY) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        fields = ("public_id", "session_id", "segment_id", "at", "side", "technique", "pressure", "pain")
        fields += ("response", "note", "token")
        batch = []
        for row in rows:
            batch.append(FeedbackEntry(**dict(zip(fields, row, strict=True))))
            if len(batch) >= BATCH * 5:
                FeedbackEntry._base_manager.bulk_create(batch, batch_size=BATCH)
                batch = []
        if batch:
            FeedbackEntry._base_manager.bulk_create(batch, batch_size=BATCH)
