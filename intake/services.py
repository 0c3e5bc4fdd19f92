"""Writes about intakes. Every save re-runs the screening, in the same transaction, and updates the client's
summary flags; nothing is deleted (a complaint taken off an intake is marked removed)."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic import local_time
from clinic.models import Client, User
from intake import labels, screening
from intake.models import (
    ClearanceScope,
    ClinicalJudgement,
    Complaint,
    HealthCheck,
    Intake,
    PhysicianClearance,
    QuestionnaireResponse,
    Screening,
    current_judgement,
)

CLIENT_SUMMARY_FIELDS = [
    "screening_iliopsoas",
    "screening_abdominal_work",
    "screening_refer",
    "referral_cleared",
    "screened_at",
    "iliopsoas_judgement",
]


class JudgementRefused(Exception):
    """A clinical judgement that may not be recorded; `reason` says why, in words for the therapist."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class NothingToClear(Exception):
    """The intake's latest screening does not refer the client, so there is no referral to clear."""


@transaction.atomic
def record_intake(
    *,
    client: Client,
    taken_by: User,
    complaints: Sequence[dict[str, Any]],
    sex: str = "",
    aggravating: Sequence[str] = (),
    history: dict | None = None,
    red_flags: dict | None = None,
    health_history: dict | None = None,
    notes: str = "",
) -> Intake:
    """Take a new intake for a client and screen it."""
    intake = Intake(
        client=client,
        taken_by=taken_by,
        sex=sex,
        aggravating=sorted(set(aggravating)),
        history=history or {},
        red_flags=red_flags or {},
        health_history=health_history or {},
        notes=notes,
    )
    intake.save()
    for position, fields in enumerate(complaints):
        Complaint(intake=intake, position=position, **_complaint_fields(fields)).save()
    run_screening(intake=intake, by=taken_by)
    return intake


