import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clinic import local_time
from clinic.audit import reads_audited_together, record_view, record_views
from clinic.guards import refuse_if_archived
from intake import access, labels, services
from intake.abdominal_status import status_today
from intake.forms import AssessmentForm, ClearanceForm, ComplaintForm, ComplaintFormSet, HealthCheckForm, IntakeForm
from intake.models import Screening
from intake.screening import ScreeningInputError, validate

COMPLAINT_FIELD = re.compile(r"^complaints\[(\d+)\]\.(\w+)$")
ENGINE_TO_FORM = {"nprs": "pain_now"}


def _engine_check(client, form: IntakeForm, formset: ComplaintFormSet) -> bool:
    """Run the engine's own input check on what the forms accepted, and put any error next to its field."""
    complaints = formset.complaints()
    answers = {
        "age": client.age_on(timezone.localdate()),
        "complaints": [{"region": c["region"], "side": c["side"], "nprs": c["pain_now"]} for c in complaints],
        "aggravating": form.cleaned_data["aggravating"],
        "history": form.history(),
        "red_flags": form.red_flags(),
    }
    try:
        validate(answers)
    except ScreeningInputError as error:
        match = COMPLAINT_FIELD.match(error.field)
        if match:
            index, name = int(match[1]), ENGINE_TO_FORM.get(match[2], match[2])
            filled = [f for f in formset.forms if f.cleaned_data]
            filled[index].add_error(name if name in filled[index].fields else None, error.message)
        else:
            name = error.field.split(".")[-1].split("[")[0]
            form.add_error(name if name in form.fields else None, error.message)
        return False
    return True


def _intake_fields(form: IntakeForm, formset: ComplaintFormSet) -> dict:
    return {
        "complaints": formset.complaints(),
        "sex": form.cleaned_data["sex"],
        "aggravating": form.cleaned_data["aggravating"],
        "history": form.history(),
        "red_flags": form.red_flags(),
        "notes": form.cleaned_data["notes"],
    }


