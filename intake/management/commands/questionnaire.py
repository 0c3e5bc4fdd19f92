"""`python manage.py questionnaire score FILE` (or `-` for standard input): score one filled-in questionnaire.

Reads `{"instrument": "rmdq", "answers": {"1": true, "5": true}}` (PSFS: `{"instrument": "psfs", "answers":
{"activities": [{"name": "climbing stairs", "rating": 4}, ...]}}`) and prints the score by the instrument's published
rule (intake/questionnaires.py) as JSON. Bad input exits with status 2 and one line naming the field. It needs no
database and no secret.
"""

import json
import sys

from django.core.management.base import BaseCommand

from intake.questionnaires import QuestionnaireInputError, score

BAD_INPUT = 2
TOP_LEVEL = ("instrument", "answers")


class Command(BaseCommand):
    help = "Score one filled-in questionnaire (JSON) by its instrument's published rule and print it as JSON."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        score_parser = actions.add_parser("score", help="score one questionnaire")
        score_parser.add_argument("file", help="a JSON file of one questionnaire, or - for standard input")

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

    def fail(self, message: str):
        self.stderr.write(f"questionnaire: {message}")
        sys.exit(BAD_INPUT)
