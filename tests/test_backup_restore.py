"""Backups: the restore drill (back up, change, restore, verify every signed note) and the refusals.

Transactional tests: pg_dump and pg_restore are other processes and only see committed rows. On PostgreSQL they
dump and restore the test database (connection.settings_dict["NAME"]) and nothing else.
"""

import io
import json
import stat
import tarfile
from datetime import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from clinic import local_time
from clinic.models import Client
from notes.models import FeedbackEntry, TreatmentSession
from tests import factories
from tests.history_helpers import clear, draft_session, give_consent, signed_session, take_intake

pytestmark = pytest.mark.django_db(transaction=True)

LETTER = b"%PDF-1.4\n% Dr. Okafor: cleared for soft-tissue work\n%%EOF\n"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def records(therapist, front_desk, media_root, consent_texts):
    """Two clients; one referred and cleared with a scanned letter, consented, with a signed abdominal session."""
    maya = factories.ClientFactory(first_name="Maya", care_team=[therapist])
    factories.ClientFactory(first_name="Jonas", care_team=[therapist])
    intake = take_intake(maya, by=front_desk, red_flags={"night_pain_unrelieved": True})
    clearance = clear(
        intake, by=front_desk, cleared_on=timezone.localdate(intake.taken_at), what="Soft-tissue work", letter=LETTER
    )
    give_consent(maya, by=front_desk, kind="abdominal")
    session = signed_session(maya, therapist=therapist, abdominal=True, subjective="Guarding eased")
    return {"maya": maya, "session": session, "letter": clearance.letter.path}


def back_up(tmp_path):
    call_command("backup", output=tmp_path / "clinic.tar", stdout=io.StringIO())
    return tmp_path / "clinic.tar"


def restore(archive, **options) -> str:
    out = io.StringIO()
    call_command("restore", archive, stdout=out, **options)
    return out.getvalue()


def rewrite(archive, *, change_manifest=None, change_member=None):
    """A copy of the archive with its manifest or one member's bytes changed (as an attacker or bit rot would)."""
    with tarfile.open(archive) as tar:
        entries = [(member, tar.extractfile(member).read()) for member in tar.getmembers()]
    altered = archive.with_name("altered.tar")
    with tarfile.open(altered, "w") as tar:
        for member, data in entries:
            if member.name == "manifest.json" and change_manifest:
                manifest = json.loads(data)
                change_manifest(manifest)
                data = json.dumps(manifest).encode()
            elif change_member and member.name in change_member:
                data = change_member[member.name](data)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return altered


def test_restore_drill_brings_back_exactly_what_was_backed_up(records, therapist, tmp_path):
    maya, signed = records["maya"], records["session"]
    entries_before = list(FeedbackEntry.objects.filter(session=signed).values_list("pk", "pain", "response"))
    clients_before = set(Client.objects.values_list("pk", flat=True))
    archive = back_up(tmp_path)

    newcomer = factories.ClientFactory(first_name="Added", last_name="After-backup")
    draft = draft_session(maya, therapist=therapist, subjective="Written after the backup")
    with open(records["letter"], "wb") as letter:
        letter.write(b"overwritten")
    report = restore(archive, yes=True)

    assert not Client.objects.filter(pk=newcomer.pk).exists()
    assert not TreatmentSession.objects.filter(pk=draft.pk).exists()
    assert set(Client.objects.values_list("pk", flat=True)) == clients_before
    restored = TreatmentSession.objects.get(pk=signed.pk)
    assert restored.is_signed and restored.content_hash == signed.content_hash
    assert list(FeedbackEntry.objects.filter(session=signed).values_list("pk", "pain", "response")) == entries_before
    assert entries_before
    with open(records["letter"], "rb") as letter:
        assert letter.read() == LETTER
    assert "OK: 1 signed session(s) match their hashes." in report
    # When the backup was made: ISO 8601 with the clinic's offset in the manifest, the clinic's minute in the report.
    with tarfile.open(archive) as tar:
        made = json.loads(tar.extractfile("manifest.json").read())["created_at"]
    assert made == local_time.iso(datetime.fromisoformat(made))
    assert f"Backup of {local_time.minute(datetime.fromisoformat(made))} (" in report
    call_command("verify_notes", stdout=io.StringIO())  # raises CommandError on any altered note
    # The record triggers (trigger functions included) came back with the tables: raw SQL is still refused.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE notes_treatmentsession SET subjective = %s WHERE id = %s", ["rewritten", signed.pk])
    assert TreatmentSession.objects.get(pk=signed.pk).subjective == "Guarding eased"


