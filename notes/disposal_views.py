"""Disposal of a client's clinical record after its retention date: a clinic admin requests, another approves."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clinic.access import get_clinical_client_for, role_required
from clinic.roles import CLINIC_ADMIN
from clinic.two_factor import redirect_for_second_factor
from notes import disposal as services
from notes.course_forms import DisposalRequestForm
from notes.models import RecordDisposal


def _get_disposal(public_id) -> RecordDisposal:
    return get_object_or_404(
        RecordDisposal.objects.select_related("client", "requested_by", "decided_by"), public_id=public_id
    )


@role_required(CLINIC_ADMIN)
@require_http_methods(["GET", "HEAD", "POST"])
def disposal_new(request, public_id):
    client = get_clinical_client_for(request.user, public_id)
    form = DisposalRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            disposal = services.request_disposal(client=client, by=request.user, reason=form.cleaned_data["reason"])
        except services.DisposalRefused as refusal:
            form.add_error(None, str(refusal))
            status = 409
        else:
            messages.success(request, _("Disposal requested: a second clinic admin must approve it."))
            return redirect(disposal)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "notes/disposal_new.html",
        {
            "client": client,
            "form": form,
            "retention": services.retention_for(client),
            "open_disposal": client.disposals.filter(status=RecordDisposal.Status.REQUESTED).first(),
        },
        status=status,
    )


@role_required(CLINIC_ADMIN)
@require_safe
def disposal_detail(request, public_id):
    disposal = _get_disposal(public_id)
    return render(
        request,
        "notes/disposal_detail.html",
        {
            "disposal": disposal,
            "client": disposal.client,
            "retention": services.retention_for(disposal.client) if disposal.is_open else None,
            "may_approve": disposal.is_open and disposal.requested_by_id != request.user.pk,
            "second_factor_passed": request.user.is_verified(),
        },
    )


@role_required(CLINIC_ADMIN)
@require_POST
def disposal_approve(request, public_id):
    disposal = _get_disposal(public_id)
    if disposal.is_open and disposal.requested_by_id != request.user.pk and not request.user.is_verified():
        # Whatever the clinic's rule for the admin pages: approving a disposal always needs the second factor.
        messages.error(request, _("Approving a disposal needs your second factor: enter your authenticator's code."))
        return redirect_for_second_factor(request, disposal.get_absolute_url())
    try:
        disposal = services.approve_disposal(disposal=disposal, by=request.user)
    except services.DisposalRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The clinical record was disposed of; the client is anonymised and archived."))
    return redirect(disposal)


@role_required(CLINIC_ADMIN)
@require_POST
def disposal_cancel(request, public_id):
    disposal = _get_disposal(public_id)
    try:
        services.cancel_disposal(disposal=disposal, by=request.user)
    except services.DisposalRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.info(request, _("Disposal request cancelled: the record is kept."))
    return redirect(disposal)
