"""Rows the CSV export derives from a record rather than reads (notes/csv_rows.py reads the records): what an
intake and a session keep as JSON (warning-sign and health answers, the structured health history, the tests) as a
row an answer, and each complaint's outcome by the clinic's rule. Pure: no query."""

from collections import defaultdict
from types import SimpleNamespace

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from intake import health_history, labels
from intake.models import Intake
from notes.history import clinic_outcome, complaint_label
from notes.outcomes import Rating

# -- What an intake and a session keep as JSON ---------------------------------------------------------------------


def intake_answers(intake: Intake) -> list[SimpleNamespace]:
    """Every warning-sign and health question with its answer as stored and in words, "no" included (as the intake
    page and the PDF show them), then any other answer stored under a key the questions do not know."""
    history, red_flags = intake.history or {}, intake.red_flags or {}
    rows = [
        SimpleNamespace(
            intake=intake, group=group, question=name, question_label=question, answer=stored, answer_label=words
        )
        for group, name, question, stored, words, _notable in labels.every_answer(history, red_flags)
    ]
    asked = {row.question for row in rows}
    for group, answers in (("warning_sign", red_flags), ("health", history)):
        rows += [
            SimpleNamespace(
                intake=intake, group=group, question=name, question_label="", answer=stored, answer_label=""
            )
            for name, stored in answers.items()
            if name not in asked
        ]
    return rows


def health_history_rows(intake: Intake) -> list[SimpleNamespace]:
    """The structured health history (intake/health_history.py), one row an answer: every condition, allergy and
    device of the lists with yes or no, then what the client added in words ("other"); each surgery with when;
    each medication with its dose and whether it is an anticoagulant. None for an intake taken before these
    questions were asked (its row in intakes.csv says so)."""
    health = intake.health_history or {}
    if not health:
        return []
    rows = []

    def row(part, number, item="", item_label="", answer=None, text="", when="", dose="", anticoagulant=None):
        rows.append(
            SimpleNamespace(
                intake=intake,
                part=part,
                number=number,
                item=item,
                item_label=item_label,
                answer=answer,
                text=text,
                when=when,
                dose=dose,
                anticoagulant=anticoagulant,
            )
        )

    for part, choices in health_history.TICK_LISTS.items():
        ticked = list(health.get(part) or [])
        items = [(code, words) for code, words in choices.items()] + [(c, "") for c in ticked if c not in choices]
        for number, (code, words) in enumerate(items, 1):
            row(part, number, code, words, code in ticked)
        if health.get(f"{part}_other"):
            row(part, len(items) + 1, "other", _("Other"), True, text=health[f"{part}_other"])
    for number, surgery in enumerate(health.get("surgeries") or [], 1):
        row("surgeries", number, text=surgery.get("what", ""), when=surgery.get("when", ""))
    for number, medication in enumerate(health.get("medications") or [], 1):
        row(
            "medications",
            number,
            text=medication.get("name", ""),
            dose=medication.get("dose", ""),
            anticoagulant=bool(medication.get("anticoagulant")),
        )
    return rows


def assessment_test_rows(record, tests: dict) -> list[SimpleNamespace]:
    """An intake's or a session's assessment tests, one row each: its result (resisted hip flexion: pain, or
    weakness without pain) and the side, each with its words."""
    rows = []
    for name, value in (tests or {}).items():
        result, side = labels.test_result_and_side(value)
        rows.append(
            SimpleNamespace(
                record=record,
                test=name,
                test_label=labels.TESTS.get(name, ""),
                result=result,
                result_label=labels.TEST_RESULTS.get(result, ""),
                side=side or "",
                side_label=labels.TEST_SIDES.get(side, "") if side else "",
            )
        )
    return rows


def outcome_rows(complaints: list, pains: list) -> list[SimpleNamespace]:
    """Each complaint's outcome by the clinic's rule (notes/outcomes.py), from the ratings exported beside it: the
    same region and side across intakes are one complaint, as on the history page and in the PDF."""
    ratings = defaultdict(list)
    for complaint in complaints:
        ratings[complaint_label(complaint)].append(Rating(complaint.intake.taken_at, complaint.pain_now, "intake"))
    for pain in pains:
        session = pain.session
        if pain.before is not None:
            ratings[complaint_label(pain.complaint)].append(Rating(session.started_at, pain.before, "pre"))
        if pain.after is not None:
            at = session.ended_at or session.signed_at or session.started_at
            ratings[complaint_label(pain.complaint)].append(Rating(at, pain.after, "post"))
    rule = f"{settings.PAIN_MCID_POINTS:g} points, {settings.PAIN_MCID_PERCENT:g}%, rule {settings.PAIN_MCID_RULE}"
    rows = []
    for label in sorted(ratings):
        result = clinic_outcome(ratings[label])
        if result.has_data:
            rows.append(
                SimpleNamespace(
                    complaint=label,
                    baseline=result.baseline,
                    baseline_at=result.baseline_at,
                    current=result.current,
                    current_at=result.current_at,
                    change=result.change if result.current is not None else None,
                    percent_change=result.percent_change,
                    reaches_mcid=result.reaches_mcid if result.current is not None else None,
                    mcid=rule,
                    ratings=len(ratings[label]),
                )
            )
    return rows
