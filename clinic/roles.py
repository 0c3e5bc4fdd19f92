"""The three roles of the clinic, held as Django groups (a person may hold several)."""

from django.utils.translation import gettext_lazy as _

FRONT_DESK = "Front desk"
THERAPIST = "Therapist"
CLINIC_ADMIN = "Clinic admin"

ALL_ROLES = (FRONT_DESK, THERAPIST, CLINIC_ADMIN)
# The attribute that tells a user annotated by clinic.backends holds the role (no query for their groups).
FLAGS = {FRONT_DESK: "holds_front_desk", THERAPIST: "holds_therapist", CLINIC_ADMIN: "holds_clinic_admin"}

LABELS = {
    FRONT_DESK: _("Front desk"),
    THERAPIST: _("Therapist"),
    CLINIC_ADMIN: _("Clinic admin"),
}

# What a clinic admin may manage in the Django admin. Nothing here allows deleting a record.
CLINIC_ADMIN_PERMISSIONS = (
    ("clinic", "add_user"),
    ("clinic", "change_user"),
    ("clinic", "view_user"),
    ("clinic", "add_client"),
    ("clinic", "change_client"),
    ("clinic", "view_client"),
    ("auth", "view_group"),
    ("auditlog", "view_logentry"),
    ("notes", "add_consenttext"),
    ("notes", "view_consenttext"),
    ("notes", "view_consent"),
    ("notes", "view_treatmentsession"),
    ("notes", "view_feedbackentry"),
    ("notes", "view_addendum"),
    ("intake", "view_intake"),
    ("intake", "view_complaint"),
    ("intake", "view_screening"),
    ("intake", "view_physicianclearance"),
)


def ensure_roles(**kwargs) -> None:
    """Make sure the three role groups exist, the clinic admin's with its permissions.

    Migration 0002 creates them; this post_migrate handler keeps them after a database flush
    (as between browser tests) and after a later migration adds permissions.
    """
    from django.contrib.auth.models import Group, Permission

    for name in ALL_ROLES:
        Group.objects.get_or_create(name=name)
    admin_role = Group.objects.get(name=CLINIC_ADMIN)
    wanted = Permission.objects.filter(
        content_type__app_label__in={app for app, _ in CLINIC_ADMIN_PERMISSIONS},
        codename__in={codename for _, codename in CLINIC_ADMIN_PERMISSIONS},
    )
    admin_role.permissions.add(
        *[p for p in wanted if (p.content_type.app_label, p.codename) in CLINIC_ADMIN_PERMISSIONS]
    )
