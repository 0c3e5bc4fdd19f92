"""The audit log page for clinic admins: who saw and changed what, filterable."""

import uuid
from datetime import datetime, time, timedelta

from auditlog.models import LogEntry
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from clinic import roles
from clinic.access import role_required
from clinic.forms import AuditFilterForm
from clinic.models import Client
from clinic.pagination import CappedPaginator
from clinic.searches import recalled_search, remember_search
from clinic.two_factor import second_factor_required

ENTRIES_PER_PAGE = 50
FILTER_FIELDS = ("user", "action", "date_from", "date_to")
MAX_CLIENTS_MATCHED = 200


def start_of_day(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def clients_matching(text: str) -> list[str]:
    """Public ids of the clients a filter names: an exact public id, or a name/phone/date search."""
    try:
        return [str(uuid.UUID(text))]
    except ValueError:
        pass
    ids = Client.objects.search(text).values_list("public_id", flat=True)[:MAX_CLIENTS_MATCHED]
    return [str(public_id) for public_id in ids]


def filtered_entries(form: AuditFilterForm):
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")
    if not form.is_valid():
        return entries.none()
    data = form.cleaned_data
    if data["user"]:
        entries = entries.filter(actor=data["user"])
    if data["client"]:
        entries = entries.filter(additional_data__client__in=clients_matching(data["client"]))
    if data["action"] != "":
        entries = entries.filter(action=int(data["action"]))
    if data["date_from"]:
        entries = entries.filter(timestamp__gte=start_of_day(data["date_from"]))
    if data["date_to"]:
        entries = entries.filter(timestamp__lt=start_of_day(data["date_to"] + timedelta(days=1)))
    return entries


def _is_public_id(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def audit_log_url(params: dict) -> str:
    query = urlencode({name: value for name, value in params.items() if value})
    return reverse("clinic:audit-log") + (f"?{query}" if query else "")


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(roles.CLINIC_ADMIN)
@second_factor_required
def audit_log(request):
    """GET shows and filters; the filter form POSTs, and a client named by text (not by id) is kept in the
    session and named in the URL by a token."""
    source = request.POST if request.method == "POST" else request.GET
    params = {name: source.get(name, "") for name in FILTER_FIELDS}
    client = source.get("client", "").strip()
    if request.method == "POST":
        if _is_public_id(client):
            params["client"] = client
        elif client:
            params["search"] = remember_search(request, client)
        return redirect(audit_log_url(params))
    if _is_public_id(client):
        params["client"] = client
    else:
        params["search"] = request.GET.get("search", "")
        client = recalled_search(request, params["search"])
    form = AuditFilterForm({**params, "client": client})
    page = CappedPaginator(filtered_entries(form), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    rows = with_clients(page.object_list)
    return render(
        request,
        "clinic/audit_log.html",
        {"form": form, "page": page, "rows": rows, "query": audit_log_url(params).partition("?")[2]},
    )


def with_clients(entries, *, known=()) -> list[tuple]:
    """Pair each entry with the client it concerns, fetching all those clients in one query (none for the
    `known` clients already at hand, such as the one whose history page lists its entries)."""
    entries = list(entries)
    clients = {str(c.public_id): c for c in known}
    wanted = set()
    for entry in entries:
        try:
            public_id = uuid.UUID(str((entry.additional_data or {}).get("client")))
        except ValueError:
            continue
        if str(public_id) not in clients:
            wanted.add(public_id)
    if wanted:
        clients |= {str(c.public_id): c for c in Client.objects.filter(public_id__in=wanted)}
    return [(entry, clients.get((entry.additional_data or {}).get("client"))) for entry in entries]
