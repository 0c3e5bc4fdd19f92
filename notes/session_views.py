"""Treatment sessions: start, the live feedback page, the SOAP note, signing and addenda."""

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from clinic.audit import reads_audited_together, record_view, record_views
from clinic.guards import refuse_if_archived, refuse_unless
from clinic.local_time import minute
from intake.abdominal_status import status_today
from intake.models import Screening
from notes import access, services
from notes.forms import (
    AbdominalRequestForm,
    AddendumForm,
    FeedbackForm,
    SessionForm,
    SessionStartForm,
    SignForm,
    StretchDetailsForm,
    areas_formset,
)
from notes.gate import SIGNED, AbdominalWorkRefused
from notes.models import Consent, ConsentKind, TreatmentSession
from notes.session_page import session_context


@require_http_methods(["GET", "HEAD", "POST"])
def session_new(request, public_id):
    client = access.get_client_for_new_session(request.user, public_id)
    if refused := refuse_if_archived(request, client, doing=_("starting a session")):
        return refused
    intake = services.latest_intake(client)
    complaints = list(intake.complaints.current()) if intake else []
    form = SessionStartForm(request.POST or None, complaints=complaints)
    if request.method == "POST" and form.is_valid():
        session = services.start_session(
            client=client,
            therapist=request.user,
            pain_before=form.pain_before(),
            subjective=form.cleaned_data["subjective"],
            abdominal_planned=form.cleaned_data["abdominal_planned"],
        )
        messages.success(request, _("Session started."), extra_tags="draft-saved")
        return redirect(session)
    latest = Screening.objects.latest_for_client(client)
    previous = TreatmentSession.objects.for_client(client).signed().select_related("therapist").first()
    consents = Consent.objects.latest_per_kind(client)
    clearances = list(latest.intake.clearances.all()) if latest is not None and latest.refer else []
    record_views([latest, previous, *consents.values(), *clearances])
    treatment = consents.get(ConsentKind.TREATMENT.value)
    return render(
        request,
        "notes/session_new.html",
        {
            "client": client,
            "form": form,
            "intake": intake,
            "latest": latest,
            "full": True,
            "status": status_today(latest, clearances),
            "consent": consents.get(ConsentKind.ABDOMINAL.value),
            # Treatment without an active general consent: the therapist is warned before starting.
            "no_treatment_consent": treatment is None or not treatment.is_active,
            "previous": previous,
        },
    )


def _load_session(request, public_id, *, own: bool):
    getter = access.get_own_session_for if own else access.get_session_for
    return getter(request.user, public_id)


@require_safe
@reads_audited_together
def session_detail(request, public_id):
    session = _load_session(request, public_id, own=False)
    context = session_context(request, session)
    record_views([session, *context["addenda"], *context["adverse_effects"]])
    return render(request, "notes/session_detail.html", context)


@require_POST
def session_abdominal(request, public_id):
    """The one action that asks for abdominal work: the gate decides, and says why when it refuses."""
    session = _load_session(request, public_id, own=True)
    form = AbdominalRequestForm(request.POST)
    form.is_valid()
    if request.POST.get("action") == "finish":
        services.finish_abdominal_work(session=session)
        return redirect(f"{session.get_absolute_url()}#gate-heading")  # the panel says it closed, and why
    try:
        services.request_abdominal_work(
            session=session,
            by=request.user,
            reconfirmed=form.cleaned_data.get("reconfirmed", False),
            precautions_reviewed=form.cleaned_data.get("precautions_reviewed", False),
            **form.details(),
        )
    except AbdominalWorkRefused as refusal:
        # Shown beside the control that was tapped, with the ticks as they were: not at the top of the page.
        context = session_context(request, session, abdominal_form=form)
        context["abdominal_refusal"] = refusal.unmet
        return render(request, "notes/session_detail.html", context)
    return redirect(f"{session.get_absolute_url()}#gate-heading")  # the panel says it is open, since when


