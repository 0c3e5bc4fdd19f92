"""Recording and reading the validated questionnaires (intake/questionnaires.py): one instrument at a time, for
whoever may take the client's intake (front desk, the care team's therapists, clinic admins)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from clinic.audit import reads_audited_together, record_view, record_views
from clinic.guards import refuse_if_archived
from intake import access, questionnaires, services
from intake.models import QuestionnaireResponse
from intake.questionnaire_forms import StaffQuestionnaireForm
from intake.questionnaire_instruments import INSTRUMENTS, PSFS

LISTED = 20  # the client's latest questionnaires shown beside the form


def _psfs_activities(client) -> list[str]:
    """The activities of the client's latest PSFS: re-rated at later visits, so the form starts with them."""
    latest = QuestionnaireResponse.objects.for_client(client).filter(instrument=PSFS).newest_first()
    latest = latest.only("answers").first()
    if latest is None:
        return []
    return [activity["name"] for activity in latest.answers.get("activities", [])]


@require_http_methods(["GET", "HEAD", "POST"])
@reads_audited_together
def questionnaire_new(request, public_id):
    """Without `?instrument=`: the choice of questionnaire and the client's latest; with it, that one's form."""
    client = access.get_client_for_intake(request.user, public_id)
    if refused := refuse_if_archived(request, client, doing=_("recording a questionnaire")):
        return refused
    code = request.POST.get("instrument") if request.method == "POST" else request.GET.get("instrument")
    if not code:
        # Read through the client's related manager: each names the client, not read again for the audit entry.
        recent = list(client.questionnaire_responses.select_related("recorded_by").newest_first()[:LISTED])
        record_views(recent)
        return render(
            request,
            "intake/questionnaire_choose.html",
            {"client": client, "instruments": INSTRUMENTS.values(), "recent": recent},
        )
    instrument = INSTRUMENTS.get(code)
    if instrument is None:
        raise Http404
    activities = _psfs_activities(client) if code == PSFS and request.method != "POST" else None
    form = StaffQuestionnaireForm(
        request.POST or None, instrument=instrument, activities=activities, born=client.date_of_birth
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                response = services.record_questionnaire(
                    client=client,
                    by=request.user,
                    instrument=code,
                    answers=form.answers(),
                    taken_at=form.cleaned_data["answered_at"],
                )
            except questionnaires.QuestionnaireInputError as error:  # the form checks first: a last line of defence
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("%(name)s recorded: %(score)s.") % {"name": instrument.short_name, "score": response.summary},
                )
                return redirect(response)
        messages.error(request, _("Some answers need attention: see the messages next to them. Nothing was saved."))
    return render(
        request,
        "intake/questionnaire_form.html",
        {"client": client, "instrument": instrument, "form": form},
    )


@require_safe
@reads_audited_together
def questionnaire_detail(request, public_id):
    response = access.get_questionnaire_to_read(request.user, public_id)
    record_view(response)
    return render(
        request,
        "intake/questionnaire_detail.html",
        {
            "client": response.client,
            "response": response,
            "instrument": response.definition,
            "rows": response.answer_rows(),
            "summary": response.summary,
        },
    )