@transaction.atomic
def update_intake(
    *,
    intake: Intake,
    by: User,
    complaints: Sequence[dict[str, Any]],
    sex: str = "",
    aggravating: Sequence[str] = (),
    history: dict | None = None,
    red_flags: dict | None = None,
    health_history: dict | None = None,
    notes: str = "",
) -> Intake:
    """Change an intake's answers; its earlier screenings stay as they were, a new one judges the new answers."""
    intake.sex = sex
    intake.aggravating = sorted(set(aggravating))
    intake.history = history or {}
    intake.red_flags = red_flags or {}
    if health_history is not None:  # None: not asked on this edit (kept as it was)
        intake.health_history = health_history
    intake.notes = notes
    intake.save()
    # Each posted complaint names the stored one it edits (or none, for a new one): match by identity,
    # never by position, so taking off the first complaint cannot rewrite the second.
    current = {complaint.pk: complaint for complaint in intake.complaints.current()}
    kept = set()
    for position, posted in enumerate(complaints):
        fields = {**_complaint_fields(posted), "position": position}
        complaint = current.get(posted.get("complaint"))
        if complaint is None or complaint.pk in kept:
            Complaint(intake=intake, **fields).save()
            continue
        kept.add(complaint.pk)
        if any(getattr(complaint, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(complaint, name, value)
            complaint.save()
    for pk, complaint in current.items():
        if pk not in kept:
            complaint.removed_at = timezone.now()
            complaint.save()
    run_screening(intake=intake, by=by)
    return intake


def _complaint_fields(posted: dict[str, Any]) -> dict[str, Any]:
    return {name: posted.get(name) for name in ("region", "side", "pain_now", "pain_worst")} | {
        "onset": posted.get("onset") or ""
    }


@transaction.atomic
def record_assessment(*, intake: Intake, by: User, tests: dict[str, str | dict]) -> Intake:
    """The care-team therapist's assessment tests, each a result or {"result": ..., "side": ...} (ruleset 2026.12);
    those not tested are left out. The screening is re-run with them."""
    intake.tests = {
        name: value for name, value in tests.items() if labels.test_result_and_side(value)[0] != screening.NOT_TESTED
    }
    intake.assessed_by = by
    intake.assessed_at = timezone.now()
    intake.save()
    run_screening(intake=intake, by=by)
    return intake


def run_screening(*, intake: Intake, by: User, answers: dict | None = None, health_check=None) -> Screening:
    """Judge the intake's answers as they stand (or `answers`, the intake's updated by a visit's `health_check`),
    store the result, and update the client's summary flags."""
    answers = intake.answers() if answers is None else answers
    result = screening.screen(answers)
    judged = Screening(
        intake=intake,
        health_check=health_check,
        screened_by=by,
        ruleset=result["ruleset"],
        answers=answers,
        iliopsoas=result["iliopsoas"],
        abdominal_work=result["abdominal_work"],
        refer=result["refer"],
        score=result["score"],
        threshold=result["threshold"],
        reasons=result["reasons"],
    )
    judged.save()
    _summarise_on_client(intake.client)
    return judged


@transaction.atomic
def record_clearance(
    *,
    intake: Intake,
    by: User,
    cleared_on: date,
    clinician_name: str,
    what_was_cleared: str,
    scope: str = ClearanceScope.MASSAGE,
    valid_until: date | None = None,
    clinician_practice: str = "",
    letter: UploadedFile | None = None,
    letter_content_type: str = "",
) -> PhysicianClearance:
    """Record a physician's clearance of the referral raised by the intake's latest screening."""
    latest = Screening.objects.latest_for_intake(intake)
    if latest is None or not latest.refer:
        raise NothingToClear
    clearance = PhysicianClearance(
        client=intake.client,
        intake=intake,
        cleared_on=cleared_on,
        clinician_name=clinician_name,
        clinician_practice=clinician_practice,
        scope=scope,
        valid_until=valid_until,
        what_was_cleared=what_was_cleared,
        red_flags_cleared=sorted(latest.red_flag_rules),
        recorded_by=by,
        letter_content_type=letter_content_type if letter else "",
    )
    if letter:
        extension = PhysicianClearance.LETTER_TYPES[letter_content_type]
        clearance.letter.save(f"{clearance.public_id}.{extension}", letter, save=False)
    clearance.save()
    _summarise_on_client(intake.client)
    return clearance


def referral_is_cleared(judged: Screening) -> bool:
    """Whether a physician answered every red flag of this referral (for massage at least), whatever the date: the
    summary the client list shows. What a clearance permits today: intake.abdominal_status."""
    if not judged.refer:
        return False
    return any(clearance.resolves(judged) for clearance in judged.intake.clearances.all())


@transaction.atomic
def record_health_check(*, client: Client, by: User, **answers) -> HealthCheck:
    """Record today's health check. When an answer differs from the chart (the latest screening's answers), the
    answers updated by it are screened again, with the check as the source; "no change" changes nothing but the
    day's own answer (menstruating today)."""
    check = HealthCheck(client=client, recorded_by=by, visit_day=local_time.local_date(timezone.now()), **answers)
    check.save()
    latest = Screening.objects.filter(intake__client=client).select_related("intake").newest_first().first()
    if latest is not None:
        updated = check.answers_from(latest.answers)
        if screening.validate(updated) != screening.validate(latest.answers):
            run_screening(intake=latest.intake, by=by, answers=updated, health_check=check)
    return check


def todays_health_check(client: Client) -> HealthCheck | None:
    """The client's health check of today (the clinic's day), the latest if several: a previous day's never counts."""
    today = local_time.local_date(timezone.now())
    return HealthCheck.objects.filter(client=client, visit_day=today).select_related("recorded_by").first()


def _summarise_on_client(client: Client) -> None:
    """Copy the current screening (the latest of the newest intake) onto the client, for badges and filters."""
    judged = Screening.objects.latest_for_client(client)
    client.screening_iliopsoas = judged.iliopsoas
    client.screening_abdominal_work = judged.abdominal_work
    client.screening_refer = judged.refer
    client.referral_cleared = referral_is_cleared(judged)
    client.screened_at = judged.screened_at
    standing = None
    if client.last_judgement_at is not None:  # no query for the many clients never judged otherwise
        standing = current_judgement(judged, ClinicalJudgement.objects.for_intake(judged.intake_id))
    client.iliopsoas_judgement = standing.judgement if standing else ""
    client.save(update_fields=CLIENT_SUMMARY_FIELDS)


# The outputs a therapist may judge otherwise. A contraindication or a referral is never overridden in software:
# only a physician's clearance answers a referral.
JUDGEABLE_OUTPUTS = ("iliopsoas",)


@transaction.atomic
def record_clinical_judgement(
    *, screening_result: Screening, by: User, judgement: str, reason: str, output: str = "iliopsoas"
) -> ClinicalJudgement:
    """Record a care-team therapist's clinical judgement that differs from the iliopsoas flag of the client's latest
    screening, with their reason. The screening is not changed; the client's summary shows the judgement beside
    the flag. Raises JudgementRefused for anything else: another output (a contraindication, a referral), someone
    outside the care team, a judgement the screening already gives, "consider" under an unanswered referral, an
    earlier screening, or a reason too short to explain anything."""
    from intake.access import is_on_care_team

    client = screening_result.intake.client
    if output not in JUDGEABLE_OUTPUTS:
        raise JudgementRefused(
            _(
                "A contraindication or a referral cannot be overridden: only the iliopsoas indication may be judged "
                "otherwise. A referral is answered by a physician's clearance."
            )
        )
    if not is_on_care_team(by, client):
        raise JudgementRefused(_("Only a therapist on the client's care team may record a clinical judgement."))
    if judgement not in labels.JUDGEMENTS:
        raise JudgementRefused(_("Choose the clinical judgement: consider iliopsoas work, or not indicated."))
    if judgement == screening_result.iliopsoas:
        raise JudgementRefused(_("The screening already says this: a clinical judgement records a different one."))
    latest = Screening.objects.latest_for_client(client)
    if latest is None or latest.pk != screening_result.pk:
        raise JudgementRefused(_("The client was screened again since: judge their latest screening."))
    if judgement == "consider" and screening_result.refer and not referral_is_cleared(screening_result):
        raise JudgementRefused(
            _("A referral cannot be overridden: iliopsoas work waits for a physician's clearance of the warning signs.")
        )
    reason = reason.strip()
    if len(reason) < ClinicalJudgement.MIN_REASON_LENGTH:
        raise JudgementRefused(
            _("Give your reason in at least %(count)s characters.") % {"count": ClinicalJudgement.MIN_REASON_LENGTH}
        )
    recorded = ClinicalJudgement(
        client=client,
        screening=screening_result,
        differs_from=screening_result.iliopsoas,
        judgement=judgement,
        reason=reason,
        recorded_by=by,
    )
    recorded.save()
    client.last_judgement_at = recorded.recorded_at
    client.save(update_fields=["last_judgement_at"])
    _summarise_on_client(client)
    return recorded


@transaction.atomic
def record_questionnaire(
    *, client: Client, by: User | None, instrument: str, answers: dict, taken_at=None, source: str = "staff"
) -> QuestionnaireResponse:
    """Record one questionnaire the client answered, scored by its instrument's published rule at save
    (intake/questionnaires.py). `by` is the staff member who took it down (None for the client's own forms)."""
    response = QuestionnaireResponse(
        client=client,
        instrument=instrument,
        answers=answers,
        taken_at=taken_at or timezone.now(),
        source=source,
        recorded_by=by,
    )
    response.save()
    return response