@require_POST
def session_pulse(request, public_id):
    """ "Pulse felt, hands moved": one tap while a stretch is open, recorded now, shown in red on the timeline."""
    session = _load_session(request, public_id, own=True)
    try:
        token = uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        token = uuid.uuid4()
    refusal = None
    try:
        services.record_pulse_felt(session=session, token=token)
    except services.NoOpenStretch:
        refusal = _("No stretch of abdominal work is open: nothing was recorded.")
    except services.SessionSigned:
        refusal = _("The note is signed: nothing can be added to it. Add an addendum instead.")
    if refusal is None and not request.htmx:
        return redirect(f"{session.get_absolute_url()}#pulse-heading")
    if refusal is not None and not request.htmx:
        messages.error(request, refusal)
        return redirect(session)
    session = _load_session(request, public_id, own=True)
    context = session_context(request, session)
    context["pulse_refusal"] = refusal
    return render(request, "notes/_live_panel.html", context)


@require_POST
def session_stretch(request, public_id):
    """How the open stretch is worked (position, approach, landmark), changed while it is open."""
    session = _load_session(request, public_id, own=True)
    form = StretchDetailsForm(request.POST)
    if form.is_valid():
        try:
            services.describe_stretch(session=session, **form.details())
        except services.NoOpenStretch:
            messages.error(request, _("No stretch of abdominal work is open: nothing was changed."))
        except services.SessionSigned:
            messages.error(request, _("The note is signed: nothing can be changed in it."))
        return redirect(f"{session.get_absolute_url()}#gate-heading")
    context = session_context(request, session, stretch_form=form)
    return render(request, "notes/session_detail.html", context, status=400)


SIGNED_WHILE_WRITING = _(
    "The note was signed while you were writing: your entry was not added to it. It is kept below as the text of "
    "an addendum: check it, then add it."
)
KEPT_REASON = _("Feedback entry typed while the note was being signed")


def _kept_key(session) -> str:
    return f"kept-addendum-{session.public_id}"


def kept_entry_text(form: FeedbackForm) -> str:
    """What the therapist typed in a feedback entry, in words, for an addendum: every answer given, with the
    choices' labels, and the moment it was sent."""
    values = form.cleaned_data if form.is_valid() else form.data
    sent = _("Feedback entry sent at %(when)s, not added: the note was signed first.")
    lines = [sent % {"when": minute(timezone.now())}]
    for name in ("side", "technique", "pressure", "pain", "response", "note"):
        value = str(values.get(name, "") or "").strip()
        if not value:
            continue
        choices = {str(key): label for key, label in getattr(form.fields[name], "choices", ())}
        lines.append(f"{form.fields[name].label}: {choices.get(value, value)}")
    return "\n".join(lines)[:5000]


def _keep_as_addendum(request, session, form: FeedbackForm):
    """A feedback entry that came after the signature: nothing typed is lost. It waits in the therapist's session
    as the text of an addendum, on the addendum form, until they add it."""
    request.session[_kept_key(session)] = kept_entry_text(form)
    messages.warning(request, SIGNED_WHILE_WRITING)
    url = reverse("notes:addendum-new", kwargs={"public_id": session.public_id})
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_POST
def session_feedback(request, public_id):
    session = _load_session(request, public_id, own=True)
    form = FeedbackForm(request.POST, last_entry=session.entries.order_by("-at", "-id").first())
    if session.is_signed:
        return _keep_as_addendum(request, session, form)
    refusal = None
    if form.is_valid():
        try:
            services.record_feedback(session=session, **form.entry())
        except AbdominalWorkRefused as error:
            if SIGNED in error.conditions:  # signed while this entry was on its way
                return _keep_as_addendum(request, session, form)
            refusal = error.reason
    if form.is_valid() and refusal is None:
        if not request.htmx:
            return redirect(f"{session.get_absolute_url()}#entry-heading")
        keep = form.cleaned_data.get("same_as_last", False)
        form = None
    else:
        keep = False
    # Refused or incomplete: said beside the form that was tapped (the live panel), the form kept as it was posted.
    session = _load_session(request, public_id, own=True)
    context = session_context(request, session, feedback_form=form, same_as_last=keep)
    context["refusal"] = refusal
    return render(request, "notes/_live_panel.html" if request.htmx else "notes/session_detail.html", context)


