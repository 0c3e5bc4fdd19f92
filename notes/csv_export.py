"""The client's record as CSV: a zip of one file per kind of record (notes/csv_rows.py gathers the rows), each with
every column of what the chart records, and a README.txt that names the files.

Each file's first columns name its rows by stable ids, so the files join: a record's public id where it has one
(`session_id`), else its parent's and its number within it (`session_id`, `stretch_number`). A code sits beside
its words (`side`, `side_label`). Moments are in ISO 8601 in the clinic's time zone with its offset, dates as
YYYY-MM-DD, yes/no for a yes-or-no, lists joined by "; ". A text cell a spreadsheet would run as a formula gets a
leading apostrophe (OWASP); numbers stay numbers.

`INTERNAL` lists, for each model exported, the fields left out and why: tests/test_csv_export.py fails on any
other field that no column carries, so a new field cannot miss the export unnoticed.
"""

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from clinic import local_time
from clinic.csv_export import neutralise
from clinic.models import Client
from intake import labels
from intake.models import ClinicalJudgement, Complaint, HealthCheck, Intake, PhysicianClearance, Screening
from notes.csv_rows import chart_rows
from notes.models import (
    AbdominalSegment,
    Addendum,
    AdverseEffect,
    AreaTreated,
    ComplaintPain,
    Consent,
    FeedbackEntry,
    PulseEvent,
    TreatmentPlan,
    TreatmentSession,
)


def cell(value) -> Any:
    """A value as a CSV cell: numbers as numbers, moments with the clinic's offset, dates as dates, yes or no,
    lists joined by "; ", anything else as text, neutralised when a spreadsheet would run it."""
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


# -- Columns -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    value: Callable[[Any], Any]
    # The fields of the file's model whose values this column carries (the test of the columns reads them).
    fields: tuple[str, ...] = ()


def _path(row, path: str):
    """The attribute at a dotted `path`, or None where a link on the way is empty (no health check, no plan)."""
    for name in path.split("."):
        if row is None:
            return None
        row = getattr(row, name)
    return row


def own(name: str, *also: str) -> Column:
    """A field of the row, as stored (or a value of a row made from JSON), in a column of its name."""
    return Column(name, lambda row: getattr(row, name), (name, *also))


def words(name: str) -> Column:
    """The words of a choice field's code, in the column beside it."""
    return Column(f"{name}_label", lambda row: getattr(row, f"get_{name}_display")())


def staff(name: str, *also: str, shown: str | None = None) -> Column:
    """A member of staff, by name (`shown`: the name as the record keeps it, when it keeps one)."""
    if shown:
        return Column(name, lambda row: getattr(row, shown), (name, *also))
    return Column(name, lambda row: _name(getattr(row, name)), (name, *also))


def _name(user) -> str:
    return user.display_name if user is not None else ""


def ref(name: str, path: str, *fields: str) -> Column:
    """An id (or any value) through a path of links, carrying `fields`."""
    return Column(name, lambda row: _path(row, path), fields)


def made(name: str, value: Callable[[Any], Any], *fields: str) -> Column:
    """A value worked out from the row (a label, a count, words), carrying `fields` when it stands for them."""
    return Column(name, value, fields)


def plain(*names: str) -> list[Column]:
    """Values of rows made from JSON, in columns of their names (they carry no model field of their own)."""
    return [Column(name, lambda row, name=name: getattr(row, name)) for name in names]


@dataclass(frozen=True)
class Table:
    filename: str
    model: type[models.Model]
    rows: str  # the key of notes.csv_rows.chart_rows
    about: str
    columns: tuple[Column, ...]

    def to_csv(self, rows: list) -> bytes:
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow([column.name for column in self.columns])
        for row in rows:
            writer.writerow([cell(column.value(row)) for column in self.columns])
        return out.getvalue().encode("utf-8")


def table(filename: str, model, rows: str, about: str, *columns) -> Table:
    flat = []
    for column in columns:
        flat += column if isinstance(column, list) else [column]
    return Table(filename, model, rows, about, tuple(flat))


SESSION_ID = ref("session_id", "session.public_id", "session")
INTAKE_ID = ref("intake_id", "intake.public_id", "intake")
CLIENT_ID = ref("client_id", "client.public_id", "client")

