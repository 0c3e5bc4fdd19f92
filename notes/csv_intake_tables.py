"""The CSV files of the record export (notes/csv_export.py) about the client and what is taken before treatment: the
client, each intake with its answers, health history, tests and complaints, the screenings and their reasons,
clinical judgements, physician clearances, each visit's health check, the consents. Each file is a `Table` of
columns (notes/csv_columns.py), its rows gathered by notes/csv_rows.py."""

from django.utils.translation import gettext_lazy as _l

from clinic.models import Client
from intake import labels
from intake.models import ClinicalJudgement, Complaint, HealthCheck, Intake, PhysicianClearance, Screening
from notes.csv_columns import CLIENT_ID, INTAKE_ID, coded, made, own, owns, plain, ref, staff, table
from notes.models import Consent


def _red_flags(flags: list) -> list[str]:
    """Red flags in words, each stored as its name or as its rule ("red_flag.night_pain_unrelieved")."""
    return [str(labels.RED_FLAGS.get(flag.rpartition(".")[2], flag)) for flag in flags]


INTAKE_TABLES = (
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
)
