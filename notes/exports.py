"""Exports of a client's record: the PDF (WeasyPrint) and the FHIR R4 bundle."""

import base64
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from clinic import local_time
from clinic.models import Client
from intake import health_history, labels
from intake.models import ClinicalJudgement, HealthCheck, PhysicianClearance, Screening, current_judgement
from notes import disposal, feedback_log
from notes.charts import pain_trend_svg
from notes.history import complaints_with_outcome_data, pain_series
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
from notes.outcomes import within_session_change
from notes.questionnaire_trends import questionnaire_context

# Each kind recorded within a session that the chart came to hold later, and the flag saying a session has some: one
# query a kind when any session holds it, none otherwise (the PDF of a record without them costs what it did).
LATER_RECORDS = (
    ("areas", "has_areas"),
    ("pulses", "has_pulses"),
    (Prefetch("adverse_effects", queryset=AdverseEffect.objects.select_related("reported_by")), "has_effects"),
    # The client's word at each visit on each sensitive area (initials typed or drawn, or out loud).
    (
        Prefetch("area_confirmations", queryset=AreaConfirmation.objects.select_related("recorded_by")),
        "has_confirmations",
    ),
)


def record_for_export(client: Client, *, drafts: int | None = None) -> dict:
    """Everything the exports show, in the order a reader expects: the client, each intake's health history, the
    intakes with every answer and test, their screenings and clinical judgements, clearances, consents, the signed
    sessions (the visit's health check, SOAP, pains, each stretch of abdominal work with its feedback, the seal,
    addenda) and the outcomes. A bounded number of queries however long the record (`drafts`: the count, when the
    caller has it)."""
    intakes = _intakes_with_screenings(client)
    sessions = list(
        TreatmentSession.objects.for_client(client)
        .signed()
        .select_related("therapist")
        .annotate(stretch_count=Count("segments"))
        .prefetch_related(
            Prefetch("pains", queryset=ComplaintPain.objects.select_related("complaint")),
            # Each entry with its stretch: the stretches' details without a query of their own.
            Prefetch("entries", queryset=FeedbackEntry.objects.select_related("segment__reconfirmed_by")),
            Prefetch("addenda", queryset=Addendum.objects.select_related("author")),
        )
        # What the chart came to record later, read only for the sessions that hold some (below).
        .annotate(
            client_has_plan=Exists(TreatmentPlan.objects.filter(client_id=OuterRef("client_id"))),
            has_areas=Exists(AreaTreated.objects.filter(session=OuterRef("pk"))),
            has_pulses=Exists(PulseEvent.objects.filter(session=OuterRef("pk"))),
            has_effects=Exists(AdverseEffect.objects.filter(session=OuterRef("pk"))),
            has_confirmations=Exists(AreaConfirmation.objects.filter(session=OuterRef("pk"))),
        )
        .order_by("started_at", "id")
    )
    for related, flag in LATER_RECORDS:
        prefetch_related_objects([s for s in sessions if getattr(s, flag)], related)
    checks = health_checks_by_day(client)
    stretches = _stretches(sessions)
    # The plan's versions: read when the client has one (known from the sessions' query when there are sessions).
    plans = []
    if not sessions or sessions[0].client_has_plan:
        plans = list(TreatmentPlan.objects.filter(client=client).order_by("-id"))
    for session in sessions:
        _gather_session(session, checks, stretches[session.pk])
    # The health checks of days with no signed session (a visit without a note yet, or none): in the chart too.
    days_with_a_note = {local_time.local_date(session.started_at) for session in sessions}
    checks_alone = [
        describe_health_check(check) for day, found in checks.items() if day not in days_with_a_note for check in found
    ]
    rated = [  # as history._rated_pains reads them, from the sessions loaded anyway
        (pain.complaint_id, session.pk, session.started_at, session.ended_at, pain.before, pain.after)
        for session in sessions
        for pain in session.pains.all()
        if pain.before is not None or pain.after is not None
    ]
    rows = [(complaint, started, ended, before, after) for complaint, _s, started, ended, before, after in rated]
    complaints = complaints_with_outcome_data(client, rated=rated)
    by_intake = defaultdict(list)
    for complaint in complaints:
        by_intake[complaint.intake_id].append(complaint)
    judgements = list(ClinicalJudgement.objects.for_client(client)) if client.last_judgement_at is not None else []
    for intake in intakes:
        intake.all_complaints = by_intake[intake.pk]  # removed ones included: the FHIR bundle keeps them inactive
        intake.complaint_list = [c for c in by_intake[intake.pk] if c.removed_at is None]
        intake.health_parts = health_history.describe(intake.health_history)
        intake.every_answer = labels.describe_every_answer(intake.history, intake.red_flags)
        intake.aggravating_labels = labels.describe_aggravating(intake.aggravating)
        intake.test_results = labels.describe_tests(intake.tests)
        intake.judgements = [j for j in judgements if j.screening.intake_id == intake.pk]
        intake.judgement = current_judgement(intake.latest_screening, intake.judgements)
    series, outcomes = pain_series(client, complaints=complaints, rows=rows)
    if drafts is None:
        drafts = TreatmentSession.objects.for_client(client).drafts().count()
    consents = list(
        Consent.objects.filter(client=client)
        .select_related("text", "collected_by", "withdrawn_by")
        .order_by("signed_at")
    )
    for consent in consents:
        consent.signature_image = signature_image(consent.signature_drawing)
    _confirmations_of(sessions, consents)
    return {
        "client": client,
        "care_team": client.care_team_members,
        "intakes": intakes,
        "consents": consents,
        "sessions": sessions,
        "drafts": drafts,
        "clearances": _clearances(client, intakes),
        "checks_alone": checks_alone,
        "plans": plans,
        "series": series,
        "outcomes": outcomes,
        # The client was loaded by this request (or the export job) just before: its summary is current.
        "retention": disposal.retention_as_loaded(client),
        **questionnaire_context(client),
    }


