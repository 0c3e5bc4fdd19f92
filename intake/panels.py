"""What the intake app shows on the client page (clinic/panels.py): the latest screening, intakes, clearances."""

from clinic.audit import record_views
from clinic.panels import Panel
from intake import access
from intake.abdominal_status import status_today
from intake.models import Intake, Screening

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
    latest = Screening.objects.latest_for_client(client) if intakes else None
    # What the client page shows of clinical records is a read like any other: audit it.
    record_views([latest, *clearances])
    return Panel(
        "intake/_client_intake_panel.html",
        {
            "may_take": may_take and not client.is_archived,
            "intakes": intakes,
            "latest": latest,
            "full": access.sees_full_screening(user, client),
            # Abdominal work today in one line, from the latest screening and the clearances in force.
            "status": status_today(latest, clearances),
            "clearances": clearances,
        },
    )
