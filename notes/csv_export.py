"""The client's record as CSV: a zip of one file per kind of record (notes/csv_rows.py gathers the rows), each with
every column of what the chart records, and a README.txt that names the files.

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
from django.utils.translation import gettext_lazy as _l

from clinic import local_time
from clinic.models import Client
from intake import labels
from intake.models import (
    ClinicalJudgement,
    Complaint,
    HealthCheck,
    Intake,
    PhysicianClearance,
    QuestionnaireResponse,
    Screening,
)
from notes.csv_columns import coded, made, own, owns, plain, ref, staff, table
from notes.csv_rows import chart_rows
from notes.models import (
    AbdominalSegment,
    Addendum,
    AdverseEffect,
    AreaConfirmation,
    AreaTreated,
    ComplaintPain,
    Consent,
    FeedbackEntry,
    PulseEvent,
    TreatmentPlan,
    TreatmentSession,
)


def _red_flags(flags: list) -> list[str]:
    """Red flags in words, each stored as its name or as its rule ("red_flag.night_pain_unrelieved")."""
    return [str(labels.RED_FLAGS.get(flag.rpartition(".")[2], flag)) for flag in flags]


def _pain_change(pain):
    return None if pain.before is None or pain.after is None else pain.after - pain.before


CLIENT_ID = ref("client_id", "client.public_id", "client")
INTAKE_ID = ref("intake_id", "intake.public_id", "intake")
SESSION_ID = ref("session_id", "session.public_id", "session")
SEALED = owns("content_hash", "hash_key_id")

TABLES = (
    table(
        "client.csv",
        Client,
        "client",
        _l("The client: names, date of birth, contact, emergency contact, family physician, how they were referred."),
        ref("client_id", "public_id", "public_id"),
        # Who the client is, as the client form edits it: a personal field added there comes here by itself.
        *[coded(name) if name == "referral_source" else own(name) for name in Client.PERSONAL_FIELDS],
        own("created_at"),
        staff("created_by"),
        own("archived_at"),
        staff("archived_by"),
        *owns("archive_reason", "disposed_at"),
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
        coded("sex"),
        own("aggravating"),
        made("aggravating_labels", lambda i: [str(labels.AGGRAVATING.get(m, m)) for m in i.aggravating]),
        made("health_history_asked", lambda i: bool(i.health_history)),
        *owns("notes", "assessed_at"),
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
        *coded("region"),
        *coded("side"),
        *owns("pain_now", "pain_worst"),
        *coded("onset"),
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
        *coded("iliopsoas"),
        *coded("abdominal_work"),
        *owns("refer", "score", "threshold"),
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
        *coded("differs_from"),
        *coded("judgement"),
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
        *owns("cleared_on", "clinician_name", "clinician_practice"),
        *coded("scope"),
        *owns("valid_until", "what_was_cleared", "red_flags_cleared"),
        made("red_flags_cleared_labels", lambda c: _red_flags(c.red_flags_cleared)),
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
        *owns("recorded_at", "no_change", "medication", "anticoagulant", "surgery", "abdominal_surgery_weeks_ago"),
        *owns("childbirth_weeks_ago", "caesarean", "injury", "pregnant", "new_red_flags"),
        made("new_red_flags_labels", lambda c: _red_flags(c.new_red_flags)),
        *owns("menstruating_today", "note"),
    ),
    table(
        "consents.csv",
        Consent,
        "consents",
        _l(
            "Each consent: the exact text version agreed, the sensitive areas agreed, the support person's offer, "
            "who signed (the client, or a substitute decision-maker with relationship and authority, and the "
            "client's assent; whether a signature was drawn), when, who collected it, and its withdrawal."
        ),
        ref("consent_id", "public_id", "public_id"),
        CLIENT_ID,
        *coded("kind"),
        *[ref(f"text_{name}", f"text.{name}", "text") for name in ("kind", "title", "version")],
        own("signed_name"),
        made("has_drawn_signature", lambda c: c.has_drawing, "signature_drawing"),
        # Empty areas_agreed with areas_asked false: signed before areas were asked one by one (the abdominal
        # text then named the abdomen and the front of the hip, which areas_agreed_effective gives).
        made("areas_asked", lambda c: c.asks_areas),
        made("areas_agreed", lambda c: list(c.areas or []), "areas"),
        made("areas_agreed_effective", lambda c: sorted(c.agreed_areas)),
        *owns("support_person_offered", "support_person_present"),
        *coded("signed_by"),
        *owns("sdm_name", "sdm_relationship"),
        *coded("sdm_authority"),
        *coded("client_assent"),
        own("client_assent_note"),
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
        *owns("goals", "visits"),
        *coded("per"),
        *owns("for_weeks", "frequency_note"),
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
        *owns("started_at", "ended_at", "subjective", "objective", "assessment", "plan", "home_care"),
        *owns("abdominal_planned", "signed_at"),
        *SEALED,
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
        *[made(key, lambda p, key=key: p.complaint_shown[key]) for key in ("region", "region_label")],
        *[made(key, lambda p, key=key: p.complaint_shown[key]) for key in ("side", "side_label")],
        *owns("before", "after"),
        made("change", _pain_change),
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
        *coded("position"),
        *coded("approach"),
        *coded("landmark"),
        own("reconfirmed_at"),
        staff("reconfirmed_by"),
        *owns("precautions_reviewed", "ended_at"),
        *coded("end_reason"),
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
        *coded("side"),
        *coded("technique"),
        *owns("pressure", "pain"),
        *coded("response"),
        own("note"),
        *coded("breath_phase"),
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
        *coded("area"),
        *coded("side"),
        own("techniques"),
        made("techniques_labels", lambda a: a.technique_labels),
        own("note"),
    ),
    table(
        "area_confirmations.csv",
        AreaConfirmation,
        "area_confirmations",
        _l(
            "The client's word at each visit on each sensitive area before it was treated: the consent it confirms, "
            'the area, agreed or not ("no": not today), how (initials typed or drawn on the tablet, or out loud '
            "where the province's rules allow it), the initials, whether initials were drawn, when, recorded by whom."
        ),
        ref("confirmation_id", "public_id", "public_id"),
        SESSION_ID,
        made("consent_id", lambda c: c.consent_public_id, "consent"),
        *coded("area"),
        own("agreed"),
        *coded("method"),
        own("initials"),
        made("has_drawn_initials", lambda c: c.has_drawing, "initials_drawing"),
        made("shown", lambda c: c.shown),
        own("confirmed_at"),
        staff("recorded_by"),
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
        *coded("kind"),
        *owns("note", "onset_on"),
        staff("reported_by", "reported_by_name", shown="reported_by_shown"),
        *owns("reported_at", "reported_later"),
        *SEALED,
    ),
    table(
        "addenda.csv",
        Addendum,
        "addenda",
        _l("Addenda to signed sessions: author, when, reason, text, and the seal chained to the note's."),
        ref("addendum_id", "public_id", "public_id"),
        SESSION_ID,
        staff("author", "author_name", shown="author_name_shown"),
        *owns("at", "reason", "text"),
        *SEALED,
    ),
    table(
        "outcomes.csv",
        Complaint,
        "outcomes",
        _l(
            "Each complaint's outcome: the baseline (its first rating before any treatment), the current rating (the "
            "latest before treatment on a later day; never one taken immediately after treatment), the change, the "
            "percent change, and whether it reaches the minimal clinically important difference (the clinic's rule "
            "in mcid). Empty current and change: no later visit yet. Reported pain only; not a diagnosis."
        ),
        plain("complaint", "baseline", "baseline_at", "current", "current_at", "change", "percent_change"),
        plain("reaches_mcid", "mcid", "ratings"),
    ),
    table(
        "questionnaires.csv",
        QuestionnaireResponse,
        "questionnaires",
        _l(
            "Each validated questionnaire the client answered (NPRS, PSFS, RMDQ-24, HOOS-12, Keele STarT Back): when, "
            "who recorded it, the answers as given (JSON), and the score by the instrument's published rule; HOOS-12 "
            "its scales and STarT Back its psychosocial subscale and risk group in subscales."
        ),
        ref("questionnaire_id", "public_id", "public_id"),
        CLIENT_ID,
        *coded("instrument"),
        own("taken_at"),
        *coded("source"),
        staff("recorded_by"),
        *owns("recorded_at", "score", "complete", "subscales", "answers"),
        made("score_label", lambda r: r.summary),
    ),
)

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