TABLES = (
    table(
        "client.csv",
        Client,
        "client",
        _l("The client: names, date of birth, contact, emergency contact, family physician, how they were referred."),
        ref("client_id", "public_id", "public_id"),
        # Who the client is, as the client form edits it: a personal field added there comes here by itself.
        *[[own(name), words(name)] if name == "referral_source" else own(name) for name in Client.PERSONAL_FIELDS],
        own("created_at"),
        staff("created_by"),
        own("archived_at"),
        staff("archived_by"),
        own("archive_reason"),
        own("disposed_at"),
    ),
    table(
        "intakes.csv",
        Intake,
        "intakes",
        _l("Each intake: who took it when, sex, aggravating movements, notes, who assessed it when."),
        ref("intake_id", "public_id", "public_id"),
        CLIENT_ID,
        own("taken_at"),
        staff("taken_by"),
        own("updated_at"),
        own("sex"),
        words("sex"),
        own("aggravating"),
        made("aggravating_labels", lambda i: [_aggravating(m) for m in i.aggravating]),
        made("health_history_asked", lambda i: bool(i.health_history)),
        own("notes"),
        own("assessed_at"),
        staff("assessed_by"),
    ),
    table(
        "intake_answers.csv",
        Intake,
        "intake_answers",
        _l(
            "Every warning-sign and health question of each intake with its answer as stored and in words, "
            '"no" included (an empty answer: not answered).'
        ),
        ref("intake_id", "intake.public_id", "history", "red_flags"),
        plain("group", "question", "question_label", "answer", "answer_label"),
    ),
    table(
        "health_history.csv",
        Intake,
        "health_history",
        _l(
            "Each intake's health history: every condition, allergy and device with yes or no, what the client "
            "added in words, each surgery with when, each medication with its dose and whether it is an "
            "anticoagulant (no rows: not asked on that intake)."
        ),
        ref("intake_id", "intake.public_id", "health_history"),
        plain("part"),
        made("item_number", lambda row: row.number),
        plain("item", "item_label", "answer", "text", "when", "dose", "anticoagulant"),
    ),
    table(
        "intake_tests.csv",
        Intake,
        "intake_tests",
        _l("Each intake's assessment tests: the result (pain, or weakness without pain) and the side."),
        ref("intake_id", "record.public_id", "tests"),
        plain("test", "test_label", "result", "result_label", "side", "side_label"),
    ),
    table(
        "complaints.csv",
        Complaint,
        "complaints",
        _l(
            "Each intake's complaints, numbered in the order recorded: where, side, pain now and worst, onset, "
            "when taken off the intake (kept, no longer judged)."
        ),
        INTAKE_ID,
        made("complaint_number", lambda c: c.number),
        own("position"),
        own("region"),
        words("region"),
        own("side"),
        words("side"),
        own("pain_now"),
        own("pain_worst"),
        own("onset"),
        words("onset"),
        own("removed_at"),
    ),
    table(
        "screenings.csv",
        Screening,
        "screenings",
        _l(
            "Each screening of an intake (or of a visit's health check): the ruleset, the flags, the points "
            "against the threshold and, when iliopsoas work is not considered, why not; the answers judged."
        ),
        ref("screening_id", "public_id", "public_id"),
        INTAKE_ID,
        ref("health_check_id", "health_check.public_id", "health_check"),
        own("screened_at"),
        staff("screened_by"),
        own("ruleset"),
        own("iliopsoas"),
        words("iliopsoas"),
        own("abdominal_work"),
        words("abdominal_work"),
        own("refer"),
        own("score"),
        own("threshold"),
        made("points", lambda s: s.points_line),
        made("why_not", lambda s: s.why_not),
        own("answers"),
    ),
    table(
        "screening_reasons.csv",
        Screening,
        "screening_reasons",
        _l("Every reason of each screening: the rule that fired, in words, and its source."),
        ref("screening_id", "screening.public_id", "reasons"),
        made("reason_number", lambda row: row.number),
        plain("rule", "text", "source"),
    ),
    table(
        "clinical_judgements.csv",
        ClinicalJudgement,
        "clinical_judgements",
        _l("A therapist's clinical judgement that differs from a screening's iliopsoas flag, with the reason."),
        ref("judgement_id", "public_id", "public_id"),
        CLIENT_ID,
        ref("screening_id", "screening.public_id", "screening"),
        own("differs_from"),
        words("differs_from"),
        own("judgement"),
        words("judgement"),
        own("reason"),
        staff("recorded_by"),
        own("recorded_at"),
    ),
    table(
        "physician_clearances.csv",
        PhysicianClearance,
        "physician_clearances",
        _l("Each physician clearance: who, when, the red flags it answers, what it permits, until when."),
        ref("clearance_id", "public_id", "public_id"),
        CLIENT_ID,
        INTAKE_ID,
        own("cleared_on"),
        own("clinician_name"),
        own("clinician_practice"),
        own("scope"),
        words("scope"),
        own("valid_until"),
        own("what_was_cleared"),
        own("red_flags_cleared"),
        made("red_flags_cleared_labels", lambda c: [_red_flag(flag) for flag in c.red_flags_cleared]),
        made("has_letter", lambda c: bool(c.letter), "letter"),
        own("letter_content_type"),
        staff("recorded_by"),
        own("recorded_at"),
    ),
    table(
        "health_checks.csv",
        HealthCheck,
        "health_checks",
        _l("Each visit's health check, every answer."),
        ref("health_check_id", "public_id", "public_id"),
        CLIENT_ID,
        own("visit_day"),
        staff("recorded_by"),
        own("recorded_at"),
        own("no_change"),
        own("medication"),
        own("anticoagulant"),
        own("surgery"),
        own("abdominal_surgery_weeks_ago"),
        own("childbirth_weeks_ago"),
        own("caesarean"),
        own("injury"),
        own("pregnant"),
        own("new_red_flags"),
        made("new_red_flags_labels", lambda c: [_red_flag(flag) for flag in c.new_red_flags]),
        own("menstruating_today"),
        own("note"),
    ),
    table(
        "consents.csv",
        Consent,
        "consents",
        _l(
            "Each consent: the exact text version agreed, who signed (and whether a signature was drawn), when, "
            "who collected it, and its withdrawal."
        ),
        ref("consent_id", "public_id", "public_id"),
        CLIENT_ID,
        own("kind"),
        words("kind"),
        ref("text_kind", "text.kind", "text"),
        ref("text_title", "text.title", "text"),
        ref("text_version", "text.version", "text"),
        own("signed_name"),
        made("has_drawn_signature", lambda c: c.has_drawing, "signature_drawing"),
        own("signed_at"),
        staff("collected_by"),
        own("withdrawn_at"),
        staff("withdrawn_by"),
        own("withdrawal_reason"),
    ),
    table(
        "treatment_plans.csv",
        TreatmentPlan,
        "treatment_plans",
        _l("Every version of the treatment plan, numbered, the latest current: goals, frequency, reassessment."),
        ref("plan_id", "public_id", "public_id"),
        CLIENT_ID,
        made("plan_version", lambda p: p.number),
        made("current", lambda p: p.is_current),
        ref("replaces_plan_id", "replaces.public_id", "replaces"),
        own("goals"),
        own("visits"),
        own("per"),
        words("per"),
        own("for_weeks"),
        own("frequency_note"),
        made("frequency", lambda p: p.frequency),
        own("reassess_on"),
        staff("written_by", "written_by_name", shown="written_by_shown"),
        own("written_at"),
    ),
    table(
        "sessions.csv",
        TreatmentSession,
        "sessions",
        _l(
            "Each signed session (drafts are left out): the therapist and the client's name and screening as "
            "signed, when, the whole SOAP note, the signature and its seal (content hash and key id)."
        ),
        ref("session_id", "public_id", "public_id"),
        CLIENT_ID,
        INTAKE_ID,
        own("status"),
        staff("therapist", "signed_as", shown="therapist_name_shown"),
        made("client_name_when_signed", lambda s: s.client_name_shown, "signed_as"),
        made("screening_when_signed", lambda s: (s.screening_shown or {}).get("line", ""), "signed_as"),
        own("started_at"),
        own("ended_at"),
        own("subjective"),
        own("objective"),
        own("assessment"),
        own("plan"),
        own("home_care"),
        own("abdominal_planned"),
        own("signed_at"),
        own("content_hash"),
        own("hash_key_id"),
    ),
    table(
        "session_tests.csv",
        TreatmentSession,
        "session_tests",
        _l("Each session's assessment tests: the result and the side."),
        ref("session_id", "record.public_id", "objective_tests"),
        plain("test", "test_label", "result", "result_label", "side", "side_label"),
    ),
    table(
        "session_pains.csv",
        ComplaintPain,
        "session_pains",
        _l(
            "Pain (0-10) per complaint before and after each session, the complaint as the note was signed; the "
            "change is within the session (immediately after treatment), never an outcome."
        ),
        SESSION_ID,
        ref("intake_id", "complaint.intake.public_id", "complaint"),
        ref("complaint_number", "complaint.number", "complaint"),
        made("region", lambda p: p.complaint_shown["region"]),
        made("region_label", lambda p: p.complaint_shown["region_label"]),
        made("side", lambda p: p.complaint_shown["side"]),
        made("side_label", lambda p: p.complaint_shown["side_label"]),
        own("before"),
        own("after"),
        made("change", lambda p: None if p.before is None or p.after is None else p.after - p.before),
    ),
    table(
        "abdominal_stretches.csv",
        AbdominalSegment,
        "abdominal_stretches",
        _l(
            "Each stretch of abdominal work, numbered in its session: position, approach, landmark, the client's "
            "verbal re-confirmation (when, taken by), the precautions reviewed, when and why it ended."
        ),
        SESSION_ID,
        made("stretch_number", lambda s: s.number),
        own("position"),
        words("position"),
        own("approach"),
        words("approach"),
        own("landmark"),
        words("landmark"),
        own("reconfirmed_at"),
        staff("reconfirmed_by"),
        own("precautions_reviewed"),
        own("ended_at"),
        own("end_reason"),
        words("end_reason"),
    ),
    table(
        "feedback_entries.csv",
        FeedbackEntry,
        "feedback_entries",
        _l(
            "Every feedback entry of the abdominal work: when, side, technique, pressure (1-5), pain (0-10), the "
            "client's response, note, breath phase, hold in seconds."
        ),
        ref("entry_id", "public_id", "public_id"),
        SESSION_ID,
        ref("stretch_number", "segment.number", "segment"),
        own("at"),
        own("side"),
        words("side"),
        own("technique"),
        words("technique"),
        own("pressure"),
        own("pain"),
        own("response"),
        words("response"),
        own("note"),
        own("breath_phase"),
        words("breath_phase"),
        own("hold_seconds"),
    ),
    table(
        "pulse_events.csv",
        PulseEvent,
        "pulse_events",
        _l('Each "pulse felt, hands moved" during abdominal work, numbered in its session, with its stretch.'),
        SESSION_ID,
        made("pulse_number", lambda p: p.number),
        ref("stretch_number", "segment.number", "segment"),
        own("at"),
    ),
    table(
        "areas_treated.csv",
        AreaTreated,
        "areas_treated",
        _l("The areas treated in each session, in the note's order: area, side, techniques, note."),
        SESSION_ID,
        made("area_number", lambda a: a.number),
        own("position"),
        own("area"),
        words("area"),
        own("side"),
        words("side"),
        own("techniques"),
        made("techniques_labels", lambda a: a.technique_labels),
        own("note"),
    ),
    table(
        "adverse_effects.csv",
        AdverseEffect,
        "adverse_effects",
        _l(
            "Adverse effects after treatment: what, note, onset, who reported it when, whether reported after the "
            "note was signed (then with a seal of its own)."
        ),
        ref("adverse_effect_id", "public_id", "public_id"),
        SESSION_ID,
        own("kind"),
        words("kind"),
        own("note"),
        own("onset_on"),
        staff("reported_by", "reported_by_name", shown="reported_by_shown"),
        own("reported_at"),
        own("reported_later"),
        own("content_hash"),
        own("hash_key_id"),
    ),
    table(
        "addenda.csv",
        Addendum,
        "addenda",
        _l("Addenda to signed sessions: author, when, reason, text, and the seal chained to the note's."),
        ref("addendum_id", "public_id", "public_id"),
        SESSION_ID,
        staff("author", "author_name", shown="author_name_shown"),
        own("at"),
        own("reason"),
        own("text"),
        own("content_hash"),
        own("hash_key_id"),
    ),
)

