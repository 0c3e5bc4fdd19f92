"""The history page's timeline rows, written in Python: 25 events through template tags were a quarter of the page."""

import uuid
from html import escape as _escape

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clinic import local_time
from clinic.choices import choice_labels
from intake.models import Complaint
from notes.outcomes import within_session_change

register = template.Library()


def _intake(r) -> str:
    html = format_html(
        '<a href="{}">{}</a> {}',
        r.get_absolute_url(),
        _("Intake"),
        _("taken by %(by)s") % {"by": r.taken_by.display_name},
    )
    s = getattr(r, "latest_screening", None)
    if s is None:
        return html
    refer = format_html(" · <strong>{}</strong>", _("refer")) if s.refer else ""
    reasons = format_html_join(
        "",
        '<li>{} <span class="text-body-secondary">— {}</span></li>',
        ((reason.get("text", ""), reason.get("source", "")) for reason in s.reasons),
    )
    why_not = format_html(" · {} {}", _("not considered:"), s.why_not) if s.why_not else ""
    judged = getattr(r, "judgement", None)
    judgement = (
        format_html(
            '\n        <div class="small judgement">{} {} ({}, {}): {}</div>',
            _("Clinical judgement:"),
            judged.get_judgement_display(),
            judged.recorded_by.display_name,
            local_time.minute(judged.recorded_at),
            judged.reason,
        )
        if judged
        else ""
    )
    return html + format_html(
        '\n        <div class="small">{} · {}{} · {}{}</div>{}\n        <ul class="small mb-0">{}</ul>',
        s.get_iliopsoas_display(),
        s.get_abdominal_work_display(),
        refer,
        s.points_line,
        why_not,
        judgement,
        reasons,
    )


def _consent(r) -> str:
    return format_html(
        '<a href="{}">{} {}</a> ({}), {}',
        r.get_absolute_url(),
        r.get_kind_display(),
        _("consent signed"),
        _("version %(v)s") % {"v": r.text.version},
        _("collected by %(by)s") % {"by": r.collected_by.display_name},
    )


def _withdrawal(r) -> str:
    reason = format_html(": {}", r.withdrawal_reason) if r.withdrawal_reason else ""
    return format_html(
        '<a href="{}">{} {}</a>{}', r.get_absolute_url(), r.get_kind_display(), _("consent withdrawn"), reason
    )


def _rating(value) -> str:
    return "?" if value is None else str(value)


def _address_by_public_id(view_name: str):
    """reverse(view_name, kwargs={"public_id": ...}) for the rows of one page: reversed once, each id put in the
    marker's place (reverse costs 50 µs a call)."""
    marker = uuid.UUID(int=0)
    head, _marker, tail = reverse(view_name, kwargs={"public_id": marker}).partition(str(marker))
    return lambda public_id: f"{head}{public_id}{tail}"


def _within_session(before, after, label: str) -> str:
    """ " (-3 immediately after treatment)": a session's change from before to after treatment, when both were
    rated; shown with the session, never as an outcome (notes/outcomes.py)."""
    change = within_session_change(before, after)
    return "" if change is None else f" ({change:+d} {label})"


def _session(event, address) -> str:
    """A session's row. An f-string with every piece of text escaped as format_html escapes it (html.escape,
    quotes included), at a fraction of its cost; tests/test_history_rows.py holds the two to the same markup."""
    r = event.record
    after_treatment = _escape(_("immediately after treatment"))
    region_label = choice_labels(Complaint._meta.get_field("region"))

    def region(pain) -> str:  # as the signed note shows it, or today's for a draft
        signed = r.complaint_as_signed(pain.complaint_id)
        return signed["region_label"] if signed else str(region_label.get(pain.region, pain.region))

    pains = ", ".join(
        f"{_escape(region(pain))} {_rating(pain.before)} → {_rating(pain.after)}"
        f"{_within_session(pain.before, pain.after, after_treatment)}"
        for pain in event.pains
    )
    if r.is_signed:
        status = f'<span class="badge text-bg-success">{_escape(_("signed"))}</span>'
    else:
        status = f'<span class="badge text-bg-warning">{_escape(_("draft"))}</span>'
    addenda = ""
    if event.addenda:
        n = event.addenda
        addenda = f" · {_escape(ngettext('%(n)s addendum', '%(n)s addenda', n) % {'n': n})}"
    work = _("abdominal work") if event.segments else _("no abdominal work")
    link = address(r.public_id)
    return mark_safe(  # noqa: S308  # nosec B308 B703 (every piece of text escaped)
        f'<a href="{_escape(link)}">{_escape(_("Session"))}</a> · {_escape(r.therapist_name_shown)} ·\n'
        f"        {_escape(work)} ·\n        {pains} ·\n        {status}\n        {addenda}"
    )


