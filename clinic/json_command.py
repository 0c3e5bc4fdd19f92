"""The offline tools' one way of reading their input: a management command that reads one JSON document (a file,
or `-` for standard input) and prints JSON. Input it cannot read (no such file, text that is not UTF-8 or not JSON,
nesting too deep for Python, a number too long for it) exits with status 2 and one line saying so, never a
traceback; input it reads but does not accept, the command refuses the same way, naming the field.

Used by `screen` (intake), `questionnaire score` (intake) and `outcomes` (notes).
"""

import json
import sys
from typing import NoReturn

from django.core.management.base import BaseCommand

BAD_INPUT = 2


class JsonInputCommand(BaseCommand):
    """A command run as a plain offline tool (no system or migration checks). Its error lines start with its name:
    its module's, as Django names commands."""

    requires_system_checks = []
    requires_migrations_checks = False

    def read_json(self, path: str):
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
            return json.loads(text)
        except json.JSONDecodeError as error:
            self.fail(f"file: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})")
        except RecursionError:
            self.fail("file: JSON nested too deeply")
        except ValueError:
            # JSON sets no limit on a number's digits; Python reads integers of up to 4,300 (sys.int_info).
            self.fail("file: a number in it has too many digits")

    def fail(self, message: str) -> NoReturn:
        self.stderr.write(f"{type(self).__module__.rsplit('.', 1)[-1]}: {message}")
        sys.exit(BAD_INPUT)
