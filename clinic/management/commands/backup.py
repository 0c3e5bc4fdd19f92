"""`python manage.py backup [--output PATH]`: the database and MEDIA_ROOT in one tar archive with a manifest."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clinic import backups


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump on PostgreSQL, the SQLite backup API otherwise) and the uploaded files into "
        "one tar archive, written with mode 0600. It holds health records: store it encrypted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="archive to write (default: backups/clinic-VENDOR-TIME.tar)")

    def handle(self, *args, output=None, **options):
        output = output or backups.default_output()
        with tempfile.TemporaryDirectory(prefix="clinic-backup-") as work:
            try:
                manifest = backups.create_backup(output=output, work=Path(work))
            except backups.BackupError as error:
                raise CommandError(str(error)) from error
        media = sum(1 for name in manifest["files"] if name.startswith(f"{backups.MEDIA}/"))
        migrations = sum(len(names) for names in manifest["migrations"].values())
        if not manifest["media_included"]:
            self.stdout.write("Uploads are not in MEDIA_ROOT (object storage): back them up with that storage's tools.")
        self.stdout.write(
            f"Wrote {output} ({output.stat().st_size:,} bytes, mode 0600): {manifest['vendor']} database "
            f"at {migrations} migrations, {media} uploaded file(s). It holds health records: store it encrypted."
        )
