"""What the intake app shows on other apps' pages: the body diagram, screening badges, the client's intake panel."""

from django import template
from django.utils.translation import gettext_lazy as _

from clinic.audit import record_views
from intake import access, labels
from intake.models import Intake, Screening

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


@register.inclusion_tag("intake/_screening_badges.html")
def screening_badges(client, user, care_team=None, full=None):
    """Badges from the client's summary flags (no query): full flags for those who see the full screening,
    the front desk's summary for everyone else. Pass `care_team` when it is already loaded (lists), or `full`
    when the caller already knows."""
    if full is not None:
        pass
    elif user.is_clinic_admin:
        full = True
    elif care_team is not None:
        full = user.is_therapist and any(member.pk == user.pk for member in care_team)
    else:
        full = access.sees_full_screening(user, client)
    return {"client": client, "full": full, "flags": client.screening_flags}


@register.inclusion_tag("intake/_client_intake_panel.html", takes_context=True)
def client_intake_panel(context, client):
    """The intake section of the client page: latest screening, intakes, clearances, and what the user may do."""
    user = context["request"].user
    may_take = access.may_take_intake(user, client)
    intakes = list(Intake.objects.for_client(client).select_related("taken_by")[:10]) if may_take else []
    clearances = list(client.clearances.select_related("intake", "client")[:5]) if may_take else []
    latest = Screening.objects.latest_for_client(client) if intakes else None
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
