"""Each complaint's outcome, kept when a session is signed (ComplaintOutcome, ComplaintPeriodMean) so the history
page reads one row per complaint however long the course, and worked out from those rows."""

from collections import defaultdict

from django.conf import settings

from clinic.models import Client
from intake.models import Complaint, Intake, Screening
from notes.history import sql
from notes.models import TreatmentSession
from notes.outcomes import Outcome, Rating, outcome

PERIODS = (("week", 7), ("month", 31), ("quarter", 92), ("year", 366))
OUTCOME_FIELDS = ("first_before", "first_at", "latest_value", "latest_at")


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


def intakes_with_latest_screening(*, client: Client) -> dict[int, Intake]:
    """The client's intakes that were screened, each with `latest_screening`, in one query: read through their
    screenings, newest first (the app screens every intake when it saves it). For the export, which shows them
    whole."""
    screenings = Screening.objects.select_related("intake__taken_by").filter(intake__client=client)
    intakes: dict[int, Intake] = {}
    for screening in screenings.order_by("intake_id", "-screened_at", "-id"):  # each intake's newest first
        if screening.intake_id not in intakes:
            intake = screening.intake
            intake.latest_screening = screening
            intakes[intake.pk] = intake
    return intakes


def complaints_with_outcome_data(client: Client, *, rated: list[tuple] | None = None) -> list[Complaint]:
    """The client's complaints, each with its first and latest session rating and its count of rated sessions:
    `first_before` and `first_at` (the first signed session with a rating before it), `latest_value` and
    `latest_at` (the latest rating, after the session if given), `rated_sessions`.

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
            if complaint.first_before is None:
                complaint.first_at = None
            complaint.rated_sessions = kept.rated if kept is not None else 0
        return complaints
    complaints = list(Complaint.objects.filter(intake__client=client).select_related("intake"))
    by_id = {complaint.pk: complaint for complaint in complaints}
    for complaint in complaints:
        complaint.first_before = complaint.first_at = complaint.latest_value = complaint.latest_at = None
    sessions: dict[int, set] = defaultdict(set)
    for complaint_id, session_id, started, ended, before, after in rated:
        complaint = by_id.get(complaint_id)
        if complaint is None:
            continue
        if before is not None and complaint.first_at is None:
            complaint.first_before, complaint.first_at = before, started
        complaint.latest_value = after if after is not None else before
        complaint.latest_at = ended or started
        sessions[complaint_id].add(session_id)
    for complaint in complaints:
        complaint.rated_sessions = len(sessions[complaint.pk])
    return complaints


def outcomes_of(complaints, label_of) -> dict[str, Outcome]:
    """Each complaint label's outcome from its earliest and latest rating (intake, or a session's)."""
    firsts: dict[str, list[Rating]] = defaultdict(list)
    latests: dict[str, list[Rating]] = defaultdict(list)
    sessions: dict[str, int] = defaultdict(int)
    for complaint in complaints:
        label = label_of[complaint.pk]
        intake_rating = Rating(complaint.intake.taken_at, complaint.pain_now)
        firsts[label].append(intake_rating)
        latests[label].append(intake_rating)
        if complaint.first_at is not None:
            firsts[label].append(Rating(complaint.first_at, complaint.first_before))
        if complaint.latest_at is not None:
            latests[label].append(Rating(complaint.latest_at, complaint.latest_value))
        sessions[label] += complaint.rated_sessions or 0
    outcomes = {}
    for label in sorted(firsts):
        known_first = [r for r in firsts[label] if r.value is not None]
        known_latest = [r for r in latests[label] if r.value is not None]
        ends = []
        if known_first:
            ends.append(min(known_first, key=lambda r: r.at))
        if known_latest:
            ends.append(max(known_latest, key=lambda r: r.at))
        outcomes[label] = outcome(
            ends,
            sessions=sessions[label],
            points=settings.PAIN_MCID_POINTS,
            percent=settings.PAIN_MCID_PERCENT,
            rule=settings.PAIN_MCID_RULE,
        )
    return outcomes
