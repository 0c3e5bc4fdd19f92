"""`python manage.py verify_notes`: recompute the hash of every signed session and report any that changed."""

from django.core.management.base import BaseCommand, CommandError

from clinic import local_time
from notes.hashing import content_hash
from notes.models import TreatmentSession


class Command(BaseCommand):
    help = "Check every signed session against its stored SHA-256 content hash."

    def handle(self, *args, **options):
        checked, altered = 0, []
        sessions = TreatmentSession.objects.signed().select_related("client", "therapist").order_by("pk")
        for session in sessions.iterator(chunk_size=500):
            checked += 1
            if content_hash(session) != session.content_hash:
                altered.append(session)
        for session in altered:
            self.stderr.write(
                f"ALTERED: session {session.public_id} of {local_time.day(session.started_at)} "
                f"(client {session.client.public_id}, therapist {session.therapist.username}) "
                "no longer matches the hash stored when it was signed."
            )
        if altered:
            raise CommandError(f"{len(altered)} of {checked} signed session(s) changed after signing.")
        self.stdout.write(f"OK: {checked} signed session(s) match their hashes.")
