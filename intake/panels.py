"""What the intake app shows on the client page (clinic/panels.py): the latest screening, intakes, clearances."""

from clinic.audit import record_views
from clinic.panels import Panel
from intake import access, health_history
from intake.abdominal_status import status_today
from intake.models import Intake, Screening, current_judgement

# What the client page lists of a clearance: not the letter.
CLEARANCE_ROW_FIELDS = (
    "public_id",
    "client_id",
    "intake_id",
    "cleared_on",
    "valid_until",
    "scope",
    "red_flags_cleared",
    "clinician_name",
    "what_was_cleared",
)


def client_panel(request, client) -> Panel:
    user = request.user
    may_take = access.may_take_intake(user, client)
    intakes = list(Intake.objects.for_client(client).listed()[:10]) if may_take else []
    clearances = list(client.clearances.only(*CLEARANCE_ROW_FIELDS)[:5]) if may_take else []
    latest = Screening.objects.latest_for_client(client, with_health_history=True) if intakes else None
    full = access.sees_full_screening(user, client)
    # A clinical judgement is read only when the client's summary says one stands beside the flag.
    judgement = None
    if full and latest is not None and client.iliopsoas_judgement:
        # Through the client's related manager: each names the client, not read again for the audit entry.
        judgements = list(client.clinical_judgements.for_intake(latest.intake_id))
        judgement = current_judgement(latest, judgements)
    # What the client page shows of clinical records is a read like any other: audit it.
    record_views([latest, *clearances, judgement])
    return Panel(
        "intake/_client_intake_panel.html",
        {
            "may_take": may_take and not client.is_archived,
            "intakes": intakes,
            "latest": latest,
            "full": full,
            "judgement": judgement,
            # The health history of the screened intake: what the chart holds now.
            "health_history": health_history.describe(latest.intake.health_history) if latest else [],
            # Abdominal work today in one line, from the latest screening and the clearances in force.
            "status": status_today(latest, clearances),
            "clearances": clearances,
        },
    )
