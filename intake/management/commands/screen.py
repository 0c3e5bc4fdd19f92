"""`python manage.py screen FILE` (or `-` for standard input): screen intake answers given as JSON.

Prints the result JSON of SCREENING.md. Bad input exits with status 2 and one line naming the field.
"""

import json
import sys

from django.core.management.base import BaseCommand

from intake.screening import ScreeningInputError, screen

BAD_INPUT = 2


class Command(BaseCommand):
    help = "Screen one intake's answers (JSON, as in SCREENING.md) and print the result as JSON."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", help="a JSON file of intake answers, or - for standard input")

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
            answers = json.loads(text)
        except json.JSONDecodeError as error:
            self.fail(f"file: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})")
        try:
            result = screen(answers)
        except ScreeningInputError as error:
            self.fail(f"{error.field}: {error.message}")
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    def fail(self, message: str):
        self.stderr.write(f"screen: {message}")
        sys.exit(BAD_INPUT)
