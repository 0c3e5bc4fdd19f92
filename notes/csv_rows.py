"""The client's record as rows, for the CSV export (notes/csv_export.py): one list per kind of record, oldest first,
each row linked to the records it names (its intake, its session, its stretch of abdominal work) so that naming
them costs no query, and numbered within its parent when it has no public id of its own. What an intake or a
session keeps as JSON (the health and warning-sign answers, the structured health history, the tests) and a
screening's reasons become rows of their own. The client's own records are read through the client's related
managers (`client.intakes`, `client.sessions`, ...): each names the client without a query.

Signed sessions only, as in the PDF and the FHIR bundle: a draft, and everything recorded in it, is left out.

A bounded number of queries however long the record: one per kind of record, and none for a kind the client has
none of where that is known already (clinical judgements from the client's summary, clearances from the
screenings, the treatment plan and what a session came to record later from the sessions' query). The stretches of
abdominal work are read with their feedback entries, as notes/exports.py reads them.
"""

from collections import Counter
from types import SimpleNamespace

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q

from clinic.models import Client, User
from intake.models import (
    Complaint,
    Screening,
)
from notes.csv_derived_rows import assessment_test_rows, health_history_rows, intake_answers, outcome_rows
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


def chart_rows(client: Client) -> dict[str, list]:
    """Every record of the client's chart, by kind (the keys notes/csv_export.py's files read)."""
    _staff_of_client(client)
    rows: dict[str, list] = {"client": [client]}
    rows.update(_intakes(client))
    rows.update(_sessions(client, intakes=rows["intakes"], complaints=rows["complaints"]))
    rows["outcomes"] = outcome_rows(rows["complaints"], rows["session_pains"])
    rows["consents"] = list(
        client.consents.select_related("text", "collected_by", "withdrawn_by")
        # Whether a signature was drawn, not the drawing (tens of kilobytes each).
        .defer("signature_drawing")
        .annotate(has_drawing=ExpressionWrapper(~Q(signature_drawing=""), output_field=BooleanField()))
        .order_by("signed_at", "id")
    )
    rows["questionnaires"] = list(client.questionnaire_responses.select_related("recorded_by").oldest_first())
    return rows


def _staff_of_client(client: Client) -> None:
    """Who created and who archived the client, by name, in one query (none when nobody is recorded)."""
    ids = {client.created_by_id, client.archived_by_id} - {None}
    if ids:
        people = {user.pk: user for user in User.objects.filter(pk__in=ids).only(*User.NAME_FIELDS)}
        client.created_by = people.get(client.created_by_id)
        client.archived_by = people.get(client.archived_by_id)


def _intakes(client: Client) -> dict[str, list]:
    """The intakes, their answers, tests and complaints, their screenings with their reasons, the clinical
    judgements, the physician clearances and the visits' health checks (a screening may judge one)."""
    intakes = list(client.intakes.select_related("taken_by", "assessed_by").order_by("taken_at", "id"))
    intake_of = {intake.pk: intake for intake in intakes}
    complaints = _numbered(Complaint.objects.filter(intake__client=client).order_by("id"), intake_of, "intake")
    checks = list(client.health_checks.select_related("recorded_by").order_by("recorded_at", "id"))
    check_of = {check.pk: check for check in checks}
    screenings = list(
        Screening.objects.filter(intake__client=client).select_related("screened_by").order_by("screened_at", "id")
    )
    for screening in screenings:
        screening.intake = intake_of[screening.intake_id]
        if screening.health_check_id is not None:
            screening.health_check = check_of[screening.health_check_id]
    screening_of = {screening.pk: screening for screening in screenings}
    judgements = []
    if client.last_judgement_at is not None:  # none for the many clients never judged otherwise
        judgements = list(client.clinical_judgements.select_related("recorded_by").order_by("recorded_at", "id"))
        for judgement in judgements:
            judgement.screening = screening_of[judgement.screening_id]
    clearances = []
    if any(screening.refer for screening in screenings):  # a clearance answers a referral (record_clearance)
        clearances = list(client.clearances.select_related("recorded_by").order_by("cleared_on", "recorded_at", "id"))
        for clearance in clearances:
            clearance.intake = intake_of[clearance.intake_id]
    return {
        "intakes": intakes,
        "intake_answers": [row for intake in intakes for row in intake_answers(intake)],
        "health_history": [row for intake in intakes for row in health_history_rows(intake)],
        "intake_tests": [row for intake in intakes for row in assessment_test_rows(intake, intake.tests)],
        "complaints": complaints,
        "screenings": screenings,
        "screening_reasons": [
            SimpleNamespace(screening=screening, number=number, **{k: reason.get(k, "") for k in REASON_KEYS})
            for screening in screenings
            for number, reason in enumerate(screening.reasons, 1)
        ],
        "clinical_judgements": judgements,
        "physician_clearances": clearances,
        "health_checks": checks,
    }


REASON_KEYS = ("rule", "text", "source")


