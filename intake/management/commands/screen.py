"""`python manage.py screen FILE` (or `-` for standard input): screen intake answers given as JSON.

Prints the result JSON of docs/screening.md. Bad input exits with status 2 and one line naming the field.
"""

import json

from clinic.json_command import JsonInputCommand
from intake.screening import ScreeningInputError, screen


class Command(JsonInputCommand):
    help = "Screen one intake's answers (JSON, as in docs/screening.md) and print the result as JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a JSON file of intake answers, or - for standard input")

    def handle(self, *args, **options):
        answers = self.read_json(options["file"])
        try:
            result = screen(answers)
        except ScreeningInputError as error:
            self.fail(f"{error.field}: {error.message}")
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
