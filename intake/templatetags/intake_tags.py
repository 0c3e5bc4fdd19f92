"""What the intake app shows on other apps' pages: the body diagram, screening badges, the client's intake panel."""

import html

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from clinic.audit import record_views
from intake import access, labels, reads

register = template.Library()

# (region, side, x, y, width, height) on the diagram's 440 x 400 canvas: front view left, back view right.
# The front view faces us, so the client's right side is on the viewer's left.
DIAGRAM = [
    ("lower_abdomen", "central", 78, 128, 44, 34),
    ("anterior_hip_groin", "right", 70, 164, 28, 22),
    ("anterior_hip_groin", "left", 102, 164, 28, 22),
    ("lateral_hip", "right", 56, 150, 14, 40),
    ("lateral_hip", "left", 130, 150, 14, 40),
    ("anterior_thigh", "right", 72, 190, 24, 80),
    ("anterior_thigh", "left", 104, 190, 24, 80),
    ("knee", "right", 72, 274, 24, 26),
    ("knee", "left", 104, 274, 24, 26),
    ("low_back", "central", 304, 122, 52, 40),
    ("buttock", "left", 300, 166, 28, 38),
    ("buttock", "right", 332, 166, 28, 38),
    ("posterior_leg_below_knee", "left", 302, 304, 24, 70),
    ("posterior_leg_below_knee", "right", 334, 304, 24, 70),
]
SIDE_WORDS = {"left": _("left"), "right": _("right"), "central": _("middle")}


def _escape(value) -> str:
    """django.utils.html.escape without its lazy-string wrapper: the same characters escaped, for plain values."""
    return html.escape(str(value))


def _attributes(attrs: dict) -> str:
    """A widget's attributes in their order, as django/forms/widgets/attrs.html writes them (escaped)."""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


@register.simple_tag
def choice_buttons(field, colour="", compact=False):
    """A radio field as a row of big buttons (tablet-friendly): each option's input (class btn-check) and its label.

    The same markup as Django's radio widget templates, written here as escaped strings: a page of eleven
    questions rendered 35 options through four nested templates each, 7 ms of the intake page."""
    colour = _escape(colour or "primary")
    options = []
    for option in field:
        data = option.data
        value = "" if data["value"] is None else f' value="{_escape(data["value"])}"'
        options.append(
            f'<input type="{_escape(data["type"])}" name="{_escape(data["name"])}"{value}{_attributes(data["attrs"])}>'
            f'<label class="btn btn-outline-{colour}" for="{_escape(option.id_for_label)}">'
            f"{conditional_escape(option.choice_label)}</label>"
        )
    compact_class = " choice-buttons-compact" if compact else ""
    markup = (
        f'<div class="choice-buttons{compact_class}" role="radiogroup" aria-label="{conditional_escape(field.label)}">'
        f"\n  {''.join(options)}\n</div>\n"
    )
    if field.errors:
        errors = " ".join(conditional_escape(error) for error in field.errors)
        markup += f'<div class="invalid-feedback d-block">{errors}</div>'
    return mark_safe(markup)  # noqa: S308  # nosec B308 B703 (every value above is escaped)


@register.inclusion_tag("intake/_body_diagram.html")
def body_diagram():
    regions = [
        {
            "region": region,
            "side": side,
            "x": x,
            "y": y,
            "w": w,
            "h": h,
            "label": f"{labels.REGIONS[region]}, {SIDE_WORDS[side]}" if side != "central" else labels.REGIONS[region],
        }
        for region, side, x, y, w, h in DIAGRAM
    ]
    deep_hip = [
        {"side": side, "label": f"{labels.REGIONS['deep_hip']}, {SIDE_WORDS[side]}"} for side in ("left", "right")
    ]
    return {"regions": regions, "deep_hip": deep_hip}


BADGE_LABELS = {
    "consider": _("consider iliopsoas"),
    "caution": _("abdominal caution"),
    "contraindicated": _("abdominal contraindicated"),
}


@register.simple_tag
def screening_badges(client, user, care_team=None, full=None):
    """Badges from the client's summary flags (no query): full flags for those who see the full screening,
    the front desk's summary for everyone else. Pass `care_team` when it is already loaded (lists), or `full`
    when the caller already knows. Written here rather than in a template: the client list shows 25 of them."""
    if full is not None:
        pass
    elif user.is_clinic_admin:
        full = True
    elif care_team is not None:
        full = user.is_therapist and any(member.pk == user.pk for member in care_team)
    else:
        full = access.sees_full_screening(user, client)
    if not client.screened_at:
        return ""
    flags = client.screening_flags
    if full:
        return format_html_join(
            "",
            '<span class="badge flag-{} me-1">{}</span>',
            ((flag, _badge_label(flag, client)) for flag in flags),
        )
    if client.screening_refer and not client.referral_cleared:
        return format_html('<span class="badge flag-refer">{}</span>', _("refer to a physician before treatment"))
    if flags:
        return format_html('<span class="badge flag-review">{}</span>', _("needs therapist review"))
    return ""


def _badge_label(flag: str, client) -> str:
    if flag == "refer":
        return _("refer · cleared") if client.referral_cleared else _("refer")
    return BADGE_LABELS.get(flag, "")


CLEARANCE_ROW_FIELDS = ("public_id", "client_id", "cleared_on", "clinician_name", "what_was_cleared")


@register.inclusion_tag("intake/_client_intake_panel.html", takes_context=True)
def client_intake_panel(context, client):
    """The intake section of the client page: latest screening, intakes, clearances, and what the user may do."""
    user = context["request"].user
    may_take = access.may_take_intake(user, client)
    intakes = reads.recent_intakes(client, 10) if may_take else []  # what the list shows of them
    # What the list shows of them (.client: `client`), not the letter or the intake's answers.
    clearances = list(client.clearances.only(*CLEARANCE_ROW_FIELDS)[:5]) if may_take else []
    latest = reads.latest_screening(client) if intakes else None
    # What the client page shows of clinical records is a read like any other: audit it.
    record_views([latest, *clearances])
    return {
        "client": client,
        "user": user,
        "may_take": may_take and not client.is_archived,
        "intakes": intakes,
        "latest": latest,
        "full": access.sees_full_screening(user, client),
        # The client's summary, kept with the latest screening and its clearances in one transaction.
        "referral_cleared": latest is not None and client.referral_cleared,
        "clearances": clearances,
    }
