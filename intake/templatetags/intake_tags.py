"""The intake forms' own widgets: the body diagram and rows of big choice buttons."""

import html

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from intake import labels

register = template.Library()

# Each view of the body is drawn on a 340 x 720 canvas: (region, side, x, y, width, height). A sided region is
# given once, on the viewer's left, and mirrored: on the front view the viewer's left is the client's right, on the
# back view the client's left. Every region is at least 48 x 48 units and 4 units from its neighbours. The two views
# stand side by side where the diagram is at least 640 px wide (a unit is then a CSS pixel, 48 px to a region), and
# one at a time, with a Front / Back switch, on a phone (366 px wide: a unit is 1.08 px).
VIEW_WIDTH = 340
FRONT = [
    ("head", "central", 146, 30, 48, 48),
    ("jaw", "right", 120, 82, 48, 48),
    ("neck", "central", 146, 134, 48, 48),
    ("shoulder", "right", 92, 150, 50, 48),
    ("chest", "central", 118, 202, 104, 48),
    ("upper_arm", "right", 52, 202, 48, 60),
    ("upper_abdomen", "central", 118, 254, 104, 48),
    ("elbow", "right", 44, 266, 48, 48),
    ("lower_abdomen", "central", 118, 306, 104, 48),
    ("forearm", "right", 12, 318, 48, 60),
    ("wrist_hand", "right", 6, 382, 48, 52),
    ("lateral_hip", "right", 64, 358, 48, 48),
    ("anterior_hip_groin", "right", 118, 358, 48, 48),
    ("medial_thigh", "right", 120, 410, 48, 48),
    ("anterior_thigh", "right", 108, 462, 48, 60),
    ("knee", "right", 108, 526, 48, 48),
    ("anterior_leg_below_knee", "right", 108, 578, 48, 60),
    ("ankle_foot", "right", 102, 642, 54, 48),
]
BACK = [
    ("head", "central", 140, 34, 60, 92),
    ("neck", "central", 146, 134, 48, 48),
    ("shoulder", "left", 92, 150, 50, 48),
    ("upper_back", "central", 118, 202, 104, 48),
    ("upper_arm", "left", 52, 202, 48, 60),
    ("mid_back", "central", 118, 254, 104, 48),
    ("elbow", "left", 44, 266, 48, 48),
    ("low_back", "central", 118, 306, 104, 48),
    ("forearm", "left", 12, 318, 48, 60),
    ("wrist_hand", "left", 6, 382, 48, 52),
    ("sacrum", "central", 146, 358, 48, 48),
    ("buttock", "left", 94, 358, 48, 56),
    ("posterior_thigh", "left", 108, 418, 56, 104),
    ("knee", "left", 108, 526, 48, 48),
    ("posterior_leg_below_knee", "left", 108, 578, 48, 60),
    ("ankle_foot", "left", 102, 642, 54, 48),
]
MIRROR = {"left": "right", "right": "left", "central": "central"}

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


def _view_regions(regions, view):
    """A view's places, the mirrored side of each sided one next to it; a place drawn on both views (a knee, a
    shoulder) is named with its view on the back, so each button's name is its own."""
    in_front = {region for region, *_ in FRONT}
    places = []
    for region, side, x, y, w, h in regions:
        places.append((region, side, x, y, w, h))
        if side != "central":
            places.append((region, MIRROR[side], VIEW_WIDTH - x - w, y, w, h))
    described = []
    for region, side, x, y, w, h in places:
        label = str(labels.REGIONS[region])
        if side != "central":
            label = f"{label}, {SIDE_WORDS[side]}"
        if view == "back" and region in in_front:
            label = _("%(place)s (back)") % {"place": label}
        described.append({"region": region, "side": side, "x": x, "y": y, "w": w, "h": h, "label": label})
    return described


@register.inclusion_tag("intake/_body_diagram.html")
def body_diagram():
    deep_hip = [
        {"side": side, "label": f"{labels.REGIONS['deep_hip']}, {SIDE_WORDS[side]}"} for side in ("left", "right")
    ]
    return {"front": _view_regions(FRONT, "front"), "back": _view_regions(BACK, "back"), "deep_hip": deep_hip}