def _edit_kept(request, session, form):
    """The note was signed before this edit arrived: the edit form again, with everything typed, and why."""
    messages.error(
        request,
        _(
            "The note was signed while you were writing: your changes were not saved to it. Your text is kept "
            "below: add what matters as an addendum."
        ),
    )
    return render(request, "notes/session_edit.html", {"session": session, "form": form}, status=409)


@require_http_methods(["GET", "HEAD", "POST"])
def session_edit(request, public_id):
    session = _load_session(request, public_id, own=True)
    if refused := refuse_unless(
        request,
        session,
        allowed=not session.is_signed or request.method == "POST",
        message=_("This session is signed: add an addendum to correct it."),
    ):
        return refused
    pains = services.complaint_pains(session)
    form = SessionForm(request.POST or None, instance=session, pains=pains)
    form.areas = areas_formset(request.POST or None, session=session)
    if request.method == "POST" and session.is_signed:
        return _edit_kept(request, session, form)
    if request.method == "POST" and form.is_valid() and form.areas.is_valid():
        fields = {name: form.cleaned_data[name] for name in SessionForm.Meta.fields}
        try:
            services.update_session(
                session=session,
                version=form.cleaned_data["version"],
                pain_after=form.pain_after(),
                areas=form.areas.areas(),
                objective_tests=form.objective_tests(),
                **fields,
            )
        except services.StaleDraft:
            messages.error(
                request,
                _(
                    "This draft was saved from another tab or device since you opened it. Your text is still "
                    "below: copy what you need, reload the page, and save again."
                ),
            )
            return render(request, "notes/session_edit.html", {"session": session, "form": form}, status=409)
        except services.SessionSigned:
            # Read again, as signed: the page says so and offers an addendum.
            return _edit_kept(request, _load_session(request, public_id, own=True), form)
        except services.AreaNotAgreed:
            # The consent was withdrawn between the form's check and the save: the form says which area.
            form.areas = areas_formset(request.POST, session=session)
            form.areas.is_valid()
            return render(request, "notes/session_edit.html", {"session": session, "form": form})
        messages.success(request, _("Note saved."), extra_tags="draft-saved")
        return redirect(session)
    record_view(session)
    return render(request, "notes/session_edit.html", {"session": session, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def session_sign(request, public_id):
    session = _load_session(request, public_id, own=True)
    if refused := refuse_unless(
        request, session, allowed=not session.is_signed, message=_("This session is already signed.")
    ):
        return refused
    form = SignForm(request.POST if request.method == "POST" else None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_session(session=session, by=request.user, ended_at=form.cleaned_data["ended_at"])
        except services.SessionSigned:  # signed by another request first
            messages.info(request, _("This session is already signed."))
            return redirect(session)
        except services.EndsBeforeTimeline as error:
            form.add_error(
                "ended_at",
                _("That is before the last moment on the timeline (%(when)s).") % {"when": minute(error.moment)},
            )
        else:
            messages.success(request, _("Session signed. It can now be corrected only by an addendum."))
            return redirect(session)
    if request.method == "POST":
        messages.error(request, _("The session was not signed: see the message next to the end."))
    else:
        record_view(session)
    context = session_context(request, session)
    if not form.is_bound:  # what signing without an end would record: a stretch still open ends now
        still_open = context["gate"] is not None and context["gate"].open_segment is not None
        form.initial["ended_at"] = (None if still_open else context["timeline"].last_moment) or timezone.now()
    return render(request, "notes/session_sign.html", {**context, "sign_form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def addendum_new(request, public_id):
    session = _load_session(request, public_id, own=True)
    draft_message = _("This session is still a draft: edit the note instead of adding an addendum.")
    if refused := refuse_unless(request, session, allowed=session.is_signed, message=draft_message):
        return refused
    # A feedback entry that arrived after the signature waits here as an addendum's text (session_feedback).
    kept = request.session.get(_kept_key(session))
    form = AddendumForm(request.POST or None, initial={"reason": KEPT_REASON, "text": kept} if kept else None)
    if request.method == "POST" and form.is_valid():
        services.add_addendum(session=session, author=request.user, **form.cleaned_data)
        request.session.pop(_kept_key(session), None)
        messages.success(request, _("Addendum added."), extra_tags="draft-saved")
        return redirect(session)
    return render(request, "notes/addendum_form.html", {"session": session, "client": session.client, "form": form})