def _confirmations_of(sessions: list, consents: list) -> None:
    """Each session's `confirmations`: the client's word at the visit on each sensitive area, in the order given,
    each naming its consent (one of the client's, loaded already) and its drawn initials as an image the PDF may
    show (`initials_image`, or "")."""
    consent_of = {consent.pk: consent for consent in consents}
    for session in sessions:
        session.confirmations = list(session.area_confirmations.all()) if session.has_confirmations else []
        for row in session.confirmations:
            row.consent = consent_of[row.consent_id]
            row.initials_image = signature_image(row.initials_drawing)


def _intakes_with_screenings(client: Client) -> list:
    """The client's screened intakes, oldest first, each with `screenings_list` (oldest first) and
    `latest_screening`, in one query read through their screenings (the app screens every intake when it saves it).
    Read newest first: an intake's latest is the first of its screenings met, as ScreeningQuerySet.newest_first
    defines "latest" everywhere (Intake.objects.with_latest_screening() joins the same one)."""
    intakes: dict[int, object] = {}
    screenings = Screening.objects.select_related("intake__taken_by", "screened_by", "health_check").filter(
        intake__client=client
    )
    for screening in screenings.newest_first():
        intake = intakes.setdefault(screening.intake_id, screening.intake)
        if not hasattr(intake, "latest_screening"):
            intake.latest_screening = screening
        intake.screenings_list = [screening, *getattr(intake, "screenings_list", [])]
    return sorted(intakes.values(), key=lambda i: (i.taken_at, i.pk))


def _clearances(client: Client, intakes: list) -> list:
    """The client's physician clearances, oldest first; no query for a client no screening ever referred (a
    clearance answers a referral: intake.services.record_clearance refuses one otherwise)."""
    if not any(s.refer for intake in intakes for s in intake.screenings_list):
        return []
    return list(PhysicianClearance.objects.filter(client=client).select_related("recorded_by").order_by("cleared_on"))


def health_checks_by_day(client: Client) -> dict:
    """The client's health checks by the clinic's day of the visit, the latest of a day last (one query)."""
    checks = defaultdict(list)
    for check in HealthCheck.objects.filter(client=client).select_related("recorded_by").order_by("recorded_at"):
        checks[check.visit_day].append(check)
    return checks


def _stretches(sessions: list) -> dict:
    """Each session's stretches of abdominal work (oldest first), read through the feedback entries prefetched
    with their stretch: a query more only when a session has a stretch with no entry (counted by the sessions'
    query), which is rare (opened, then closed before any tap)."""
    found = defaultdict(dict)
    for session in sessions:
        for entry in session.entries.all():
            found[session.pk].setdefault(entry.segment_id, entry.segment)
    short = [s.pk for s in sessions if s.stretch_count > len(found[s.pk])]
    if short:
        for segment in AbdominalSegment.objects.filter(session_id__in=short).select_related("reconfirmed_by"):
            found[segment.session_id].setdefault(segment.pk, segment)
    return {
        session.pk: sorted(found[session.pk].values(), key=lambda s: (s.reconfirmed_at, s.pk)) for session in sessions
    }


def _gather_session(session: TreatmentSession, checks: dict, stretches: list) -> None:
    """What a session shows, from what was prefetched: its pains, the visit's health checks, the stretches of
    abdominal work each with its feedback entries, and whether any was stopped."""
    for pain in session.pains.all():  # shown with the session, never as an outcome
        pain.within_session = within_session_change(pain.before, pain.after)
    session.health_checks = [
        describe_health_check(check) for check in checks.get(local_time.local_date(session.started_at), [])
    ]
    session.test_results = labels.describe_tests(session.objective_tests)
    entries = defaultdict(list)
    for entry in session.entries.all():
        entries[entry.segment_id].append(entry)
    session.stretches = stretches
    for segment in session.stretches:
        segment.entry_list = entries[segment.pk]
        segment.feedback_log = describe_feedback(segment.entry_list)
    session.stopped = any(s.end_reason == AbdominalSegment.EndReason.STOP for s in session.stretches) or any(
        e.response == FeedbackEntry.Response.STOP for e in session.entries.all()
    )


