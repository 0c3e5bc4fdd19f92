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
from intake import access, health_history, labels, services
from intake.abdominal_status import status_today
from intake.clearance_forms import ClearanceForm
from intake.forms import (
    AssessmentForm,
    ClinicalJudgementForm,
    ComplaintForm,
    ComplaintFormSet,
    HealthCheckForm,
    IntakeForm,
)
from intake.health_history_forms import HealthHistoryForms
from intake.models import Screening, current_judgement
from intake.screening import ScreeningInputError, validate

COMPLAINT_FIELD = re.compile(r"^complaints\[(\d+)\]\.(\w+)$")
ENGINE_TO_FORM = {"nprs": "pain_now"}


def _engine_check(client, form: IntakeForm, formset: ComplaintFormSet, fields: dict) -> bool:
    """Run the engine's own input check on what the forms accepted, and put any error next to its field."""
    complaints = formset.complaints()
    answers = {
        "age": client.age_on(timezone.localdate()),
        "complaints": [{"region": c["region"], "side": c["side"], "nprs": c["pain_now"]} for c in complaints],
        "aggravating": form.cleaned_data["aggravating"],
        "history": fields["history"],
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


def _intake_fields(form: IntakeForm, formset: ComplaintFormSet, health: HealthHistoryForms) -> dict:
    """What the service records; the screening's answers and the health history made consistent (a "yes" in
    either wins: intake/health_history.py), with `implied`, the screening questions the health history answered."""
    history, structured, implied = health_history.reconcile(form.history(), health.value())
    return {
        "complaints": formset.complaints(),
        "sex": form.cleaned_data["sex"],
        "aggravating": form.cleaned_data["aggravating"],
        "history": history,
        "red_flags": form.red_flags(),
        "health_history": structured,
        "notes": form.cleaned_data["notes"],
        "implied": implied,
    }


def _save_intake(request, client, form, formset, health, save) -> bool:
    """Validate every form (each error beside its field), then save through `save(**fields)`."""
    if not all([form.is_valid(), formset.is_valid(), health.is_valid()]):
        return False
    fields = _intake_fields(form, formset, health)
    if not _engine_check(client, form, formset, fields):
        return False
    implied = fields.pop("implied")
    save(**fields)
    if implied:
        questions = "; ".join(
            str(labels.HISTORY_FLAGS.get(key) or labels.HISTORY_CHOICES.get(key, (key,))[0]) for key in implied
        )
        messages.info(request, _("Answered yes from the health history: %(questions)s") % {"questions": questions})
    return True


def _render_form(request, client, form, formset, health, intake=None, status=200):
    return render(
        request,
        "intake/intake_form.html",
        {"client": client, "form": form, "formset": formset, "health": health, "intake": intake},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def intake_new(request, public_id):
    client = access.get_client_for_intake(request.user, public_id)
    if refused := refuse_if_archived(request, client, doing=_("taking a new intake")):
        return refused
    if request.method == "POST":
        form, formset = IntakeForm(request.POST), ComplaintFormSet(request.POST, prefix="complaints")
        health = HealthHistoryForms(request.POST)
        saved = []

        def save(**fields):
            saved.append(services.record_intake(client=client, taken_by=request.user, **fields))

        if _save_intake(request, client, form, formset, health, save):
            messages.success(request, _("Intake saved and screened."), extra_tags="draft-saved")
            return redirect(saved[0])
        messages.error(request, _("Some answers need attention: see the messages next to them. Nothing was saved."))
    else:
        form, formset, health = IntakeForm(), ComplaintFormSet(prefix="complaints"), HealthHistoryForms()
    return _render_form(request, client, form, formset, health)


@require_http_methods(["GET", "HEAD", "POST"])
def intake_edit(request, public_id):
    intake = access.get_intake_for(request.user, public_id)
    client = intake.client
    if request.method == "POST":
        form, formset = IntakeForm(request.POST), ComplaintFormSet(request.POST, prefix="complaints")
        health = HealthHistoryForms(request.POST)

        def save(**fields):
            services.update_intake(intake=intake, by=request.user, **fields)

        if _save_intake(request, client, form, formset, health, save):
            messages.success(request, _("Intake updated and screened again."), extra_tags="draft-saved")
            return redirect(intake)
        messages.error(request, _("Some answers need attention: see the messages next to them. Nothing was saved."))
    else:
        record_view(intake)
        form = IntakeForm(initial=IntakeForm.initial_from(intake))
        formset = ComplaintFormSet(
            prefix="complaints", initial=[ComplaintForm.initial_from(c) for c in intake.complaints.current()]
        )
        health = HealthHistoryForms(initial=HealthHistoryForms.initial_from(intake))
    return _render_form(request, client, form, formset, health, intake=intake)


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
    # Judgements are part of the full screening: read only by those who see it.
    judgements = []
    if full and latest is not None and client.last_judgement_at is not None:  # only for a client ever judged
        # Through the client's related manager: each names the client, not read again for the audit entry.
        judgements = list(client.clinical_judgements.for_intake(intake))
    standing = current_judgement(latest, judgements)
    record_views([intake, latest, *clearances, *judgements])
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
            "health_history": health_history.describe(intake.health_history),
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
            "judgement": standing,
            "judgements": judgements,
            # Filled in by the client on their own forms, then accepted by a staff member: said so, not "taken by".
            "from_client": getattr(intake, "client_submission", None),
            "may_judge": latest is not None
            and latest.screened_at == client.screened_at  # the client's latest screening (their summary's)
            and access.may_judge(request.user, client),
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


@require_http_methods(["GET", "HEAD", "POST"])
def judgement_new(request, public_id):
    """A care-team therapist's clinical judgement that differs from the iliopsoas flag of the client's latest
    screening. Only the iliopsoas flag: a contraindication or a referral has no such form, and the service refuses
    one posted by hand."""
    judged = access.get_screening_to_judge(request.user, public_id)
    client = judged.intake.client
    if refused := refuse_if_archived(request, client, doing=_("recording a clinical judgement")):
        return refused
    other = "not_indicated" if judged.iliopsoas == "consider" else "consider"
    form = ClinicalJudgementForm(request.POST or None, initial={"judgement": other})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_clinical_judgement(
                screening_result=judged,
                by=request.user,
                judgement=form.cleaned_data["judgement"],
                reason=form.cleaned_data["reason"],
                output=request.POST.get("output", "iliopsoas"),
            )
        except services.JudgementRefused as refusal:
            form.add_error(None, refusal.reason)
        else:
            messages.success(request, _("Clinical judgement recorded beside the screening."))
            return redirect(judged.intake)
    elif request.method != "POST":
        record_view(judged)
    return render(
        request,
        "intake/judgement_form.html",
        {
            "client": client,
            "intake": judged.intake,
            "latest": judged,
            "form": form,
            "judgement_label": labels.JUDGEMENTS[other],
        },
    )
