"""`python manage.py verify_notes`: check every signed note and its addenda against their seals and report any
that changed, was removed, or cannot be verified (notes/hashing.py says what a seal covers)."""

import json

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError

from clinic import local_time
from notes import hashing
from notes.models import Addendum, TreatmentSession


class Command(BaseCommand):
    help = "Check every signed session and its addenda against their keyed seals (HMAC-SHA256)."

    def handle(self, *args, **options):
        checked, problems = 0, []
        sessions = (
            TreatmentSession.objects.signed()
            .select_related("client", "therapist")
            .prefetch_related("addenda", "adverse_effects")
            .order_by("pk")
        )
        for session in sessions.iterator(chunk_size=500):
            checked += 1
            if problem := self._note_problem(session):
                problems.append(f"{problem}: {self._describe(session)} {self._explain(problem, session)}")
            for addendum, what, why in hashing.addenda_problems(session, session.addenda.all()):
                problems.append(
                    f"ADDENDUM {what}: addendum {addendum.public_id} of {local_time.minute(addendum.at)} to "
                    f"{self._describe(session)} {why}."
                )
            problems += self._adverse_effect_problems(session)
        problems += self._removed_addenda()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) among {checked} signed session(s): changed after signing.")
        self.stdout.write(f"OK: {checked} signed session(s) match their hashes.")
        self.stdout.write("Each is sealed with a key named beside it, and its addenda are chained to it, each intact.")

    def _adverse_effect_problems(self, session) -> list[str]:
        """Adverse effects reported after signing: each against its own seal (those recorded on the draft are in
        the note's)."""
        problems = []
        for effect in session.adverse_effects.all():
            if not effect.reported_later:
                continue
            try:
                intact = hashing.adverse_effect_intact(effect, session=session)
            except hashing.UnknownKey:
                problems.append(
                    f"ADVERSE EFFECT UNKNOWN KEY: report {effect.public_id} on {self._describe(session)} is sealed "
                    f"with key {effect.hash_key_id!r}, which is not in NOTE_SIGNING_KEYS."
                )
                continue
            if not intact:
                problems.append(
                    f"ADVERSE EFFECT ALTERED: report {effect.public_id} of {local_time.minute(effect.reported_at)} on "
                    f"{self._describe(session)} no longer matches its seal."
                )
        return problems

    @staticmethod
    def _note_problem(session) -> str | None:
        if session.hash_key_id == hashing.LEGACY_KEY_ID:
            return "NOT SEALED"
        try:
            return None if hashing.session_intact(session) else "ALTERED"
        except hashing.UnknownKey:
            return "UNKNOWN KEY"

    @staticmethod
    def _describe(session) -> str:
        return (
            f"session {session.public_id} of {local_time.day(session.started_at)} "
            f"(client {session.client.public_id}, therapist {session.therapist.username})"
        )

    @staticmethod
    def _explain(problem: str, session) -> str:
        if problem == "ALTERED":
            return "no longer matches the hash stored when it was signed."
        if problem == "UNKNOWN KEY":
            return f"is sealed with key {session.hash_key_id!r}, which is not in NOTE_SIGNING_KEYS."
        return (
            "has only a plain SHA-256 from before keyed seals: it did not verify when the seals were keyed "
            "(notes migration 0013), so it changed before then, or its hash was written since."
        )

    @staticmethod
    def _removed_addenda() -> list[str]:
        """Addenda the audit log saw added to a session that is still here, and which are gone. (The chain finds
        a removed addendum followed by another; this finds the newest one removed.)"""
        created = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Addendum), action=LogEntry.Action.CREATE
        ).values_list("object_pk", "changes")
        logged = {}
        for object_pk, changes in created.iterator():
            if isinstance(changes, str):  # older django-auditlog kept the changes as JSON text
                changes = json.loads(changes)
            session_id = (changes or {}).get("session", [None, None])[1]
            if session_id and str(session_id).isdigit():
                logged[int(object_pk)] = int(session_id)
        present = set(Addendum.objects.filter(pk__in=logged).values_list("pk", flat=True))
        missing = {pk: session_id for pk, session_id in logged.items() if pk not in present}
        sessions = TreatmentSession.objects.signed().in_bulk(set(missing.values()))
        return [
            f"ADDENDUM REMOVED: addendum {pk} of session {sessions[session_id].public_id} was added (audit log) and "
            "is no longer there."
            for pk, session_id in sorted(missing.items())
            if session_id in sessions
        ]
