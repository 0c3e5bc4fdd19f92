"""A client's treatment plan: written by a therapist of the care team, each change a new version."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clinic.audit import record_views
from clinic.guards import refuse_if_archived
from notes import access, course_services
from notes.course_forms import TreatmentPlanForm
from notes.models import TreatmentPlan


@require_http_methods(["GET", "HEAD", "POST"])
def treatment_plan(request, public_id):
    client = access.get_client_for_plan(request.user, public_id)
    if refused := refuse_if_archived(request, client, doing=_("writing a treatment plan")):
        return refused
    versions = list(TreatmentPlan.objects.filter(client=client).select_related("written_by").order_by("-id")[:20])
    current = versions[0] if versions else None
    initial = {name: getattr(current, name) for name in TreatmentPlanForm.Meta.fields} if current else None
    form = TreatmentPlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        course_services.write_treatment_plan(client=client, by=request.user, **form.plan())
        messages.success(request, _("Treatment plan saved."), extra_tags="draft-saved")
        return redirect(client)
    record_views(versions)
    return render(
        request,
        "notes/treatment_plan_form.html",
        {"client": client, "form": form, "versions": versions, "today": timezone.localdate()},
    )
