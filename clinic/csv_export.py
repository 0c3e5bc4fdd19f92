"""The client list as CSV, for clinic admins: the columns a clinic would import elsewhere, streamed, with cell
values that a spreadsheet would run as formulas neutralised."""

import csv

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from clinic import local_time, roles
from clinic.access import role_required
from clinic.models import Client
from clinic.two_factor import second_factor_required

COLUMNS = [
    ("id", lambda c: c.public_id),
    ("legal_first_name", lambda c: c.first_name),
    ("legal_last_name", lambda c: c.last_name),
    ("preferred_name", lambda c: c.preferred_name),
    ("pronouns", lambda c: c.pronouns),
    ("date_of_birth", lambda c: local_time.day(c.date_of_birth)),
    ("phone", lambda c: c.phone),
    ("email", lambda c: c.email),
    ("address", lambda c: c.address),
    ("emergency_contact", lambda c: c.emergency_contact_name),
    ("emergency_contact_relationship", lambda c: c.emergency_contact_relationship),
    ("emergency_contact_phone", lambda c: c.emergency_contact_phone),
    ("heard_of_clinic", lambda c: c.get_referral_source_display()),
    ("care_team", lambda c: "; ".join(m.display_name for m in c.care_team.all())),
    ("archived", lambda c: "yes" if c.is_archived else "no"),
    # When, in ISO 8601 with the clinic's offset ("2026-12-03T14:05:09-05:00"); empty for a client on the list.
    ("archived_at", lambda c: local_time.iso(c.archived_at)),
    ("created", lambda c: local_time.day(c.created_at)),
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """A value a spreadsheet would read as a formula gets a leading apostrophe (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


def _rows(clients):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([name for name, _ in COLUMNS])  # BOM: spreadsheets read UTF-8 right
    for client in clients.iterator(chunk_size=2000):
        yield writer.writerow([neutralise(value(client)) for _, value in COLUMNS])


@require_safe
@role_required(roles.CLINIC_ADMIN)
@second_factor_required
def client_list_csv(request):
    clients = Client.objects.order_by("last_name", "first_name", "id").prefetch_related("care_team")
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Client),
        object_pk="*",
        object_repr="client list (CSV export)",
        action=LogEntry.Action.ACCESS,
        changes={"export": [None, "clients.csv"]},
        additional_data={"export": "clients.csv"},
    )
    response = StreamingHttpResponse(_rows(clients), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="clients-{local_time.day(timezone.localdate())}.csv"'
    return response
