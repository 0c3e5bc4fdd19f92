"""The three roles of the clinic, held as Django groups (a person may hold several)."""

from django.utils.translation import gettext_lazy as _

FRONT_DESK = "Front desk"
THERAPIST = "Therapist"
CLINIC_ADMIN = "Clinic admin"

ALL_ROLES = (FRONT_DESK, THERAPIST, CLINIC_ADMIN)

LABELS = {
    FRONT_DESK: _("Front desk"),
    THERAPIST: _("Therapist"),
    CLINIC_ADMIN: _("Clinic admin"),
}
