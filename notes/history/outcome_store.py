"""Each complaint's outcome, kept when a session is signed (ComplaintOutcome, ComplaintPeriodMean) so the history
page reads one row per complaint however long the course, and worked out from those rows."""

from collections import defaultdict

from django.conf import settings
from django.utils import timezone

from clinic.models import Client
from intake.models import Complaint
from notes.history import sql
from notes.models import TreatmentSession
from notes.outcomes import Outcome, Rating, outcome

PERIODS = (("week", 7), ("month", 31), ("quarter", 92), ("year", 366))
OUTCOME_FIELDS = ("first_before", "first_at", "latest_before", "latest_before_at")


def complaint_label(complaint: Complaint) -> str:
    return f"{complaint.get_region_display()} ({complaint.get_side_display().lower()})"


def refresh_outcomes(first_client: int | None = None, last_client: int | None = None) -> None:
    """Work out again the outcomes and the chart's period means of the complaints of the clients with ids from
    `first_client` to `last_client` (one client: the same id twice; every client: neither) from their signed
    ratings, and keep them. Called when a session is signed, in its transaction, and by seed_load after each
    batch."""
    sql.keep_outcomes(
        signed=TreatmentSession.Status.SIGNED.value,
        periods=[kind for kind, _length in PERIODS],
        first_client=first_client,
        last_client=last_client,
    )


def complaints_with_outcome_data(client: Client, *, rated: list[tuple] | None = None) -> list[Complaint]:
    """The client's complaints, each with what its outcome needs of the signed sessions: `first_before` and
    `first_at` (the first session's rating before treatment, and when it started), `latest_before` and
    `latest_before_at` (the latest), `rated_sessions` (the sessions that rated it, before or after). Ratings after
    treatment never count in an outcome (notes/outcomes.py).

    One query, reading the outcomes kept at signing (ComplaintOutcome). An export passes the `rated` pains of the
    sessions it loaded ((complaint id, session id, started, ended, before, after), oldest first): the same from
    them."""
    if rated is None:
        complaints = list(
            Complaint.objects.filter(intake__client=client)
            .select_related("intake", "outcome")
            .order_by("position", "id")
        )
        for complaint in complaints:
            kept = complaint.outcome if hasattr(complaint, "outcome") else None  # never rated: no row
            for name in OUTCOME_FIELDS:
                setattr(complaint, name, getattr(kept, name) if kept is not None else None)
            complaint.rated_sessions = kept.rated if kept is not None else 0
        return complaints
    complaints = list(Complaint.objects.filter(intake__client=client).select_related("intake"))
    by_id = {complaint.pk: complaint for complaint in complaints}
    for complaint in complaints:
        for name in OUTCOME_FIELDS:
            setattr(complaint, name, None)
    sessions: dict[int, set] = defaultdict(set)
    for complaint_id, session_id, started, _ended, before, _after in rated:
        complaint = by_id.get(complaint_id)
        if complaint is None:
            continue
        if before is not None:
            if complaint.first_at is None:
                complaint.first_before, complaint.first_at = before, started
            complaint.latest_before, complaint.latest_before_at = before, started
        sessions[complaint_id].add(session_id)
    for complaint in complaints:
        complaint.rated_sessions = len(sessions[complaint.pk])
    return complaints


def ratings_of(complaints, label_of) -> dict[str, list[Rating]]:
    """Each complaint label's ratings that an outcome can take (the same region and side across intakes are one
    complaint): every intake's, and the first and latest before treatment in a signed session. The ones between
    are neither the earliest nor the latest, so the outcome is the same as from every rating."""
    ratings: dict[str, list[Rating]] = defaultdict(list)
    for complaint in complaints:
        of_label = ratings[label_of[complaint.pk]]
        of_label.append(Rating(complaint.intake.taken_at, complaint.pain_now, "intake"))
        if complaint.first_at is not None:
            of_label.append(Rating(complaint.first_at, complaint.first_before, "pre"))
        if complaint.latest_before_at is not None:
            of_label.append(Rating(complaint.latest_before_at, complaint.latest_before, "pre"))
    return ratings


def clinic_outcome(ratings: list[Rating], *, sessions: int = 0) -> Outcome:
    """The outcome of one complaint's ratings by the clinic's rule: "a later day" in its TIME_ZONE, the MCID as
    PAIN_MCID_POINTS, PAIN_MCID_PERCENT and PAIN_MCID_RULE say (notes/outcomes.py)."""
    return outcome(
        ratings,
        zone=timezone.get_default_timezone(),
        sessions=sessions,
        points=settings.PAIN_MCID_POINTS,
        percent=settings.PAIN_MCID_PERCENT,
        rule=settings.PAIN_MCID_RULE,
    )


def outcomes_of(complaints, label_of) -> dict[str, Outcome]:
    """Each complaint label's outcome by the clinic's rule: its baseline, its current rating (before treatment, on
    a later day) and the change."""
    ratings = ratings_of(complaints, label_of)
    sessions: dict[str, int] = defaultdict(int)
    for complaint in complaints:
        sessions[label_of[complaint.pk]] += complaint.rated_sessions or 0
    return {label: clinic_outcome(ratings[label], sessions=sessions[label]) for label in sorted(ratings)}
