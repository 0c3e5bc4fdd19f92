"""What a CSV file of the record export is made of: its columns, each a value of a row and the model fields it
carries, the cell each value is written as, and the ids most files join on. The files themselves are defined in
notes/csv_intake_tables.py and notes/csv_course_tables.py."""

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from clinic import local_time
from clinic.csv_export import neutralise


def cell(value) -> Any:
    """A value as a CSV cell: numbers as numbers (a negative number is not a formula), moments in ISO 8601 with
    the clinic's offset, dates as YYYY-MM-DD, yes or no, lists joined by "; ", an object as JSON, anything else as
    text, with a leading apostrophe when a spreadsheet would run it as a formula (OWASP)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        return local_time.iso(value)
    if isinstance(value, date):
        return local_time.day(value)
    if isinstance(value, list | tuple):
        return neutralise("; ".join(str(item) for item in value))
    if isinstance(value, dict):
        return neutralise(json.dumps(value, ensure_ascii=False, sort_keys=True))
    return neutralise(str(value))


@dataclass(frozen=True)
class Column:
    name: str
    value: Callable[[Any], Any]
    # The fields of the file's model whose values this column carries (tests/test_csv_export.py reads them).
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """One CSV file: the rows of one kind of record (`rows`, a key of notes.csv_rows.chart_rows)."""

    filename: str
    model: type[models.Model]
    rows: str
    about: str
    columns: tuple[Column, ...]

    def to_csv(self, rows: list) -> bytes:
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow([column.name for column in self.columns])
        for row in rows:
            writer.writerow([cell(column.value(row)) for column in self.columns])
        return out.getvalue().encode("utf-8")


def table(filename: str, model, rows: str, about: str, *columns: Column | list[Column]) -> Table:
    flat = []
    for column in columns:
        flat += column if isinstance(column, list) else [column]
    return Table(filename, model, rows, about, tuple(flat))


def own(name: str, *also: str) -> Column:
    """A field of the row as stored, in a column of its name (carrying `also`, when its value stands for them)."""
    return Column(name, lambda row: getattr(row, name), (name, *also))


def owns(*names: str) -> list[Column]:
    return [own(name) for name in names]


def coded(name: str) -> list[Column]:
    """A choice field's code, and its words in the column beside it (`side`, `side_label`)."""
    return [own(name), Column(f"{name}_label", lambda row: getattr(row, f"get_{name}_display")())]


def staff(name: str, *also: str, shown: str | None = None) -> Column:
    """A member of staff, by name (`shown`: the name as the record keeps it, when it keeps one)."""
    if shown:
        return Column(name, lambda row: getattr(row, shown), (name, *also))
    return Column(name, lambda row: _name(getattr(row, name)), (name, *also))


def _name(user) -> str:
    return user.display_name if user is not None else ""


def ref(name: str, path: str, *fields: str) -> Column:
    """A value through a dotted path of links (an id: "session.public_id"), empty where a link is (no health
    check), carrying `fields`."""

    def value(row):
        for step in path.split("."):
            if row is None:
                return None
            row = getattr(row, step)
        return row

    return Column(name, value, fields)


def made(name: str, value: Callable[[Any], Any], *fields: str) -> Column:
    """A value worked out from the row (words, a count, a yes or no), carrying `fields` when it stands for them."""
    return Column(name, value, fields)


def plain(*names: str) -> list[Column]:
    """The values of rows made from JSON (notes.csv_rows), in columns of their names."""
    return [Column(name, lambda row, name=name: getattr(row, name)) for name in names]


# The ids most files join on.
CLIENT_ID = ref("client_id", "client.public_id", "client")
INTAKE_ID = ref("intake_id", "intake.public_id", "intake")
SESSION_ID = ref("session_id", "session.public_id", "session")
