"""What the client's own forms show on the client page and on the front desk's home page (clinic/panels.py)."""

from clinic.panels import Panel
from intake import access
from intake.models import ClientSubmission

HOME_LIST_LENGTH = 20


def client_forms_panel(request, client) -> Panel | None:
    """The client's submissions, newest first, pending ones marked; a link to send the forms. For those who take
    the client's intakes."""
    if not access.may_take_intake(request.user, client):
        return None
    submissions = list(ClientSubmission.objects.for_client(client).only("public_id", "status", "submitted_at")[:5])
    return Panel(
        "intake/_client_forms_panel.html",
        {"client": client, "submissions": submissions, "may_send": not client.is_archived},
    )


def home_submissions_panel(request) -> Panel | None:
    if not request.user.is_front_desk:
        return None
    submissions = list(
        ClientSubmission.objects.pending()
        .select_related("client")
        .only(
            "public_id",
            "submitted_at",
            "client__public_id",
            "client__first_name",
            "client__last_name",
            "client__preferred_name",
        )
        .order_by("submitted_at", "id")[:HOME_LIST_LENGTH]
    )
    return Panel("intake/_home_submissions.html", {"submissions": submissions})
