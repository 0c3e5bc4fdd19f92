"""The CSV files of the record export (notes/csv_export.py) about the course of treatment: every version of the
treatment plan, each signed session with its tests, pains, stretches of abdominal work, feedback entries, pulse
events, areas treated and the client's word on each sensitive area, adverse effects, addenda, the complaints'
outcomes and the validated questionnaires. Each file is a `Table` of columns (notes/csv_columns.py), its rows
gathered by notes/csv_rows.py."""

from django.utils.translation import gettext_lazy as _l

from intake.models import Complaint, QuestionnaireResponse
from notes.csv_columns import CLIENT_ID, INTAKE_ID, SESSION_ID, coded, made, own, owns, plain, ref, staff, table
from notes.models import (
    AbdominalSegment,
    Addendum,
    AdverseEffect,
    AreaConfirmation,
    AreaTreated,
    ComplaintPain,
    FeedbackEntry,
    PulseEvent,
    TreatmentPlan,
    TreatmentSession,
)

SEALED = owns("content_hash", "hash_key_id")


def _pain_change(pain):
    return None if pain.before is None or pain.after is None else pain.after - pain.before


COURSE_TABLES = (
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
