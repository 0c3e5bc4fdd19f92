"""The client's own forms: staff make a link (or hand a tablet over), the client fills the forms in, and staff
review what arrived beside the chart, then accept or decline it.

The public page (/f/<token>/) needs no sign-in and shows nothing of the chart: a token unknown, expired or used
answers the same page, and every attempt counts against two limits, per address and per link (django-ratelimit,
counted in the database cache every app server shares)."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from clinic import handover as tablet
from clinic import panels
from clinic.audit import AuditMiddleware, record_view, record_views
from clinic.guards import refuse_if_archived
from clinic.models import ClientDisposed
from intake import access, client_form_services, health_history, labels, questionnaire_instruments, questionnaires
from intake.client_form_forms import ClientForms, DeclineForm, LinkForm
from intake.client_form_models import TOKEN_BYTES, hash_token
from intake.models import ClientLink, Screening

# A token is 22 characters; anything much longer is not one (and is not looked up).
MAX_TOKEN_LENGTH = 4 * TOKEN_BYTES


def _address(group, request) -> str:
    return AuditMiddleware._get_remote_addr(request) or ""


def _address_limited(request, *, count: bool) -> bool:
    """Has this address spent its failed attempts? `count`: this request is one more (a link that opens nothing)."""
    return is_ratelimited(
        request,
        group="client-form-address",
        key=_address,
        rate=settings.CLIENT_FORM_RATE_PER_ADDRESS,
        increment=count,
    )


def _link_limited(request, token: str) -> bool:
    """Count one more sending of this link's forms; True once it has had its share, from whatever address."""
    return is_ratelimited(
        request,
        group="client-form-link",
        key=lambda group, request: hash_token(token),
        rate=settings.CLIENT_FORM_RATE_PER_LINK,
        increment=True,
    )


def _forms_page(request, link, *, forms, action: str, handover: bool, status=200):
    return render(
        request,
        "intake/client_form.html",
        {
            "link": link,
            "contact": forms.contact,
            "form": forms.form,
            "formset": forms.formset,
            "health": forms.health,
            "action": action,
            "handover": handover,
            "questionnaires": forms.questionnaires,
            "reading": panels.gather("client_form_panels", request, client=link.client),
        },
        status=status,
    )


def _fill_in(request, link, *, action: str, handover: bool):
    """The forms for one usable link: shown (the opening audited), or sent (kept as a submission) and True."""
    if request.method != "POST":
        record_view(link)
        forms = ClientForms(instruments=link.instruments)
        return _forms_page(request, link, forms=forms, action=action, handover=handover), None
    forms = ClientForms(request.POST, instruments=link.instruments)
    if not forms.is_valid(link.client):
        messages.error(request, _("Some answers need attention: see the messages next to them. Nothing was sent."))
        return _forms_page(request, link, forms=forms, action=action, handover=handover), None
    return None, client_form_services.submit(link=link, data=forms.data())


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def client_form(request, token):
    """The client's forms. Like django-axes for sign-ins, what counts is failure: a link that opens nothing (unknown,
    expired or used: one answer for all three) is an attempt against the address's limit, and an address past it is
    refused even the right link; each sending of a link's forms counts against that link's limit."""
    link = ClientLink.objects.find(token) if len(token) <= MAX_TOKEN_LENGTH else None
    usable = link is not None and link.is_usable
    limited = _address_limited(request, count=not usable) or (
        usable and request.method == "POST" and _link_limited(request, token)
    )
    if limited:
        return render(request, "intake/client_form_unavailable.html", {"too_many": True}, status=429)
    if not usable:
        return render(request, "intake/client_form_unavailable.html", status=404)
    try:
        page, _submission = _fill_in(request, link, action=request.path, handover=False)
    except client_form_services.LinkUnusable:  # used by another sending a moment ago
        return render(request, "intake/client_form_unavailable.html", status=404)
    return page or redirect("intake:client-form-sent")


@login_not_required
@require_safe
def client_form_sent(request):
    return render(request, "intake/client_form_sent.html")


# -- Staff: the link, the tablet ----------------------------------------------------------------------------------


def _qr_code(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=5, dark="#000", light="#fff", title=_("QR code of the link"))
    return mark_safe(svg)  # noqa: S308 (segno escapes the title and draws only paths)  # nosec B308 B703


