"""Keyed seals for signed notes, chained addenda, and the values a signed note shows frozen when it is signed.

Before this migration a signed note's hash was a plain SHA-256 of its content, which named the therapist by
username and left out what the note shows from elsewhere (the complaints' labels, the names). Anyone who could write
to the database could change a note and compute its hash again; renaming a user made all their notes fail.

Existing notes move to the new seal without a false alarm and without laundering a changed one:
- each signed note is verified under the old scheme first (its own copy below, `legacy_content`);
- only a note that verifies is sealed again: its displayed values are frozen as they stand now (the client's and
  therapist's names, its complaints' regions and sides; the screening shown when it was signed was never kept, so
  it stays unknown and is not shown), and it is sealed with HMAC-SHA256 under NOTE_SIGNING_KEY_ID, the key id kept
  beside the hash; its addenda are sealed in a chain after it, each with its author's name as it stands now;
- a note that does not verify keeps its old hash and no key id: `verify_notes` goes on reporting it ("NOT SEALED"),
  and its addenda stay unsealed.
The old check uses the therapist's username as it is now: a note whose therapist was renamed before this migration
fails it and stays reported, for a person to look at (the rename is in Django's admin log), not sealed blindly.

Backwards, every note whose keyed seal still verifies gets its plain SHA-256 of the old content back; the others
keep what they have, so the old `verify_notes` reports them. The seals of this migration are its own copies of the
content at scheme 2 (notes/hashing.py): changing that scheme takes a migration like this one.

Signed notes and addenda are read-only in the database (migration 0004's triggers). This migration lifts the two
triggers it must pass (the session's and the addendum's UPDATE guards) within its own transaction only: on
PostgreSQL with ALTER TABLE ... DISABLE / ENABLE TRIGGER, on SQLite by dropping and re-creating them. SQLite adds a
column by remaking the table, which it refuses while other tables' triggers name it: there 0004's triggers are
dropped first and re-created once the columns have changed, both ways.
"""

import hashlib
import hmac
import importlib
import json

from django.conf import settings
from django.db import migrations, models

PROTECTION = importlib.import_module("notes.migrations.0004_records_protected_below_the_app")
POSTGRESQL_GUARDS = [
    ("notes_treatmentsession", "notes_treatmentsession_guard"),
    ("notes_addendum", "notes_addendum_guard"),
]
SQLITE_GUARDS = ["notes_treatmentsession_signed_no_update", "notes_addendum_no_update"]
SCHEME = 2


def _when(value):
    return value.isoformat() if value else None