def _clearance(r) -> str:
    return format_html(
        "{}: {}, {} — {}",
        _("Physician clearance"),
        r.clinician_name,
        local_time.day(r.cleared_on),
        Truncator(r.what_was_cleared).chars(200),
    )


def _adverse_effect(r) -> str:
    when = _("reported later by %(by)s") if r.reported_later else _("recorded with the note by %(by)s")
    return format_html(
        '{}: <strong>{}</strong>{} · <a href="{}">{}</a> · {}{}',
        _("Adverse effect after treatment"),
        r.get_kind_display(),
        format_html(" — {}", Truncator(r.note).chars(200)) if r.note else "",
        r.session.get_absolute_url(),
        _("session of %(day)s") % {"day": local_time.day(r.session.started_at)},
        when % {"by": r.reported_by_shown},
        format_html(" · {} {}", _("onset"), local_time.day(r.onset_on)) if r.onset_on else "",
    )


# Each kind's description from its record; a session's from its event (its counts and ratings: _describe).
DESCRIBE = {
    "intake": _intake,
    "consent": _consent,
    "withdrawal": _withdrawal,
    "clearance": _clearance,
    "adverse_effect": _adverse_effect,
}


def _describe(event, session_address) -> str:
    if event.kind == "session":
        return _session(event, session_address)
    return DESCRIBE[event.kind](event.record)


@register.simple_tag
def history_rows(events):
    """One <li> per event of the timeline page: when, and what was recorded (each record loaded with what it
    shows: see notes.history.timeline_page)."""
    session_address = _address_by_public_id("notes:session-detail")
    minute = local_time.minute_labeller()  # the clinic's zone, looked up once for the page
    rows = [
        f'<li class="list-group-item history-{_escape(event.kind)}">\n'
        f"      <strong>{minute(event.at)}</strong> ·\n"
        f"      {conditional_escape(_describe(event, session_address)) if event.record is not None else ''}\n"
        "    </li>"
        for event in events
    ]
    return mark_safe("\n    ".join(rows))  # noqa: S308  # nosec B308 B703 (every row's text escaped)


def _checked(bound_field) -> set[str]:
    value = bound_field.value()
    return {str(v) for v in (value if isinstance(value, (list, tuple)) else [value]) if v is not None}


@register.simple_tag
def kind_checkboxes(bound_field):
    """The timeline filter's kinds, as `{% for choice in form.kind %}` renders them with Bootstrap's form-check: the
    same markup, without a widget template rendered per choice (1.5 ms of the page)."""
    checked = _checked(bound_field)
    invalid = mark_safe(' aria-invalid="true"') if bound_field.errors else ""  # nosec B308 B703 (a constant)
    return format_html_join(
        "",
        '<div class="form-check"><input type="checkbox" name="{}" value="{}" class="form-check-input" id="{}_{}"{}{}>'
        '<label class="form-check-label" for="{}_{}">{}</label></div>',
        (
            (
                bound_field.html_name,
                value,
                bound_field.auto_id,
                index,
                invalid,
                mark_safe(" checked") if str(value) in checked else "",  # nosec B308 B703 (a constant)
                bound_field.auto_id,
                index,
                label,
            )
            for index, (value, label) in enumerate(bound_field.field.choices)
        ),
    )


@register.simple_tag
def date_field(bound_field):
    """A date input with its label and errors, as crispy-forms' bootstrap5 `as_crispy_field` writes it (whitespace
    aside), without its templates (1 ms a field)."""
    widget = bound_field.field.widget
    value = widget.format_value(bound_field.value())
    errors = bound_field.errors
    field_id = bound_field.auto_id
    input_attrs = format_html(
        "{}{}",
        format_html(' value="{}"', value) if value is not None else "",
        format_html_join("", ' {}="{}"', widget.attrs.items()),  # the widget's own (its placeholder)
    )
    invalid = ""
    if errors:
        invalid = format_html(' aria-invalid="true" aria-describedby="{}_error"', field_id)
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>'
        '<input type="{}" name="{}"{} class="dateinput form-control{}"{} id="{}">{}</div>',
        field_id,
        field_id,
        bound_field.label,
        widget.input_type,
        bound_field.html_name,
        input_attrs,
        " is-invalid" if errors else "",
        invalid,
        field_id,
        format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((n, field_id, error) for n, error in enumerate(errors, start=1)),
            ),
        )
        if errors
        else "",
    )
