"""The intake forms' own widgets: the body diagram and rows of big choice buttons."""

import html

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from intake import labels

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