@require_http_methods(["GET", "HEAD", "POST"])
def link_new(request, public_id):
    """Make a link for the client's forms: shown once (QR code, address to copy, printable), e-mailed if asked."""
    client = access.get_client_for_intake(request.user, public_id)
    if refused := refuse_if_archived(request, client, doing=_("sending the client their forms")):
        return refused
    form = LinkForm(request.POST if request.method == "POST" else None, initial={"email": client.email})
    if request.method != "POST" or not form.is_valid():
        return render(
            request,
            "intake/link_new.html",
            {"client": client, "form": form, "link_days": settings.CLIENT_FORM_LINK_DAYS},
        )
    link, token = client_form_services.create_link(
        client=client, by=request.user, instruments=form.cleaned_data.get("instruments", [])
    )
    url = request.build_absolute_uri(reverse("intake:client-form", kwargs={"token": token}))
    emailed = None
    if form.cleaned_data.get("email"):
        try:
            client_form_services.email_link(link=link, url=url, to=form.cleaned_data["email"])
            emailed = True
        except client_form_services.LinkNotSent:
            emailed = False
    return render(
        request,
        "intake/link_created.html",
        {"client": client, "link": link, "url": url, "qr_code": _qr_code(url), "emailed": emailed},
    )


@require_POST
def forms_handover_start(request, public_id):
    """Hand a clinic tablet to the client for their forms (clinic/handover.py): nothing else is reachable until the
    staff member's password is typed. A link of its own, never shown, is what the client sends through."""
    client = access.get_client_for_intake(request.user, public_id)
    if refused := refuse_if_archived(request, client, doing=_("handing the client their forms")):
        return refused
    link, _token = client_form_services.create_link(client=client, by=request.user, via=ClientLink.Via.TABLET)
    tablet.start(
        request,
        page="intake:forms-handover",
        return_to=client.get_absolute_url(),
        exit_message=_("Hand-over ended: the client did not send their forms."),
        link=str(link.public_id),
    )
    return redirect("intake:forms-handover")


@require_http_methods(["GET", "HEAD", "POST"])
def forms_handover(request):
    state = tablet.current(request)
    if not state or state.get("page") != "intake:forms-handover":
        return redirect("clinic:home")
    link = ClientLink.objects.select_related("client").filter(public_id=state["link"]).first()
    if link is None:  # gone with the record's disposal since: the tablet shows the end of the hand-over
        return render(request, "intake/client_form_sent.html", {"handover": True, "gone": True})
    access.get_client_for_intake(request.user, link.client.public_id)  # still allowed to hand it over
    if state.get("sent") or not link.is_usable:
        return render(request, "intake/client_form_sent.html", {"handover": True})
    try:
        page, submission = _fill_in(request, link, action=request.path, handover=True)
    except client_form_services.LinkUnusable:
        return redirect("intake:forms-handover")
    if page is not None:
        return page
    tablet.update(
        request,
        sent=True,
        return_to=submission.get_absolute_url(),
        exit_message=_("The client sent their forms: review them below before they join the chart."),
    )
    return redirect("intake:forms-handover")


# -- Staff: reviewing what arrived ---------------------------------------------------------------------------------


def _contact_rows(client, contact: dict) -> list[dict]:
    rows = []
    for name in client_form_services.CONTACT_FIELDS:
        sent = (contact.get(name) or "").strip()
        current = getattr(client, name)
        rows.append(
            {
                "label": client._meta.get_field(name).verbose_name.capitalize(),
                "current": current,
                "sent": sent,
                "changes": bool(sent) and sent != current,
            }
        )
    return rows


def _answer_rows(current_answers: dict | None, sent: dict) -> list[dict]:
    """Every health and warning-sign question: the chart's answer beside the client's."""
    now = {}
    if current_answers is not None:
        for _group, name, _q, _stored, answer, _notable in labels.every_answer(
            current_answers.get("history", {}), current_answers.get("red_flags", {})
        ):
            now[name] = answer
    rows = []
    for group, name, question, _stored, answer, notable in labels.every_answer(
        sent.get("history", {}), sent.get("red_flags", {})
    ):
        before = now.get(name)
        rows.append(
            {
                "group": labels.ANSWER_GROUPS[group],
                "question": question,
                "current": before,
                "sent": answer,
                "notable": notable,
                "changes": before is not None and str(before) != str(answer),
            }
        )
    return rows