def _sessions(client: Client, *, intakes: list, complaints: list) -> dict[str, list]:
    """The signed sessions (each naming one of `intakes`) and what was recorded in them (the pains naming the
    intakes' `complaints`), and the treatment plan's versions."""
    sessions = list(
        client.sessions.signed()
        .select_related("therapist")
        .annotate(
            stretch_count=Count("segments"),
            client_has_plan=Exists(TreatmentPlan.objects.filter(client_id=OuterRef("client_id"))),
            has_pulses=Exists(PulseEvent.objects.filter(session=OuterRef("pk"))),
            has_areas=Exists(AreaTreated.objects.filter(session=OuterRef("pk"))),
            has_effects=Exists(AdverseEffect.objects.filter(session=OuterRef("pk"))),
            has_addenda=Exists(Addendum.objects.filter(session=OuterRef("pk"))),
            has_confirmations=Exists(AreaConfirmation.objects.filter(session=OuterRef("pk"))),
        )
        .order_by("started_at", "id")
    )
    session_of = {session.pk: session for session in sessions}
    intake_of = {intake.pk: intake for intake in intakes}
    for session in sessions:
        if session.intake_id is not None:
            session.intake = intake_of[session.intake_id]
    # Rows of signed sessions, read by a join rather than a list of ids (a long record has thousands).
    signed = {"session__client": client, "session__status": TreatmentSession.Status.SIGNED}

    def recorded(flag: str, model, *related: str) -> list:
        """A kind recorded in sessions, when any session holds some, oldest first."""
        if not any(getattr(session, flag) for session in sessions):
            return []
        return list(model.objects.filter(**signed).select_related(*related).order_by("id"))

    pains = list(ComplaintPain.objects.filter(**signed).order_by("id")) if sessions else []
    complaint_of = {complaint.pk: complaint for complaint in complaints}
    for pain in pains:
        pain.session, pain.complaint = session_of[pain.session_id], complaint_of[pain.complaint_id]
    pains = _in_parent_order(sorted(pains, key=lambda pain: (pain.complaint.position, pain.pk)), session_of)
    entries, stretches = _stretches(sessions, signed)
    stretch_of = {stretch.pk: stretch for stretch in stretches}
    for entry in entries:
        entry.session = session_of[entry.session_id]
    pulses = _numbered(recorded("has_pulses", PulseEvent), session_of, "session")
    for pulse in pulses:
        pulse.segment = stretch_of[pulse.segment_id]
    areas = recorded("has_areas", AreaTreated)
    areas = _numbered(sorted(areas, key=lambda area: (area.position, area.pk)), session_of, "session")
    effects = recorded("has_effects", AdverseEffect, "reported_by")
    addenda = recorded("has_addenda", Addendum, "author")
    confirmations = []
    if any(session.has_confirmations for session in sessions):
        confirmations = list(
            AreaConfirmation.objects.filter(**signed)
            .select_related("recorded_by")
            # Whether initials were drawn, not the drawing; the consent it confirms by its public id.
            .defer("initials_drawing")
            .annotate(
                has_drawing=ExpressionWrapper(~Q(initials_drawing=""), output_field=BooleanField()),
                consent_public_id=F("consent__public_id"),
            )
            .order_by("confirmed_at", "id")
        )
    for record in (*effects, *addenda, *confirmations):
        record.session = session_of[record.session_id]
    return {
        "sessions": sessions,
        "session_tests": [
            row for session in sessions for row in assessment_test_rows(session, session.objective_tests)
        ],
        "session_pains": pains,
        "abdominal_stretches": stretches,
        "feedback_entries": entries,
        "pulse_events": pulses,
        "areas_treated": areas,
        "adverse_effects": _in_parent_order(effects, session_of),
        "addenda": _in_parent_order(addenda, session_of),
        "area_confirmations": _in_parent_order(confirmations, session_of),
        "treatment_plans": _plans(client, sessions),
    }


def _stretches(sessions: list, signed: dict) -> tuple[list, list]:
    """The feedback entries and the stretches of abdominal work, read through the entries (each with its stretch):
    a query more only when a stretch has no entry (opened, then closed before any tap), known from the sessions'
    count of stretches. The stretches are numbered within their session in the order they were opened."""
    if not any(session.stretch_count for session in sessions):
        return [], []
    entries = list(
        FeedbackEntry.objects.filter(**signed).select_related("segment__reconfirmed_by").order_by("at", "id")
    )
    found = {entry.segment_id: entry.segment for entry in entries}
    held = Counter(stretch.session_id for stretch in found.values())
    short = [session.pk for session in sessions if session.stretch_count > held[session.pk]]
    if short:
        for stretch in AbdominalSegment.objects.filter(session_id__in=short).select_related("reconfirmed_by"):
            found.setdefault(stretch.pk, stretch)
    session_of = {session.pk: session for session in sessions}
    stretches = _numbered(sorted(found.values(), key=lambda stretch: stretch.pk), session_of, "session")
    for entry in entries:  # each entry was read with a copy of its stretch: all now name the numbered one
        entry.segment = found[entry.segment_id]
    return _in_parent_order(entries, session_of), stretches


def _plans(client: Client, sessions: list) -> list:
    """The treatment plan's versions, oldest first, each numbered, the latest current; read only when the client
    has one (known from the sessions' query when there are sessions)."""
    if sessions and not sessions[0].client_has_plan:
        return []
    plans = list(client.treatment_plans.select_related("written_by").order_by("id"))
    plan_of = {plan.pk: plan for plan in plans}
    for number, plan in enumerate(plans, 1):
        plan.number, plan.is_current = number, number == len(plans)
        if plan.replaces_id is not None:
            plan.replaces = plan_of[plan.replaces_id]
    return plans


def _numbered(rows, parents: dict, parent: str) -> list:
    """`rows`, in the order they were recorded, each given its parent (loaded already) and its number within it
    from 1, ordered as their parents are."""
    rows, counts = list(rows), Counter()
    for row in rows:
        owner = parents[getattr(row, f"{parent}_id")]
        setattr(row, parent, owner)
        counts[owner.pk] += 1
        row.number = counts[owner.pk]
    return _in_parent_order(rows, parents, parent)


def _in_parent_order(rows: list, parents: dict, parent: str = "session") -> list:
    """`rows` ordered as their parents are, each parent's in the order given."""
    rank = {pk: n for n, pk in enumerate(parents)}
    return sorted(rows, key=lambda row: rank[getattr(row, f"{parent}_id")])