def test_backup_is_private_and_its_manifest_describes_every_piece(records, tmp_path):
    archive = back_up(tmp_path)

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["vendor"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["notes"]
    assert set(manifest["files"]) == set(names) - {"manifest.json"}
    assert any(name.startswith("media/clearances/") for name in names)
    assert all(len(piece["sha256"]) == 64 for piece in manifest["files"].values())


def test_restore_refuses_a_backup_of_another_database_vendor(records, tmp_path):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    archive = rewrite(back_up(tmp_path), change_manifest=lambda m: m.update(vendor=other))
    newcomer = factories.ClientFactory(first_name="Still", last_name="Here")

    with pytest.raises(CommandError, match=f"This backup is of a {other} database"):
        restore(archive, yes=True)
    assert Client.objects.filter(pk=newcomer.pk).exists()


def test_restore_refuses_a_tampered_member_before_touching_anything(records, tmp_path):
    archive = back_up(tmp_path)
    with tarfile.open(archive) as tar:
        letter = next(name for name in tar.getnames() if name.startswith("media/"))
    altered = rewrite(archive, change_member={letter: lambda data: data.replace(b"cleared", b"refused")})
    newcomer = factories.ClientFactory(first_name="Still", last_name="Here")

    with pytest.raises(CommandError, match=f"Checksum mismatch for {letter}"):
        restore(altered, yes=True)
    assert Client.objects.filter(pk=newcomer.pk).exists()
    with open(records["letter"], "rb") as current:
        assert current.read() == LETTER


def test_restore_refuses_a_backup_from_newer_code(records, tmp_path):
    def add_future_migration(manifest):
        manifest["migrations"]["notes"].append("9999_from_the_future")

    archive = rewrite(back_up(tmp_path), change_manifest=add_future_migration)

    with pytest.raises(CommandError, match="newer version of the application.*notes.9999_from_the_future"):
        restore(archive, yes=True)


def test_restore_refuses_unsafe_member_names(records, tmp_path):
    archive = back_up(tmp_path)
    with tarfile.open(archive, "a") as tar:
        info = tarfile.TarInfo("../outside.txt")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"bad"))

    with pytest.raises(CommandError, match="unsafe"):
        restore(archive, yes=True)
    assert not (tmp_path.parent / "outside.txt").exists()


def test_restore_with_debug_off_needs_yes(records, tmp_path, settings):
    archive = back_up(tmp_path)
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off.*--yes"):
        restore(archive)


def test_restore_asks_first_and_a_no_changes_nothing(records, tmp_path, monkeypatch, settings):
    settings.DEBUG = True  # pytest-django turns it off; a developer's restore without --yes asks
    archive = back_up(tmp_path)
    newcomer = factories.ClientFactory(first_name="Still", last_name="Here")
    monkeypatch.setattr("builtins.input", lambda: "no")

    with pytest.raises(CommandError, match="cancelled; nothing was changed"):
        restore(archive)
    assert Client.objects.filter(pk=newcomer.pk).exists()


def test_restore_goes_ahead_when_the_answer_is_restore(records, tmp_path, monkeypatch, settings):
    settings.DEBUG = True
    archive = back_up(tmp_path)
    newcomer = factories.ClientFactory(first_name="Gone", last_name="Soon")
    monkeypatch.setattr("builtins.input", lambda: "restore")

    report = restore(archive)

    assert "Restored the database" in report
    assert not Client.objects.filter(pk=newcomer.pk).exists()


def test_backup_never_overwrites_an_existing_file(records, tmp_path):
    archive = back_up(tmp_path)
    before = archive.read_bytes()

    with pytest.raises(CommandError, match="already exists"):
        back_up(tmp_path)
    assert archive.read_bytes() == before


def test_a_database_ahead_of_the_backup_is_refused_on_postgresql_and_replaced_on_sqlite(records, tmp_path):
    """pg_restore --clean drops only what the dump holds, so tables of later migrations would linger: refused.
    SQLite's backup API replaces the whole file, later tables included."""
    archive = back_up(tmp_path)
    recorder = MigrationRecorder(connection)
    recorder.record_applied("notes", "9999_after_the_backup")
    try:
        if connection.vendor == "postgresql":
            with pytest.raises(CommandError, match="This database has migrations the backup does not.*9999"):
                restore(archive, yes=True)
            assert ("notes", "9999_after_the_backup") in recorder.applied_migrations()
        else:
            restore(archive, yes=True)
            assert ("notes", "9999_after_the_backup") not in recorder.applied_migrations()
    finally:
        recorder.record_unapplied("notes", "9999_after_the_backup")