def _health_rows(current: dict | None, sent: dict | None) -> list[dict]:
    before = dict(health_history.describe(current)) if current else {}
    rows = []
    for part, lines in health_history.describe(sent or health_history.empty()):
        was = before.get(part)
        rows.append({"part": part, "current": was, "sent": lines, "changes": was is not None and was != lines})
    return rows


def _complaint_lines(complaints) -> list[str]:
    return [
        f"{labels.REGIONS.get(c['region'], c['region'])} ({labels.SIDES.get(c['side'], c['side'])}), {c['pain_now']}/10"
        for c in complaints
    ]


@require_safe
def submission_review(request, public_id):
    return _review_page(request, access.get_submission_for(request.user, public_id))


def _review_page(request, submission, decline_form=None):
    """The submission beside the chart: each value the client sent next to the chart's, the differences marked."""
    client = submission.client
    # The chart as it stands: the latest screening's answers (a visit's health check included) and its intake's
    # health history and complaints.
    latest = Screening.objects.filter(intake__client=client).select_related("intake").newest_first().first()
    if latest is not None:
        latest.intake.client = client  # known: not read again for the audit entry
    current_complaints = []
    if latest is not None:
        current_complaints = [
            {"region": c.region, "side": c.side, "pain_now": c.pain_now} for c in latest.intake.complaints.current()
        ]
    sent = submission.data.get("intake", {})
    record_views([submission, latest])
    return render(
        request,
        "intake/submission_review.html",
        {
            "client": client,
            "submission": submission,
            "contact_rows": _contact_rows(client, submission.data.get("contact", {})),
            "answer_rows": _answer_rows(latest.answers if latest else None, sent),
            "health_rows": _health_rows(latest.intake.health_history if latest else None, sent.get("health_history")),
            "sent_complaints": _complaint_lines(sent.get("complaints", [])),
            "current_complaints": _complaint_lines(current_complaints),
            "aggravating": labels.describe_aggravating(sent.get("aggravating", [])),
            "notes": sent.get("notes", ""),
            "latest": latest,
            "questionnaires": _questionnaire_rows(submission.data.get("questionnaires", {})),
            "decline_form": decline_form or DeclineForm(),
            "may_review": submission.is_pending and not client.is_archived,
        },
    )


@require_POST
def submission_accept(request, public_id):
    submission = access.get_submission_for(request.user, public_id)
    if refused := refuse_if_archived(request, submission.client, doing=_("accepting the client's forms")):
        return refused
    try:
        intake = client_form_services.accept_submission(submission=submission, by=request.user)
    except client_form_services.AlreadyReviewed:
        messages.info(request, _("These forms were reviewed already: nothing was changed."))
        return redirect(submission)
    except ClientDisposed:
        messages.error(request, _("This client's record was disposed of: nothing was changed."))
        return redirect(submission)
    messages.success(request, _("The client's forms were accepted: their details updated, the intake screened."))
    return redirect(intake)


@require_POST
def submission_decline(request, public_id):
    submission = access.get_submission_for(request.user, public_id)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The forms were not declined: give a reason."))
        return _review_page(request, submission, decline_form=form)
    try:
        client_form_services.decline_submission(
            submission=submission, by=request.user, reason=form.cleaned_data["reason"]
        )
    except client_form_services.AlreadyReviewed:
        messages.info(request, _("These forms were reviewed already: nothing was changed."))
        return redirect(submission)
    except client_form_services.DeclineRefused as refusal:
        form.add_error("reason", refusal.reason)
        return _review_page(request, submission, decline_form=form)
    messages.success(request, _("The client's forms were declined; the chart is unchanged."))
    return redirect(submission.client)


def _questionnaire_rows(sent: dict) -> list[dict]:
    """Each questionnaire the client filled in, with its score by the instrument's published rule: what accepting
    records."""
    rows = []
    for code, answers in sent.items():
        instrument = questionnaire_instruments.INSTRUMENTS[code]
        scored = questionnaires.score(code, answers)
        if scored.score is None and scored.subscales:
            parts = scored.subscales.items()
            shown = "; ".join(f"{name} {'—' if value is None else f'{value:g}'}" for name, value in parts)
        else:
            shown = "—" if scored.score is None else f"{scored.score:g} / {scored.maximum:g}"
        if scored.risk:
            shown += f" ({scored.risk} risk)"
        name = f"{instrument.short_name}: {instrument.name}"
        rows.append({"name": name, "score": shown, "complete": scored.complete})
    return rows