def _render_form(request, client, form, formset, intake=None, status=200):
    return render(
        request,
        "intake/intake_form.html",
        {"client": client, "form": form, "formset": formset, "intake": intake},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def intake_new(request, public_id):
    client = access.get_client_for_intake(request.user, public_id)
    if refused := refuse_if_archived(request, client, doing=_("taking a new intake")):
        return refused
    if request.method == "POST":
        form, formset = IntakeForm(request.POST), ComplaintFormSet(request.POST, prefix="complaints")
        if form.is_valid() and formset.is_valid() and _engine_check(client, form, formset):
            intake = services.record_intake(client=client, taken_by=request.user, **_intake_fields(form, formset))
            messages.success(request, _("Intake saved and screened."), extra_tags="draft-saved")
            return redirect(intake)
        messages.error(request, _("Some answers need attention: see the messages next to them. Nothing was saved."))
    else:
        form, formset = IntakeForm(), ComplaintFormSet(prefix="complaints")
    return _render_form(request, client, form, formset)


@require_http_methods(["GET", "HEAD", "POST"])
def intake_edit(request, public_id):
    intake = access.get_intake_for(request.user, public_id)
    client = intake.client
    if request.method == "POST":
        form, formset = IntakeForm(request.POST), ComplaintFormSet(request.POST, prefix="complaints")
        if form.is_valid() and formset.is_valid() and _engine_check(client, form, formset):
            services.update_intake(intake=intake, by=request.user, **_intake_fields(form, formset))
            messages.success(request, _("Intake updated and screened again."), extra_tags="draft-saved")
            return redirect(intake)
        messages.error(request, _("Some answers need attention: see the messages next to them. Nothing was saved."))
    else:
        record_view(intake)
        form = IntakeForm(initial=IntakeForm.initial_from(intake))
        formset = ComplaintFormSet(
            prefix="complaints", initial=[ComplaintForm.initial_from(c) for c in intake.complaints.current()]
        )
    return _render_form(request, client, form, formset, intake=intake)


@require_safe
@reads_audited_together
def intake_detail(request, public_id):
    intake = access.get_intake_to_read(request.user, public_id)
    client = intake.client
    screenings = list(intake.screenings.newest_first().select_related("screened_by", "health_check"))
    latest = screenings[0] if screenings else None
    full = access.sees_full_screening(request.user, client)
    # A clearance answers a referral: one is recorded only while a screening of the intake refers (clearance_new),
    # and screenings are never changed or removed. No screening ever referred: no clearance to read.
    referred = any(screening.refer for screening in screenings)
    clearances = list(intake.clearances.select_related("recorded_by")) if referred else []
    record_views([intake, latest, *clearances])
    return render(
        request,
        "intake/intake_detail.html",
        {
            "client": client,
            "intake": intake,
            "complaints": intake.complaints.current(),
            "aggravating_labels": labels.describe_aggravating(intake.aggravating),
            "yes_answers": labels.describe_health(intake.history, intake.red_flags),
            "every_answer": labels.describe_every_answer(intake.history, intake.red_flags),
            "test_results": labels.describe_tests(intake.tests),
            "latest": latest,
            "earlier": screenings[1:] if full else [],
            "full": full,
            "may_edit": access.may_take_intake(request.user, client),
            "status": status_today(latest, clearances),
            "clearances": clearances,
            "assessment_form": AssessmentForm(initial=AssessmentForm.initial_from(intake))
            if access.may_assess(request.user, client)
            else None,
            "may_record_clearance": latest is not None
            and latest.refer
            and access.may_record_clearance(request.user, client),
        },
    )


@require_POST
def intake_assess(request, public_id):
    intake = access.get_intake_for(request.user, public_id)
    if not access.may_assess(request.user, intake.client):
        raise PermissionDenied
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The assessment was not saved: choose one result for each test."))
        return redirect(intake)
    services.record_assessment(intake=intake, by=request.user, tests=form.tests())
    messages.success(request, _("Assessment saved; the screening was run again."))
    return redirect(intake)


@require_http_methods(["GET", "HEAD", "POST"])
def clearance_new(request, public_id):
    intake = access.get_intake_for(request.user, public_id)
    if not access.may_record_clearance(request.user, intake.client):
        raise PermissionDenied
    latest = Screening.objects.latest_for_intake(intake)
    if latest is None or not latest.refer:
        messages.info(request, _("This intake's screening does not refer the client, so there is nothing to clear."))
        return redirect(intake)
    form = ClearanceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.record_clearance(
            intake=intake,
            by=request.user,
            letter_content_type=form.letter_content_type,
            **form.cleaned_data,
        )
        messages.success(request, _("Physician clearance recorded."))
        return redirect(intake)
    return render(request, "intake/clearance_form.html", {"intake": intake, "client": intake.client, "form": form})


@require_safe
def clearance_letter(request, public_id):
    clearance = access.get_clearance_for(request.user, public_id)
    if not clearance.letter:
        raise Http404
    record_view(clearance)
    extension = clearance.letter.name.rsplit(".", 1)[-1]
    return FileResponse(
        clearance.letter.open("rb"),
        content_type=clearance.letter_content_type,
        as_attachment=False,
        filename=f"clearance-{local_time.day(clearance.cleared_on)}.{extension}",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def health_check_new(request, public_id):
    """The visit's health check, for the front desk when the client arrives or the therapist at the session's start.
    `next`: where to go back to (the session page)."""
    client = access.get_client_for_intake(request.user, public_id)
    if refused := refuse_if_archived(request, client, doing=_("recording a health check")):
        return refused
    latest = Screening.objects.filter(intake__client=client).newest_first().only("answers").first()
    chart = latest.answers if latest is not None else {}
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    no_change = request.method == "POST" and "no_change" in request.POST
    form = HealthCheckForm(request.POST or None, chart=chart, no_change=no_change)
    if request.method == "POST":
        if form.is_valid():
            check = services.record_health_check(client=client, by=request.user, **form.answers())
            if check.screenings.exists():
                messages.warning(request, _("Health check recorded. An answer changed: the client was screened again."))
            else:
                messages.success(request, _("Health check recorded: nothing changed on the chart."))
            return redirect(back or client)
        messages.error(request, _("Some answers need attention: see the messages next to them. Nothing was saved."))
    return render(
        request,
        "intake/health_check_form.html",
        {
            "client": client,
            "form": form,
            "next": back,
            "today": services.todays_health_check(client),
            "chart_yes": labels.describe_health(chart.get("history", {}), chart.get("red_flags", {})),
        },
    )