def _canonical(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _seal(content: dict, key_id: str) -> str:
    return hmac.new(settings.NOTE_SIGNING_KEYS[key_id], _canonical(content), hashlib.sha256).hexdigest()


def _parts(session):
    pains = sorted(session.pains.all(), key=lambda p: p.complaint_id)
    segments = sorted(session.segments.all(), key=lambda s: (s.reconfirmed_at, s.pk))
    entries = sorted(session.entries.all(), key=lambda e: (e.at, e.pk))
    return pains, segments, entries


def _entry(entry) -> dict:
    return {
        "at": _when(entry.at),
        "side": entry.side,
        "technique": entry.technique,
        "pressure": entry.pressure,
        "pain": entry.pain,
        "response": entry.response,
        "note": entry.note,
    }


def _soap(session) -> dict:
    return {
        "session": str(session.public_id),
        "client": str(session.client.public_id),
        "started_at": _when(session.started_at),
        "ended_at": _when(session.ended_at),
        "signed_at": _when(session.signed_at),
        "subjective": session.subjective,
        "objective": session.objective,
        "objective_tests": session.objective_tests,
        "assessment": session.assessment,
        "plan": session.plan,
        "home_care": session.home_care,
        "abdominal_planned": session.abdominal_planned,
    }


def legacy_content(session) -> dict:
    """The content the plain SHA-256 covered before this migration (notes/hashing.py as it was)."""
    pains, segments, entries = _parts(session)
    return {
        **_soap(session),
        "therapist": session.therapist.username,
        "pains": [{"complaint": p.complaint_id, "before": p.before, "after": p.after} for p in pains],
        "segments": [
            {
                "reconfirmed_at": _when(s.reconfirmed_at),
                "precautions_reviewed": s.precautions_reviewed,
                "ended_at": _when(s.ended_at),
                "end_reason": s.end_reason,
            }
            for s in segments
        ],
        "entries": [_entry(e) for e in entries],
    }


def legacy_hash(session) -> str:
    return hashlib.sha256(_canonical(legacy_content(session))).hexdigest()


def keyed_content(session) -> dict:
    """The content a keyed seal covers, scheme 2 (notes/hashing.session_content)."""
    pains, segments, entries = _parts(session)
    return {
        **_soap(session),
        "scheme": SCHEME,
        "kind": "treatment-session",
        "therapist": session.therapist_id,
        "shown": session.signed_as,
        "pains": [{"complaint": p.complaint_id, "before": p.before, "after": p.after} for p in pains],
        "segments": [
            {
                "reconfirmed_at": _when(s.reconfirmed_at),
                "reconfirmed_by": s.reconfirmed_by_id,
                "precautions_reviewed": s.precautions_reviewed,
                "ended_at": _when(s.ended_at),
                "end_reason": s.end_reason,
            }
            for s in segments
        ],
        "entries": [_entry(e) for e in entries],
    }


def addendum_content(addendum, *, session, previous: str) -> dict:
    """notes/hashing.addendum_content, scheme 2."""
    return {
        "scheme": SCHEME,
        "kind": "addendum",
        "addendum": str(addendum.public_id),
        "session": str(session.public_id),
        "previous": previous,
        "author": addendum.author_id,
        "author_name": addendum.author_name,
        "at": _when(addendum.at),
        "reason": addendum.reason,
        "text": addendum.text,
    }


def _user_name(user) -> str:
    return f"{user.first_name} {user.last_name}".strip() or user.username


def _client_display_name(client) -> str:
    full_name = f"{client.first_name} {client.last_name}"
    if client.preferred_name and client.preferred_name != client.first_name:
        return f"{client.preferred_name} {client.last_name} ({client.first_name})"
    return full_name


def frozen_values(session) -> dict:
    """notes/services._frozen_values, from the rows as they stand; the screening shown at signing is unknown."""
    client = session.client
    return {
        "client_name": f"{client.first_name} {client.last_name}",
        "client_display_name": _client_display_name(client),
        "therapist_name": _user_name(session.therapist),
        "complaints": {
            str(p.complaint_id): {
                "region": p.complaint.region,
                "region_label": str(p.complaint.get_region_display()),
                "side": p.complaint.side,
                "side_label": str(p.complaint.get_side_display()),
            }
            for p in session.pains.all()
        },
        "screening": None,
    }


def _signed_sessions(apps):
    session_model = apps.get_model("notes", "TreatmentSession")
    return (
        session_model.objects.filter(status="signed")
        .select_related("client", "therapist")
        .prefetch_related("pains__complaint", "segments", "entries", "addenda__author")
        .order_by("pk")
    )


def lift_guards(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses a table with pending checks
    for table, trigger in POSTGRESQL_GUARDS if schema_editor.connection.vendor == "postgresql" else []:
        schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    for trigger in SQLITE_GUARDS if schema_editor.connection.vendor == "sqlite" else []:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}")


def drop_sqlite_guards(apps, schema_editor) -> None:
    """SQLite checks every trigger that names a table when it remakes one: 0004's go while the columns change."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in PROTECTION.sqlite_drop(schema_editor):
            schema_editor.execute(statement)


def restore_guards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # nothing pending on the tables when enabling
        for table, trigger in POSTGRESQL_GUARDS:
            schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
    elif schema_editor.connection.vendor == "sqlite":
        for statement in PROTECTION.sqlite_create(schema_editor):  # CREATE TRIGGER IF NOT EXISTS ...
            schema_editor.execute(statement)


def seal_verified_notes(apps, schema_editor) -> None:
    session_model = apps.get_model("notes", "TreatmentSession")
    addendum_model = apps.get_model("notes", "Addendum")
    key_id = settings.NOTE_SIGNING_KEY_ID
    lift_guards(schema_editor)
    for session in _signed_sessions(apps).iterator(chunk_size=500):
        if session.hash_key_id or not hmac.compare_digest(legacy_hash(session), session.content_hash):
            continue  # already keyed, or changed since it was signed: left for verify_notes to report
        session.signed_as = frozen_values(session)
        session.hash_key_id = key_id
        session.content_hash = _seal(keyed_content(session), key_id)
        session_model.objects.filter(pk=session.pk).update(
            signed_as=session.signed_as, hash_key_id=key_id, content_hash=session.content_hash
        )
        previous = session.content_hash
        for addendum in sorted(session.addenda.all(), key=lambda a: a.pk):
            addendum.author_name = _user_name(addendum.author)
            addendum.content_hash = _seal(addendum_content(addendum, session=session, previous=previous), key_id)
            addendum_model.objects.filter(pk=addendum.pk).update(
                author_name=addendum.author_name, content_hash=addendum.content_hash, hash_key_id=key_id
            )
            previous = addendum.content_hash
    restore_guards(apps, schema_editor)


def unseal_verified_notes(apps, schema_editor) -> None:
    session_model = apps.get_model("notes", "TreatmentSession")
    lift_guards(schema_editor)
    for session in _signed_sessions(apps).filter(hash_key_id__gt="").iterator(chunk_size=500):
        key = session.hash_key_id
        if key in settings.NOTE_SIGNING_KEYS and hmac.compare_digest(
            _seal(keyed_content(session), key), session.content_hash
        ):
            session_model.objects.filter(pk=session.pk).update(content_hash=legacy_hash(session), hash_key_id="")
    if schema_editor.connection.vendor == "sqlite":
        drop_sqlite_guards(apps, schema_editor)  # the columns go next; the first operation puts them back
    else:
        restore_guards(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0013_client_disposed_at"),
        ("intake", "0002_clearance_scope_and_visit_health_check"),
        ("clinic", "0012_client_disposal_requested_at"),
    ]

    operations = [
        # SQLite remakes both tables to add (or remove) the columns, with 0004's triggers out of the way: they are
        # re-created after sealing, and backwards after the columns are gone.
        migrations.RunPython(drop_sqlite_guards, restore_guards),
        migrations.AddField(
            model_name="addendum",
            name="author_name",
            field=models.CharField(blank=True, max_length=301),
        ),
        migrations.AddField(
            model_name="addendum",
            name="content_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="addendum",
            name="hash_key_id",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name="treatmentsession",
            name="hash_key_id",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name="treatmentsession",
            name="signed_as",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(seal_verified_notes, unseal_verified_notes),
    ]
