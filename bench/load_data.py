"""The load test's database (bench/load.py): created, seeded with the people's accounts and records, asked after
each phase what it stored. Runs in the runner's Django process, never in Locust's."""

import os
import secrets
import sys
from datetime import date

import psycopg

PG = os.environ.get("LOAD_PG", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "load-test-password-" + secrets.token_hex(4)  # noqa: S105 (a throwaway database's accounts)


def create_database(name: str) -> str:
    if "load" not in name:
        sys.exit(f"Refusing to drop and recreate {name!r}: the load test's database name must contain 'load'.")
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG}/{name}"


def drop_database(name: str) -> None:
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(*, clients: int, sessions: int, entries: int, therapists: int, desks: int, admins: int) -> dict:
    """Bulk data from seed_load, then sign-in accounts and clients ready for abdominal work. Returns the plan
    the virtual users follow (who signs in, which records they open)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from clinic import roles, services
    from clinic.models import Client, User
    from intake.services import record_health_check, record_intake
    from notes.consent_services import record_consent
    from notes.models import ConsentKind, ConsentText, TreatmentSession

    call_command("migrate", verbosity=0)
    call_command(
        "seed_load",
        clients=clients,
        sessions_per_client=sessions,
        entries_per_session=entries,
        therapists=max(therapists, 1),
        force=True,
    )
    hashed = make_password(PASSWORD)
    plan = {"therapists": [], "desks": [], "admins": [], "totp_keys": {}}
    with transaction.atomic():
        for role, prefix, count, key in (
            (roles.FRONT_DESK, "load-desk", desks, "desks"),
            (roles.CLINIC_ADMIN, "load-admin", admins, "admins"),
        ):
            for n in range(count):
                user = User.objects.create(username=f"{prefix}-{n}", first_name="Load", last_name=f"{role} {n}")
                user.password = hashed
                user.save(update_fields=["password"])
                user.groups.add(Group.objects.get(name=role))
                plan[key].append(user.username)
                if role == roles.CLINIC_ADMIN:
                    # The audit log asks clinic admins for a second factor: an authenticator app set up already.
                    device = TOTPDevice.objects.create(user=user, name="Load test authenticator", confirmed=True)
                    plan["totp_keys"][user.username] = device.key
        desk = User.objects.get(username="load-desk-0") if desks else User.objects.filter(is_active=True).first()
        for n in range(therapists):
            therapist = User.objects.get(username=f"load-therapist-{n}")
            therapist.password = hashed
            therapist.save(update_fields=["password"])
            live = []
            for k in range(3):
                client = services.create_client(
                    created_by=desk,
                    care_team=[therapist],
                    first_name="Live",
                    last_name=f"Loadtest-{n}-{k}",
                    date_of_birth=date(1990, 1, 1 + k),
                    phone="416-555-0199",
                )
                record_intake(
                    client=client,
                    taken_by=desk,
                    complaints=[{"region": "anterior_hip_groin", "side": "right", "pain_now": 6, "onset": "subacute"}],
                    aggravating=["hip_extension", "stairs_leg_lift"],
                    history={"athlete_repetitive_hip_flexion": True},
                )
                for kind in ConsentKind.values:
                    record_consent(
                        client=client,
                        kind=kind,
                        text=ConsentText.objects.current(kind),
                        signed_name=client.full_name,
                        collected_by=desk,
                    )
                # The front desk's health check as the client arrives: abdominal work waits for today's.
                record_health_check(client=client, by=desk, no_change=True, anticoagulant=False, pregnant=False)
                live.append(str(client.public_id))
            seeded = list(
                Client.objects.filter(care_team=therapist, last_name__contains="-")
                .exclude(pk__in=Client.objects.filter(public_id__in=live))
                .order_by("pk")
                .values_list("public_id", flat=True)[:20]
            )
            signed = list(
                TreatmentSession.objects.filter(client__public_id__in=seeded, status="signed")
                .order_by("pk")
                .values_list("public_id", flat=True)[:40]
            )
            plan["therapists"].append(
                {
                    "username": therapist.username,
                    "live_clients": live,
                    "clients": [str(p) for p in seeded],
                    "sessions": [str(p) for p in signed],
                }
            )
    sample = list(Client.objects.order_by("?").values_list("public_id", flat=True)[:300])
    plan["clients"] = [str(p) for p in sample]
    plan["sessions"] = [s for t in plan["therapists"] for s in t["sessions"]]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return plan


def data_size() -> str:
    from auditlog.models import LogEntry

    from clinic.models import Client
    from notes.models import FeedbackEntry, TreatmentSession

    return (
        f"{Client.objects.count():,} clients, {TreatmentSession.objects.count():,} sessions, "
        f"{FeedbackEntry.objects.count():,} feedback entries, {LogEntry.objects.count():,} audit entries"
    )


def totp_steps_used(admins: list[str]) -> dict:
    """The last TOTP step each admin's device accepted: a code is good once, so a phase's sign-in in the same 30 s
    step as the previous phase's waits for the next code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return dict(TOTPDevice.objects.filter(user__username__in=admins).values_list("user__username", "last_t"))


def stored_entries(result: dict) -> tuple[int, int]:
    """(entries stored with an acknowledged token, all entries stored in this phase's sessions)."""
    from notes.models import FeedbackEntry

    acked = FeedbackEntry.objects.filter(token__in=result["acknowledged"]).count()
    total = FeedbackEntry.objects.filter(session__public_id__in=result["sessions"]).count()
    return acked, total
