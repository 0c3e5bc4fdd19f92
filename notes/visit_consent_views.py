"""The client's word on each sensitive area at this visit: the tablet handed over for their initials, and the
therapist's record of an agreement out loud where the rules allow it. Only the session's own therapist, on a draft."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clinic import handover as tablet
from clinic.audit import record_views
from clinic.guards import refuse_if_archived, refuse_unless
from notes import access, services
from notes.models import AreaConfirmation, SensitiveArea
from notes.visit_consent import AreaNotConsented, InitialsNeeded, areas_today, confirm_areas
from notes.visit_consent_forms import AreasTodayForm, VerbalAgreementForm

PAGE = "notes:areas-handover"


def _refused(request, session):
    return refuse_unless(
        request, session, allowed=not session.is_signed, message=_("This session is signed: nothing can be added.")
    ) or refuse_if_archived(request, session.client, doing=_("recording the client's word on an area"))


@require_POST
def areas_handover_start(request, public_id):
    """Hand the tablet to the client (clinic/handover.py): until the staff password is typed, only their areas'
    page is reachable."""
    session = access.get_own_session_for(request.user, public_id)
    if refused := _refused(request, session):
        return refused
    tablet.start(
        request,
        page=PAGE,
        return_to=session.get_absolute_url(),
        exit_message=_("Hand-over ended: nothing was recorded."),
        session=str(session.public_id),
    )
    return redirect(PAGE)


@require_http_methods(["GET", "HEAD", "POST"])
def areas_handover(request):
    state = tablet.current(request)
    if not state or state.get("page") != PAGE:
        return redirect("clinic:home")
    session = access.get_own_session_for(request.user, state["session"])
    if state.get("done"):
        return render(
            request,
            "notes/handover_done.html",
            {"client": session.client, "done": _("Thank you: your answer for each area is recorded.")},
        )
    areas = areas_today(session)
    record_views([area.consent for area in areas if area.consent])
    form = AreasTodayForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        try:
            confirm_areas(session=session, by=request.user, answers=form.answers())
        except services.SessionSigned:
            form.add_error(None, _("This session was signed meanwhile: nothing was recorded. Hand the tablet back."))
        except AreaNotConsented:
            form.add_error(None, _("A consent changed meanwhile: nothing was recorded. Hand the tablet back."))
        else:
            tablet.update(request, done=True, exit_message=_("The client's answer for each area is recorded."))
            return redirect(PAGE)
    return render(
        request, "notes/areas_today_handover.html", {"session": session, "client": session.client, "form": form}
    )


@require_POST
def areas_verbal(request, public_id):
    session = access.get_own_session_for(request.user, public_id)
    if refused := _refused(request, session):
        return refused
    form = VerbalAgreementForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the area the client agreed to out loud."))
        return redirect(session)
    area = form.cleaned_data["area"]
    label = SensitiveArea(area).label
    answer = {"area": area, "agreed": True, "method": AreaConfirmation.Method.VERBAL}
    try:
        confirm_areas(session=session, by=request.user, answers=[answer])
    except services.SessionSigned:
        messages.info(request, _("This session is signed: nothing can be added."))
    except AreaNotConsented:
        messages.error(request, _("No consent in force names %(area)s: it cannot be treated.") % {"area": label})
    except InitialsNeeded:
        messages.error(
            request, _("%(area)s needs the client's initials at each visit: hand them the tablet.") % {"area": label}
        )
    else:
        messages.success(request, _("Recorded: the client agreed out loud to %(area)s today.") % {"area": label})
    return redirect(session)
