"""`python manage.py render_exports [--loop]`: render the PDF exports waiting in the queue (EXPORT_RENDERER=worker)
and delete those past their hour (run it from a timer even with the default thread renderer)."""

import time

from django.core.management.base import BaseCommand

from notes.export_jobs import delete_expired, pending_exports, render_export


class Command(BaseCommand):
    help = "Render pending PDF exports of long records; with --loop, keep watching for new ones."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running, checking every --every seconds")
        parser.add_argument("--every", type=float, default=2.0)

    def handle(self, *args, loop, every, **options):
        while True:
            expired = delete_expired()
            done = sum(render_export(pk) for pk in pending_exports().values_list("pk", flat=True)[:20])
            if done or expired:
                self.stdout.write(f"Rendered {done} export(s); deleted {expired} expired.")
            if not loop:
                return
            time.sleep(every)
