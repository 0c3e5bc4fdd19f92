"""`python manage.py questionnaire score FILE` (or `-` for standard input): score one filled-in questionnaire.

Reads `{"instrument": "rmdq", "answers": {"1": true, "5": true}}` (PSFS: `{"instrument": "psfs", "answers":
{"activities": [{"name": "climbing stairs", "rating": 4}, ...]}}`) and prints the score by the instrument's published
rule (intake/questionnaires.py) as JSON. Bad input exits with status 2 and one line naming the field. It needs no
database and no secret.
"""

import json

from clinic.json_command import JsonInputCommand
from intake.questionnaires import QuestionnaireInputError, score

TOP_LEVEL = ("instrument", "answers")


class Command(JsonInputCommand):
    help = "Score one filled-in questionnaire (JSON) by its instrument's published rule and print it as JSON."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        score_parser = actions.add_parser("score", help="score one questionnaire")
        score_parser.add_argument("file", help="a JSON file of one questionnaire, or - for standard input")

    def handle(self, *args, **options):
        data = self.read_json(options["file"])
        if not isinstance(data, dict):
            self.fail("file: must be a JSON object with instrument and answers")
        for key in data:
            if key not in TOP_LEVEL:
                self.fail(f"{key}: not a field (instrument, answers)")
        try:
            result = score(data.get("instrument"), data.get("answers", {}))
        except QuestionnaireInputError as error:
            self.fail(f"{error.field}: {error.message}")
        self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
