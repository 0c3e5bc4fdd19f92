"""The client history page: timeline, pain trend, outcomes and, for clinic admins, who saw what."""

import json

from auditlog.models import LogEntry
from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from clinic import two_factor
from clinic.access import get_clinical_client_for, get_exportable_client_for, role_required
from clinic.audit import reads_audited_together, record_export, record_view
from clinic.audit_views import with_clients
from clinic.forms import FilterDateField
from clinic.models import EmergencyAccess
from clinic.roles import CLINIC_ADMIN, THERAPIST
from notes import csv_export, fhir, history, panels
from notes.charts import pain_trend_svg
from notes.questionnaire_trends import questionnaire_context

KIND_LABELS = {
    "intake": _("Intakes"),
    "consent": _("Consents given"),
    "withdrawal": _("Consents withdrawn"),
    "session": _("Sessions"),
    "clearance": _("Physician clearances"),
    "adverse_effect": _("Adverse effects"),
}


class HistoryFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(
        label=_("Show"),
        choices=list(KIND_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    start = FilterDateField(label=_("From"))
    end = FilterDateField(label=_("To"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned


@require_safe
@reads_audited_together
@role_required(THERAPIST, CLINIC_ADMIN)
def client_history(request, public_id):
    client = get_clinical_client_for(request.user, public_id)
    record_view(client)
    form = HistoryFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    kinds = set(data.get("kind") or history.KINDS)
    page, events = history.timeline_page(
        client, kinds=kinds, start=data.get("start"), end=data.get("end"), page_number=request.GET.get("page")
    )
    series, outcomes = history.pain_series(client)
    # The pages' links carry the filter's own fields only: nothing else in the URL is echoed back.
    query = QueryDict(mutable=True)
    for name in HistoryFilterForm.base_fields:
        query.setlist(name, request.GET.getlist(name))
    # Every emergency access to this record, for the care team and the admins to see (and the reader's own).
    emergency_accesses = []
    if client.last_emergency_access_at is not None:  # no query for the many clients never opened this way
        emergency_accesses = list(EmergencyAccess.objects.filter(client=client).select_related("user")[:20])
    own_emergency_access = next((g for g in emergency_accesses if g.user_id == request.user.pk and g.is_active), None)
    audit_rows = []
    # Who saw what only as /audit/ shows it: after the second factor, when it is required.
    audit_verify_url = two_factor.audit_verify_url(request) if request.user.is_clinic_admin else None
    if request.user.is_clinic_admin and audit_verify_url is None:
        audit_rows = with_clients(
            LogEntry.objects.filter(additional_data__client=str(client.public_id))
            .select_related("actor", "content_type")
            .order_by("-timestamp", "-id")[:30],
            known=[client],
        )
    return render(
        request,
        "notes/history.html",
        {
            "client": client,
            "form": form,
            "page": page,
            "events": events,
            "query": query.urlencode(),
            "chart": mark_safe(pain_trend_svg(series, title=f"Pain over time: {client.display_name}")),  # noqa: S308  # nosec B308 B703
            "outcomes": outcomes.items(),
            "audit_rows": audit_rows,
            "audit_verify_url": audit_verify_url,
            "emergency_accesses": emergency_accesses,
            "own_emergency_access": own_emergency_access,
            **panels.retention_context(request, client),
            **questionnaire_context(client),
        },
    )


# The same JSON with <, > and & written as \u escapes: no "</script>" or markup in it, wherever it is pasted.
JSON_MARKUP_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@require_safe
@role_required(THERAPIST, CLINIC_ADMIN)
def client_export_fhir(request, public_id):
    client = get_exportable_client_for(request.user, public_id)
    bundle = fhir.client_bundle(client)
    record_export(client, "fhir")
    body = json.dumps(bundle, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).translate(JSON_MARKUP_ESCAPES)
    response = HttpResponse(body, content_type="application/fhir+json")
    response["Content-Disposition"] = f'attachment; filename="client-record-{client.public_id}.fhir.json"'
    return response


@require_safe
@role_required(THERAPIST, CLINIC_ADMIN)
def client_export_csv(request, public_id):
    """The client's record as CSV files, one per kind of record, in a zip (notes/csv_export.py)."""
    client = get_exportable_client_for(request.user, public_id)
    body = csv_export.client_record_zip(client)
    record_export(client, "csv")
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="client-record-{client.public_id}.csv.zip"'
    return response
