"""What the notes app shows on the clinic's pages (clinic/panels.py): on the client page, consent status, the
treatment plan, the latest sessions and the record's retention (none of them to a therapist outside the care team);
on a therapist's home page, their drafts to sign (overdue ones marked) and their clients whose reassessment is
due."""

from datetime import timedelta

from django.utils import timezone

from clinic.access import may_read_clinical_record
from clinic.audit import record_views
from clinic.models import Client
from clinic.panels import Panel
from intake.access import is_on_care_team
from notes import disposal
from notes.models import Consent, ConsentKind, TreatmentPlan, TreatmentSession

STALE_DRAFT_AGE = timedelta(hours=24)


def sees_clinical_summary(user, client, *, on_care_team: bool) -> bool:
    """Consent status and retention: the front desk's and clinic admins', and a therapist's who may read the
    client's clinical record (their care team's, or under emergency access). A therapist outside the care team sees
    the client's demographics only."""
    return user.is_front_desk or may_read_clinical_record(user, client, on_care_team=on_care_team)


def consent_and_sessions_panel(request, client) -> Panel | None:
    """Consent status at a glance, and the sessions for those who may read them."""
    user = request.user
    on_care_team = is_on_care_team(user, client)
    if not sees_clinical_summary(user, client, on_care_team=on_care_team):
        return None
    may_read_sessions = user.is_clinic_admin or on_care_team
    latest_consents = Consent.objects.latest_per_kind(client)
    record_views(latest_consents.values())
    rows = []
    for kind in ConsentKind:
        consent = latest_consents.get(kind.value)
        outdated = consent is not None and consent.current_text_id not in (None, consent.text_id)
        rows.append((kind.label, kind.value, consent, outdated))
    sessions = list(TreatmentSession.objects.for_client(client).listed()[:10]) if may_read_sessions else []
    # The plan: one more query on the page, for those who read the sessions (the front desk does not).
    plan = TreatmentPlan.objects.filter(client=client).order_by("-id").first() if may_read_sessions else None
    if plan is not None:
        record_views([plan])
    return Panel(
        "notes/_client_notes_panel.html",
        {
            "consent_rows": rows,
            "may_record_consent": not client.is_archived
            and (user.is_front_desk or user.is_clinic_admin or on_care_team),
            "may_start_session": not client.is_archived and on_care_team,
            "may_read_sessions": may_read_sessions,
            "sessions": sessions,
            "plan": plan,
            "may_write_plan": not client.is_archived and on_care_team,
            "today": timezone.localdate(),
        },
    )


def retention_context(request, client) -> dict:
    """Until when the record is kept; for clinic admins, its disposal (requested, or the way to request it)."""
    kept, latest_disposal = disposal.retention_and_disposal(client)
    # Everyone sees that a record was disposed of; only clinic admins see a request waiting for approval.
    return {"retention": kept, "may_manage": request.user.is_clinic_admin, "disposal": latest_disposal}


def retention_panel(request, client) -> Panel | None:
    if not sees_clinical_summary(request.user, client, on_care_team=is_on_care_team(request.user, client)):
        return None
    return Panel("notes/_retention.html", retention_context(request, client))


def drafts_panel(request) -> Panel | None:
    """All the therapist's unsigned drafts, oldest first; those older than 24 hours are marked overdue."""
    if not request.user.is_therapist:
        return None
    drafts = list(
        TreatmentSession.objects.drafts().by(request.user).select_related("client").order_by("started_at", "id")[:50]
    )
    overdue_before = timezone.now() - STALE_DRAFT_AGE
    for draft in drafts:
        draft.overdue = draft.started_at < overdue_before
    return Panel("notes/_stale_drafts.html", {"drafts": drafts})


def reassessments_panel(request) -> Panel | None:
    """The therapist's care-team clients (active ones) whose current plan's reassessment date is today or past,
    the most overdue first: one query (each client's latest plan, by NOT EXISTS a newer one)."""
    if not request.user.is_therapist:
        return None
    today = timezone.localdate()
    plans = list(
        TreatmentPlan.objects.current()
        .due_by(today)
        .filter(client__in=Client.objects.in_care_of(request.user).active())
        .select_related("client")
        .order_by("reassess_on", "id")[:50]
    )
    return Panel("notes/_reassessments_due.html", {"plans": plans})