def describe_health_check(check: HealthCheck) -> dict:
    """A visit's health check in words: who recorded it when, and every answer ("no" included)."""
    yes, no = _("Yes"), _("No")

    def weeks(value):
        return _("%(weeks)s weeks ago") % {"weeks": value} if value is not None else _("None")

    answers = [
        (_("No change since the last visit"), yes if check.no_change else no),
        (_("New or changed medication"), check.medication or _("None")),
        (_("Anticoagulant or bleeding disorder"), yes if check.anticoagulant else no),
        (_("Surgery or procedure since the last visit"), check.surgery or _("None")),
        (_("Surgery on the belly or pelvis"), weeks(check.abdominal_surgery_weeks_ago)),
        (_("Gave birth"), weeks(check.childbirth_weeks_ago)),
        (_("By caesarean section"), yes if check.caesarean else no),
        (_("Injury since the last visit"), check.injury or _("None")),
        (_("Pregnant"), yes if check.pregnant else no),
        (_("Menstruating today"), yes if check.menstruating_today else no),
        (_("New symptoms"), "; ".join(str(labels.RED_FLAGS.get(f, f)) for f in check.new_red_flags) or _("None")),
        (_("Anything else"), check.note or _("None")),
    ]
    return {"check": check, "answers": answers}


# The characters of the PDF's feedback lines that fit across the page (8 pt DejaVu Sans Mono, 178 mm: about 104).
FEEDBACK_LINE_CHARACTERS = 100


def describe_feedback(entries: list) -> feedback_log.FeedbackLog:
    """A stretch's feedback entries as the PDF shows them: a line each, in columns under a header."""
    header = [_("Time"), _("Side"), _("Technique"), _("Pressure (1-5)"), _("Pain"), _("Breath, hold")]
    header += [_("Response"), _("Note")]
    clock, held = local_time.clock_labeller(), _("held %(s)s s")
    rows = []
    for e in entries:
        breath = [e.get_breath_phase_display().lower()] if e.breath_phase else []
        breath += [held % {"s": e.hold_seconds}] if e.hold_seconds is not None else []
        cells = [clock(e.at), e.get_side_display(), e.get_technique_display(), str(e.pressure), str(e.pain)]
        cells += [", ".join(breath), e.get_response_display(), e.note]
        rows.append((cells, e.response == FeedbackEntry.Response.STOP))
    return feedback_log.aligned(header, rows, width=FEEDBACK_LINE_CHARACTERS)


SIGNATURE_PREFIX = "data:image/png;base64,"


def signature_image(drawing: str) -> str:
    """The drawn signature as a PNG data URL the PDF may show, or "" (nothing else is ever put in an image)."""
    if not drawing.startswith(SIGNATURE_PREFIX):
        return ""
    try:
        base64.b64decode(drawing[len(SIGNATURE_PREFIX) :], validate=True)
    except ValueError:
        return ""
    return drawing


# A record of this many signed sessions or more is laid out in parts at the same time, one process each, as many as
# EXPORT_PDF_PROCESSES (notes/pdf_parts.py): a part must hold enough to pay for its process (tens of milliseconds).
PARTS_FROM_SESSIONS = 30
# What the pieces between the part breaks cost to lay out, in sessions (valgrind instruction counts of the complete
# chart of bench/pdf_length.py: a session 0.1 G, the front matter 2.9 G, the outcomes of 100 sessions 0.6 G). The
# front matter counts for a little less: the process that lays it out has gathered the record and its HTML first.
FRONT_MATTER_WEIGHT, OUTCOMES_WEIGHT = 25, 5


def client_record_pdf(client: Client, *, base_url: str, drafts: int | None = None) -> bytes:
    from notes import pdf_parts  # heavy (WeasyPrint): imported only when exporting

    record = record_for_export(client, drafts=drafts)
    html = render_to_string(
        "notes/export_pdf.html",
        {
            **record,
            "outcomes": record["outcomes"].items(),
            # notes.charts builds the SVG and escapes every text and attribute it puts in.
            "chart": mark_safe(pain_trend_svg(record["series"], width=680, height=280)),  # noqa: S308  # nosec B308 B703
            "clinic_name": settings.CLINIC_NAME,
            "exported_at": timezone.localtime(),
            # A constant HTML comment where a part of the PDF may begin.
            "part_break": mark_safe(pdf_parts.PART_BREAK),  # noqa: S308  # nosec B308 B703
        },
    )
    sessions = len(record["sessions"])
    processes = settings.EXPORT_PDF_PROCESSES if sessions >= PARTS_FROM_SESSIONS else 1
    weights = [FRONT_MATTER_WEIGHT, *[1] * sessions, OUTCOMES_WEIGHT]  # the pieces between the template's part breaks
    return pdf_parts.write_pdf(html, base_url=base_url, processes=processes, weights=weights)
