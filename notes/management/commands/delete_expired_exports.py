"""`python manage.py delete_expired_exports`: delete the PDF exports past their hour (copies of clinical records,
kept no longer than needed). Each export task does it too; run this from a timer for a clinic that rarely exports
(deploy/clinic-housekeeping.timer)."""

from django.core.management.base import BaseCommand

from notes.export_jobs import delete_expired


class Command(BaseCommand):
    help = "Delete the PDF exports of long records that are past their hour."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {delete_expired()} expired export(s).")
