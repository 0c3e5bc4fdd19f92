"""`python manage.py outcomes -` (or a FILE): one complaint's outcome from its pain ratings given as JSON.

Reads `{"ratings": [{"at": "2026-11-02T10:00:00-05:00", "kind": "intake", "value": 6}, ...], "rule": "both"}`
and prints the baseline, the current rating, the change, the percent change, whether it reaches the MCID and
each session's change immediately after treatment, by the rule of notes/outcomes.py ("a later day" in the clinic's
TIME_ZONE; the MCID's points and percent from PAIN_MCID_POINTS and PAIN_MCID_PERCENT, the rule from the input).
Bad input exits with status 2 and one line naming the field. It needs no database and no secret.
"""

import json
from zoneinfo import ZoneInfo

from django.conf import settings

from clinic.json_command import JsonInputCommand
from notes.outcomes import OutcomeInputError, as_json, outcome, ratings_from_json


class Command(JsonInputCommand):
    help = "Work out one complaint's outcome from its pain ratings (JSON) and print it as JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a JSON file of ratings, or - for standard input")

    def handle(self, *args, **options):
        data = self.read_json(options["file"])
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