# The fields of each exported model that no column carries, and why: none carries clinical content.
_ROW_ID = "the database's row number: records are named by their public id"
INTERNAL = {
    Client: {
        "id": _ROW_ID,
        "phone_digits": "the phone's digits, kept for searching",
        "updated_at": "when the row was last saved, for any reason",
        **dict.fromkeys(Client.KEPT_SUMMARY_FIELDS, "a summary of other records, which are exported themselves"),
    },
    Intake: {"id": _ROW_ID},
    Complaint: {"id": _ROW_ID},
    Screening: {"id": _ROW_ID},
    ClinicalJudgement: {"id": _ROW_ID},
    PhysicianClearance: {"id": _ROW_ID},
    HealthCheck: {"id": _ROW_ID},
    Consent: {"id": _ROW_ID},
    TreatmentPlan: {"id": _ROW_ID},
    TreatmentSession: {
        "id": _ROW_ID,
        "version": "a draft's edit counter (optimistic locking)",
        "updated_at": "when the row was last saved, for any reason",
    },
    ComplaintPain: {"id": _ROW_ID},
    AbdominalSegment: {"id": _ROW_ID},
    FeedbackEntry: {"id": _ROW_ID, "token": "the form's one-time token against a double submission"},
    PulseEvent: {"id": _ROW_ID, "token": "the button's one-time token against a double tap"},
    AreaTreated: {"id": _ROW_ID},
    AdverseEffect: {"id": _ROW_ID},
    Addendum: {"id": _ROW_ID},
}


def _aggravating(movement: str) -> str:
    return str(labels.AGGRAVATING.get(movement, movement))


def _red_flag(flag: str) -> str:
    """A red flag's words: stored as the flag's name, or as its rule ("red_flag.night_pain_unrelieved")."""
    return str(labels.RED_FLAGS.get(flag.rpartition(".")[2], flag))


# -- The zip -------------------------------------------------------------------------------------------------------


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
