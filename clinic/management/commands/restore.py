"""`python manage.py restore PATH [--yes]`: replace the database and uploaded files with a backup's.

Everything in the archive is checked (manifest, vendor, migrations, SHA-256 of every member) before anything is
touched; then the signed notes are checked with `verify_notes`.
"""

import tempfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from clinic import backups, local_time


class Command(BaseCommand):
    help = "Restore a backup written by `manage.py backup`, after checking it; then run verify_notes."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation (needed with DEBUG off)")

    def handle(self, *args, archive, yes=False, **options):
        if not settings.DEBUG and not yes:
            raise CommandError(
                "DEBUG is off: restoring over this installation's records needs --yes, given explicitly."
            )
        with tempfile.TemporaryDirectory(prefix="clinic-restore-") as work:
            try:
                verified = backups.verify_backup(archive, work=Path(work))
            except backups.BackupError as error:
                raise CommandError(f"Refused: {error}") from error
            manifest = verified.manifest
            self.stdout.write(
                f"Backup of {_made_at(manifest['created_at'])} ({manifest['vendor']}, {len(verified.media_files)} "
                "uploaded file(s)): manifest and checksums verified."
            )
            if not yes and not self.confirmed():
                raise CommandError("Restore cancelled; nothing was changed.")
            try:
                done = backups.restore_backup(verified)
            except backups.BackupError as error:
                raise CommandError(f"Restore failed, the database is unchanged: {error}") from error
        self.stdout.write(f"Restored the database and {done['media_restored']} uploaded file(s).")
        if done["media_skipped"]:
            self.stdout.write(
                f"{done['media_skipped']} uploaded file(s) were NOT restored: uploads are kept in object storage here. "
                "Copy them from the archive's media/ folder into that storage."
            )
        if done["media_not_in_backup"]:
            self.stdout.write(
                f"{done['media_not_in_backup']} file(s) in MEDIA_ROOT are not in the backup; they were left in place."
            )
        pending = backups.migrations_missing_from(manifest["migrations"], self.code_migrations())
        if pending:
            self.stdout.write(
                f"The backup predates {len(pending)} migration(s) of this code: run `manage.py migrate`, "
                "then `manage.py verify_notes`."
            )
            return
        try:
            call_command("verify_notes", stdout=self.stdout, stderr=self.stderr)
        except CommandError as error:
            raise CommandError(f"Restored, but the signed notes do not verify: {error}") from error

    def confirmed(self) -> bool:
        name = connection.settings_dict["NAME"]
        self.stdout.write(
            f"This replaces every record in the {connection.vendor} database {name} with the backup's. "
            "Type 'restore' to continue: ",
            ending="",
        )
        try:
            return input().strip() == "restore"
        except EOFError:  # no one to answer (a script, a pipe)
            self.stdout.write("")
            return False

    @staticmethod
    def code_migrations() -> dict[str, list[str]]:
        from django.db.migrations.loader import MigrationLoader

        state: dict[str, list[str]] = {}
        for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations:
            state.setdefault(app, []).append(name)
        return state


def _made_at(text) -> str:
    """When the backup was made, the clinic's minute ("2026-12-03 14:05"); the manifest's text if it is no ISO 8601
    moment with an offset."""
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return str(text)
    return str(text) if timezone.is_naive(moment) else local_time.minute(moment)
