"""The client's record as a PDF: at once for a short record, prepared in the background for a long one."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe
from django_htmx.http import HttpResponseClientRedirect

from clinic.access import get_exportable_client_for, role_required
from clinic.audit import record_export
from clinic.models import Client
from clinic.roles import CLINIC_ADMIN, THERAPIST
from notes import export_jobs, exports
from notes.models import RecordExport


def _pdf_response(client, pdf: bytes) -> HttpResponse:
    record_export(client, "pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="client-record-{client.public_id}.pdf"'
    return response


@require_safe
@role_required(THERAPIST, CLINIC_ADMIN)
def client_export_pdf(request, public_id):
    client = get_exportable_client_for(request.user, public_id, among=export_jobs.with_session_counts(Client.objects))
    if export_jobs.renders_inline(client.signed_sessions):
        pdf = exports.client_record_pdf(client, base_url=request.build_absolute_uri("/"), drafts=client.draft_sessions)
        return _pdf_response(client, pdf)
    export = export_jobs.request_export(client=client, by=request.user, base_url=request.build_absolute_uri("/"))
    return redirect(export)


@require_safe
@role_required(THERAPIST, CLINIC_ADMIN)
def record_export_status(request, public_id):
    """The requester's export: the PDF once ready, else a page that refreshes itself until it is."""
    export = get_object_or_404(
        RecordExport.objects.select_related("client").defer("pdf"), public_id=public_id, requested_by=request.user
    )
    # The requester must still be allowed to export this client's record (care team, role) now.
    client = get_exportable_client_for(request.user, export.client.public_id)
    if export_jobs.is_expired(export):
        raise Http404
    if export.status == RecordExport.Status.READY:
        if request.htmx:  # the waiting page's poll: send the browser to the download
            return HttpResponseClientRedirect(export.get_absolute_url())
        pdf = RecordExport.objects.values_list("pdf", flat=True).get(pk=export.pk)
        return _pdf_response(client, bytes(pdf))
    export_jobs.restart_if_stale(export)
    status = 200 if export.status == RecordExport.Status.FAILED else 202
    return render(request, "notes/export_pending.html", {"export": export, "client": client}, status=status)
