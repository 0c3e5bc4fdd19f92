"""`python manage.py outcomes -` (or a FILE): one complaint's outcome from its pain ratings given as JSON.

Reads `{"ratings": [{"at": "2026-11-02T10:00:00-05:00", "kind": "intake", "value": 6}, ...], "rule": "both"}`
and prints the baseline, the current rating, the change, the percent change, whether it reaches the MCID and
each session's change immediately after treatment, by the rule of notes/outcomes.py ("a later day" in the clinic's
TIME_ZONE; the MCID's points and percent from PAIN_MCID_POINTS and PAIN_MCID_PERCENT, the rule from the input).
Bad input exits with status 2 and one line naming the field. It needs no database and no secret.
"""

import json
import sys
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand

from notes.outcomes import OutcomeInputError, as_json, outcome, ratings_from_json

BAD_INPUT = 2


class Command(BaseCommand):
    help = "Work out one complaint's outcome from its pain ratings (JSON) and print it as JSON."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", help="a JSON file of ratings, or - for standard input")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            if path == "-":
                text = sys.stdin.read()
            else:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
        except OSError as error:
            self.fail(f"file: cannot read {path}: {error.strerror}")
        except UnicodeDecodeError:
            self.fail(f"file: {path} is not UTF-8 text")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            self.fail(f"file: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})")
        except RecursionError:
            self.fail("file: JSON nested too deeply")
        try:
            ratings, rule = ratings_from_json(data)
        except OutcomeInputError as error:
            self.fail(f"{error.field}: {error.message}")
        result = outcome(
            ratings,
            zone=ZoneInfo(settings.TIME_ZONE),
            points=settings.PAIN_MCID_POINTS,
            percent=settings.PAIN_MCID_PERCENT,
            rule=rule,
        )
        self.stdout.write(json.dumps(as_json(result), indent=2))

    def fail(self, message: str):
        self.stderr.write(f"outcomes: {message}")
        sys.exit(BAD_INPUT)
