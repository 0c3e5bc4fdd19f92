"""The intake forms' own widgets: the body diagram and rows of big choice buttons."""

import html

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from intake import labels

register = template.Library()

# (region, side, x, y, width, height) on the diagram's 368 x 498 canvas: front view left, back view right.
# The front view faces us, so the client's right side is on the viewer's left. The canvas is drawn about as wide
# as a phone's column (366 CSS px), so a unit is about a pixel there and more on a tablet: every region is at least
# 47 x 48 units, a finger's 44 x 44 px with room to spare, and 4 units apart, so no two regions overlap.
DIAGRAM = [
    ("lower_abdomen", "central", 68, 150, 48, 48),
    ("lateral_hip", "right", 16, 150, 48, 48),
    ("lateral_hip", "left", 120, 150, 48, 48),
    ("anterior_hip_groin", "right", 43, 202, 47, 48),
    ("anterior_hip_groin", "left", 94, 202, 47, 48),
    ("anterior_thigh", "right", 43, 254, 47, 84),
    ("anterior_thigh", "left", 94, 254, 47, 84),
    ("knee", "right", 43, 342, 47, 48),
    ("knee", "left", 94, 342, 47, 48),
    ("low_back", "central", 250, 146, 52, 52),
    ("buttock", "left", 227, 202, 47, 52),
    ("buttock", "right", 278, 202, 47, 52),
    ("posterior_leg_below_knee", "left", 227, 394, 47, 68),
    ("posterior_leg_below_knee", "right", 278, 394, 47, 68),
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
    # An error is tied to its group and to each option (aria-describedby): a screen reader reads it with either.
    error_id = f"{field.auto_id}_error"
    options = []
    for option in field:
        data = option.data
        value = "" if data["value"] is None else f' value="{_escape(data["value"])}"'
        attrs = data["attrs"] | {"aria-describedby": error_id} if field.errors else data["attrs"]
        options.append(
            f'<input type="{_escape(data["type"])}" name="{_escape(data["name"])}"{value}{_attributes(attrs)}>'
            f'<label class="btn btn-outline-{colour}" for="{_escape(option.id_for_label)}">'
            f"{conditional_escape(option.choice_label)}</label>"
        )
    compact_class = " choice-buttons-compact" if compact else ""
    described = f' aria-invalid="true" aria-describedby="{_escape(error_id)}"' if field.errors else ""
    markup = (
        f'<div class="choice-buttons{compact_class}" role="radiogroup" aria-label="{conditional_escape(field.label)}"'
        f"{described}>\n  {''.join(options)}\n</div>\n"
    )
    if field.errors:
        errors = " ".join(conditional_escape(error) for error in field.errors)
        markup += f'<div class="invalid-feedback d-block" id="{_escape(error_id)}">{errors}</div>'
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
