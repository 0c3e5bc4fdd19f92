"""Adverse effects after treatment: on the draft by its therapist, or reported later against the signed session by
a therapist of the client's care team (beside the note, never an edit of it)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clinic.audit import record_view
from clinic.guards import refuse_if_archived
from notes import access, course_services
from notes.course_forms import AdverseEffectForm


@require_http_methods(["GET", "HEAD", "POST"])
def adverse_effect_new(request, public_id):
    session = access.get_session_for_adverse_effect(request.user, public_id)
    if refused := refuse_if_archived(request, session.client, doing=_("recording an adverse effect")):
        return refused
    form = AdverseEffectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        course_services.record_adverse_effect(session=session, by=request.user, **form.cleaned_data)
        messages.success(request, _("Adverse effect recorded."), extra_tags="draft-saved")
        return redirect(f"{session.get_absolute_url()}#adverse-effects-heading")
    record_view(session)
    return render(
        request, "notes/adverse_effect_form.html", {"session": session, "client": session.client, "form": form}
    )
