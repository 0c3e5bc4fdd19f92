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


def keep_held_roles(*, user_ids) -> dict[int, list[str]]:
    """Write each user's group names into `User.held_roles`: what every request reads of their roles."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    held: dict[int, list[str]] = {pk: [] for pk in user_ids}
    memberships = User.groups.through.objects.filter(user_id__in=held).order_by("group__name")
    for user_id, name in memberships.values_list("user_id", "group__name"):
        held[user_id].append(name)
    for user_id, names in held.items():
        User.objects.filter(pk=user_id).update(held_roles=names)
    return held


def groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """m2m_changed on User.groups, from either side (`user.groups.add(...)`, `group.user_set.add(...)`)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        instance.held_roles = keep_held_roles(user_ids=[instance.pk])[instance.pk]
        keep_role_grants(user_ids=[instance.pk])
        return
    user_ids = _holders_of(instance.name) if action == "post_clear" else list(pk_set or [])
    keep_held_roles(user_ids=user_ids)
    keep_role_grants(user_ids=user_ids)


def keep_role_grants(*, user_ids) -> None:
    """Keep one `RoleGrant` per role each user holds, dated when it was granted, and write each role granted or
    removed to the audit log ("granted the clinic admin role to Dana"), with who did it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from clinic import security_events
    from clinic.models import RoleGrant

    User = get_user_model()
    held = set(User.groups.through.objects.filter(user_id__in=user_ids).values_list("user_id", "group_id"))
    grants = {(g.user_id, g.group_id): g for g in RoleGrant.objects.filter(user_id__in=user_ids)}
    granted, removed = sorted(held - grants.keys()), sorted(grants.keys() - held)
    if not granted and not removed:
        return
    users = User.objects.in_bulk({user_id for user_id, _group in granted + removed})
    names = dict(Group.objects.filter(pk__in={group for _user, group in granted + removed}).values_list("pk", "name"))
    for user_id, group_id in granted:
        RoleGrant.objects.create(user_id=user_id, group_id=group_id)
        security_events.record_role_change(users[user_id], names[group_id], granted=True)
    for key in removed:
        grants[key].delete()
        security_events.record_role_change(users[key[0]], names.get(key[1], ""), granted=False)


def role_held_since(user, role: str):
    """When `user` was granted `role` and has held it since, or None if they do not hold it."""
    from clinic.models import RoleGrant

    return RoleGrant.objects.filter(user=user, group__name=role).values_list("granted_at", flat=True).first()


def _holders_of(name: str) -> list[int]:
    from django.contrib.auth import get_user_model

    # Few staff accounts: read them all rather than ask the JSON field (SQLite has no containment lookup).
    return [pk for pk, held in get_user_model().objects.values_list("pk", "held_roles") if name in held]


def group_renamed_or_deleted(sender, instance, **kwargs) -> None:
    """A group renamed or deleted: its members' kept names follow (its old name is what they hold)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    members = set(instance.user_set.values_list("pk", flat=True)) if instance.pk else set()
    every_holder = {pk for pk, held in User.objects.values_list("pk", "held_roles") if held}
    keep_held_roles(user_ids=members | every_holder)
