"""The client's record as CSV: a zip of one file per kind of record, each with every column of what the chart
records, and a README.txt that names the files. notes/csv_rows.py gathers the rows; notes/csv_intake_tables.py and
notes/csv_course_tables.py define the files, each a table of columns (notes/csv_columns.py); this module lists them
in the zip's order, says what is left out, and writes the zip.

Each file's first columns name its rows by stable ids, so the files join: a record's public id where it has one
(`session_id`), else its parent's and its number within it (`session_id`, `stretch_number`). A code sits beside
its words (`side`, `side_label`). How each value is written is notes/csv_columns.py's `cell`: moments in ISO 8601
with the clinic's offset, dates as YYYY-MM-DD, numbers as numbers, text a spreadsheet would run as a formula with a
leading apostrophe.

`INTERNAL` lists, for each model exported, the fields left out and why: tests/test_csv_export.py fails on any
other field that no column carries, so a new field cannot miss the export unnoticed.
"""

import io
import zipfile
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic import local_time
from clinic.models import Client
from notes.csv_course_tables import COURSE_TABLES
from notes.csv_intake_tables import INTAKE_TABLES
from notes.csv_rows import chart_rows
from notes.models import FeedbackEntry, PulseEvent, TreatmentSession

# Every file, in the zip's order (and the README's).
TABLES = (*INTAKE_TABLES, *COURSE_TABLES)


# The fields of each exported model that no column carries, and why: none carries clinical content.
_ROW_ID = "the database's row number: records are named by their public id"
_SAVED = "when the row was last saved, for any reason"
INTERNAL = {
    **{model: {"id": _ROW_ID} for model in {table.model for table in TABLES}},
    Client: {
        "id": _ROW_ID,
        "phone_digits": "the phone's digits, kept for searching",
        "updated_at": _SAVED,
        **dict.fromkeys(Client.KEPT_SUMMARY_FIELDS, "a summary of other records, which are exported themselves"),
    },
    TreatmentSession: {"id": _ROW_ID, "version": "a draft's edit counter (optimistic locking)", "updated_at": _SAVED},
    FeedbackEntry: {"id": _ROW_ID, "token": "the form's one-time token against a double submission"},  # nosec B105
    PulseEvent: {"id": _ROW_ID, "token": "the button's one-time token against a double tap"},  # nosec B105
}


def readme(client: Client, exported_at: datetime) -> str:
    lines = [
        _("The record of client %(id)s from %(clinic)s, exported %(at)s: one CSV file per kind of record.")
        % {"id": client.public_id, "clinic": settings.CLINIC_NAME, "at": local_time.iso(exported_at)},
        "",
        _(
            "Dates and times are the clinic's, in %(zone)s: each moment is written in ISO 8601 with the clinic's "
            "offset from UTC, as the moment of this export above; each date as YYYY-MM-DD."
        )
        % {"zone": local_time.zone_name()},
        _(
            "Only signed sessions are exported: a draft and what was recorded in it are left out. The first "
            "columns of each file name its rows, so the files join: a record's id, or its parent's id and its "
            "number within it (session_id and stretch_number)."
        ),
        _(
            "A code sits beside its words (side, side_label); yes or no answers a yes-or-no question; lists are "
            'joined by "; ". A text that starts with = + - @, a tab or a carriage return begins with an '
            "apostrophe, so that a spreadsheet does not run it as a formula."
        ),
        "",
        _("Files:"),
        *[f"- {t.filename}: {t.about}" for t in TABLES],
        "",
    ]
    return "\r\n".join(lines)


def client_record_zip(client: Client) -> bytes:
    """The client's record as a zip of CSV files and a README, built in memory."""
    rows = chart_rows(client)
    exported_at = timezone.now()
    stamp = timezone.localtime(exported_at).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        files = [("README.txt", readme(client, exported_at).encode("utf-8"))]
        files += [(t.filename, t.to_csv(rows[t.rows])) for t in TABLES]
        for name, content in files:
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
