"""Recording consent (at the desk or handed over to the client), reading it, and withdrawing it."""

import base64

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clinic import handover as tablet
from clinic.audit import record_view, record_views
from clinic.guards import refuse_if_archived
from intake.abdominal_status import status_today
from intake.access import sees_full_screening
from intake.models import Screening
from notes import access, consent_services
from notes.consent_forms import ConsentForm, WithdrawConsentForm
from notes.models import ConsentKind, ConsentText, SensitiveArea

PNG_PREFIX = "data:image/png;base64,"
CONSENT_SIGNER_FIELDS = (
    "signed_by",
    "sdm_name",
    "sdm_relationship",
    "sdm_authority",
    "client_assent",
    "client_assent_note",
)


def _kind(value: str | None) -> str:
    return value if value in ConsentKind.values else ConsentKind.ABDOMINAL


def _consent_page(request, client, kind, *, handover: bool, form=None, status=200):
    text = ConsentText.objects.current(kind)
    form = form or ConsentForm(
        client=client, current_text=text, initial={"kind": kind, "text_version": text.version if text else None}
    )
    return render(
        request,
        "notes/consent_form.html",
        {
            "client": client,
            "kind": kind,
            "text": text,
            "form": form,
            "handover": handover,
            "kinds": ConsentKind,
            "rules": province_rules(),
            "blocked": None if handover or kind != ConsentKind.ABDOMINAL else _abdominal_work_blocked(request, client),
        },
        status=status,
    )


def province_rules() -> dict:
    """The province's sensitive-area rules (settings.CONSENT_PROVINCE_RULES), as labels to show beside the areas."""
    rules = settings.CONSENT_PROVINCE_RULES.get(settings.CONSENT_PROVINCE, {})
    labels = dict(SensitiveArea.choices)
    return {
        "name": rules.get("name", settings.CONSENT_PROVINCE),
        **{
            key: [labels[code] for code in rules.get(key, [])]
            for key in (
                "written_each_visit",
                "written_once_verbal_each_visit",
                "verbal_documented_each_visit",
                "clinic_policy_written_each_visit",
            )
        },
    }


def _abdominal_work_blocked(request, client) -> dict | None:
    """What the staff member recording an abdominal consent is told first when the screening does not allow the
    work (contraindicated, or a referral not cleared for it): they may still record it, the gate still blocks."""
    latest = Screening.objects.latest_for_client(client)
    clearances = list(latest.intake.clearances.all()) if latest is not None and latest.refer else []
    status = status_today(latest, clearances)
    if status is None or status.allowed:
        return None
    record_views([latest, *clearances])
    full = sees_full_screening(request.user, client)
    if status.contraindications:
        why = _("a health answer makes abdominal work contraindicated")
    else:
        why = _("the client is referred to a physician, and no clearance in force includes abdominal work")
    return {"line": status.line if full else status.summary, "why": why}


def _record_from_post(request, client, *, handover: bool):
    kind = _kind(request.POST.get("kind"))
    text = ConsentText.objects.current(kind)
    form = ConsentForm(request.POST, client=client, current_text=text)
    if not form.is_valid():
        return None, _consent_page(request, client, kind, handover=handover, form=form)
    consent = consent_services.record_consent(
        client=client,
        kind=kind,
        text=text,
        signed_name=form.cleaned_data["signed_name"],
        signature_drawing=form.cleaned_data["signature_drawing"],
        collected_by=request.user,
        areas=form.agreed_areas,
        support_person_offered=form.cleaned_data["support_person_offered"] == "yes",
        support_person_present=form.cleaned_data["support_person_present"],
        **{name: form.cleaned_data[name] for name in CONSENT_SIGNER_FIELDS},
    )
    return consent, None


@require_http_methods(["GET", "HEAD", "POST"])
def consent_new(request, public_id):
    client = access.get_client_for_consent(request.user, public_id)
    if refused := refuse_if_archived(request, client, doing=_("recording a consent")):
        return refused
    if request.method == "POST":
        consent, page = _record_from_post(request, client, handover=False)
        if page is not None:
            return page
        messages.success(request, _("Consent recorded."))
        return redirect(consent)
    return _consent_page(request, client, _kind(request.GET.get("kind")), handover=False)


@require_POST
def handover_start(request, public_id):
    """Hand the tablet to the client (clinic/handover.py): until the staff password is typed, only the consent page
    is reachable."""
    client = access.get_client_for_consent(request.user, public_id)
    tablet.start(
        request,
        page="notes:handover",
        return_to=client.get_absolute_url(),
        exit_message=_("Hand-over ended without a signature."),
        client=str(client.public_id),
        kind=_kind(request.POST.get("kind")),
    )
    return redirect("notes:handover")


@require_http_methods(["GET", "HEAD", "POST"])
def handover(request):
    state = tablet.current(request)
    if not state or state.get("page") != "notes:handover":
        return redirect("clinic:home")
    client = access.get_client_for_consent(request.user, state["client"])
    if state.get("signed"):
        return render(request, "notes/handover_done.html", {"client": client})
    if request.method == "POST":
        consent, page = _record_from_post(request, client, handover=True)
        if page is not None:
            return page
        tablet.update(
            request,
            signed=str(consent.public_id),
            return_to=consent.get_absolute_url(),
            exit_message=_("The client signed the consent."),
        )
        return redirect("notes:handover")
    return _consent_page(request, client, state["kind"], handover=True)


@require_safe
def consent_detail(request, public_id):
    consent = access.get_consent_to_read(request.user, public_id)
    record_view(consent)
    current = ConsentText.objects.current(consent.kind)
    return render(
        request,
        "notes/consent_detail.html",
        {
            "consent": consent,
            "client": consent.client,
            "is_current_version": current is not None and current.pk == consent.text_id,
            "withdraw_form": WithdrawConsentForm(),
            "may_withdraw": access.may_record_consent_for(request.user, consent.client),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def consent_withdraw(request, public_id):
    consent = access.get_consent_for(request.user, public_id)
    form = WithdrawConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not consent.is_active:
            messages.info(request, _("This consent was already withdrawn."))
        else:
            consent_services.withdraw_consent(consent=consent, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Consent withdrawn. It stays in the record, marked withdrawn."))
        return redirect(consent)
    record_view(consent)
    return render(request, "notes/consent_withdraw.html", {"consent": consent, "client": consent.client, "form": form})


@require_safe
def consent_signature(request, public_id):
    """The drawn signature of a consent, as a PNG of its own: read like the consent itself, and audited."""
    consent = access.get_consent_to_read(request.user, public_id)
    drawing = consent.signature_drawing
    if not drawing.startswith(PNG_PREFIX):
        raise Http404
    record_view(consent)
    response = HttpResponse(base64.b64decode(drawing[len(PNG_PREFIX) :]), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response
