"""Security events in the audit log, and how each reads on /audit/: an account created, a role granted or removed,
a password reset, a second factor enrolled or removed, emergency access opened.

django-auditlog records each emergency access (the model is registered); the other events are written here, by
signals on every path that makes them (/admin/, the app's own pages), each tagged `additional_data["event"]`. They
are what someone signed in did: the actor and the address come from the request, as for every entry, and a change
made outside any request (a migration, the test factories, `createsuperuser` run by whoever holds the server) is not
an event of the log. No password, hash or key is ever written.

The sentences read only the entry (and the client the page already paired with it): no query.
"""

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str
from django.utils.translation import gettext as _

EVENT = "event"
ACCOUNT_CREATED = "account created"
ROLE_GRANTED = "role granted"
ROLE_REMOVED = "role removed"
PASSWORD_SET = "password set"  # noqa: S105  # nosec B105 (the name of an event, not a password)
SECOND_FACTOR_ENROLLED = "second factor enrolled"
SECOND_FACTOR_REMOVED = "second factor removed"

# Events whose sentence says everything: their entry lists no field changes beside it.
WHOLE_SENTENCE = frozenset(
    (ACCOUNT_CREATED, ROLE_GRANTED, ROLE_REMOVED, PASSWORD_SET, SECOND_FACTOR_ENROLLED, SECOND_FACTOR_REMOVED)
)


def _staff(user) -> dict:
    """Who the event concerns, as they were named then (the entry outlives a rename)."""
    return {"staff": user.pk, "staff_name": user.display_name}


def _write(instance, *, action: int, changes: dict, additional_data: dict) -> None:
    """Write the entry when someone signed in made the event: django-auditlog's request context (its pre_save
    receivers, connected for the request) names the actor and the address, as for its own entries."""
    entry = LogEntry(
        content_type=ContentType.objects.get_for_model(instance),
        object_pk=str(instance.pk),
        object_id=instance.pk if isinstance(instance.pk, int) else None,
        object_repr=smart_str(instance),
        action=action,
        changes=changes,
        additional_data=additional_data,
        cid=get_cid(),
    )
    pre_save.send(sender=LogEntry, instance=entry, raw=False, using=entry._state.db, update_fields=None)
    if entry.actor_id is not None:
        entry.save()


def record_account_created(user) -> None:
    _write(
        user,
        action=LogEntry.Action.CREATE,
        changes={"username": [None, user.username]},
        additional_data={EVENT: ACCOUNT_CREATED, "superuser": user.is_superuser, **_staff(user)},
    )


def record_role_change(user, role: str, *, granted: bool) -> None:
    _write(
        user,
        action=LogEntry.Action.UPDATE,
        changes={"roles": {"type": "m2m", "operation": "add" if granted else "delete", "objects": [role]}},
        additional_data={EVENT: ROLE_GRANTED if granted else ROLE_REMOVED, "role": role, **_staff(user)},
    )


def record_password_set(user) -> None:
    """A password set or made unusable on an existing account: by its owner, or reset by someone else."""
    _write(
        user,
        action=LogEntry.Action.UPDATE,
        changes={"password": ["…", "…"]},  # that it changed, never what it is
        additional_data={EVENT: PASSWORD_SET, **_staff(user)},
    )


def record_second_factor_enrolment(device) -> None:
    """A CREATE entry for an authenticator app confirmed (by its first code, or by a superuser in /admin/).

    django-otp's devices are not registered with django-auditlog: their manager is not an AuditedQuerySet, and
    each code checked rewrites bookkeeping fields that say nothing to a reader of the log."""
    _write(
        device,
        action=LogEntry.Action.CREATE,
        changes={"second factor": [None, f"{device.name} confirmed"]},
        additional_data={EVENT: SECOND_FACTOR_ENROLLED, **_staff(device.user)},
    )


def record_second_factor_removal(device) -> None:
    _write(
        device,
        action=LogEntry.Action.DELETE,
        changes={"second factor": [device.name, None]},
        additional_data={EVENT: SECOND_FACTOR_REMOVED, **_staff(device.user)},
    )


# -- Signals: each path that changes a password or a device (the app, /admin/, a shell) records it -----------------


def user_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    if created and not raw:
        record_account_created(instance)


def device_loaded(sender, instance, **kwargs) -> None:
    instance._confirmed_when_loaded = instance.confirmed if instance.pk else False


def device_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw or not instance.confirmed or getattr(instance, "_confirmed_when_loaded", False):
        return
    record_second_factor_enrolment(instance)
    instance._confirmed_when_loaded = True


def device_deleted(sender, instance, **kwargs) -> None:
    if instance.confirmed:
        record_second_factor_removal(instance)


# -- In words ---------------------------------------------------------------------------------------------------


def event_of(entry) -> str | None:
    return (entry.additional_data or {}).get(EVENT)


def sentence(entry, client=None) -> str | None:
    """The entry as one sentence when it is a security event ("granted the clinic admin role to Dana"), else None."""
    data = entry.additional_data or {}
    event = data.get(EVENT)
    name = data.get("staff_name") or entry.object_repr
    own = entry.actor_id is not None and entry.actor_id == data.get("staff")
    if event == ACCOUNT_CREATED:
        if data.get("superuser"):
            return _("created the superuser account of %(name)s") % {"name": name}
        return _("created the account of %(name)s") % {"name": name}
    if event == ROLE_GRANTED:
        return _("granted the %(role)s role to %(name)s") % {"role": _role(data), "name": name}
    if event == ROLE_REMOVED:
        return _("removed the %(role)s role from %(name)s") % {"role": _role(data), "name": name}
    if event == PASSWORD_SET:
        return _("changed their own password") if own else _("reset the password of %(name)s") % {"name": name}
    if event == SECOND_FACTOR_ENROLLED or (event is None and _is_device(entry) and _is(entry, "CREATE")):
        if own or "staff" not in data:
            return _("enrolled a second factor")
        return _("enrolled a second factor for %(name)s") % {"name": name}
    if event == SECOND_FACTOR_REMOVED:
        return _("removed their second factor") if own else _("removed the second factor of %(name)s") % {"name": name}
    model = entry.content_type.model_class()
    if model is None:
        return None
    label = model._meta.label
    if label == "clinic.EmergencyAccess" and _is(entry, "CREATE"):
        reason = ((entry.changes_dict or {}).get("reason") or [None, ""])[1]
        whom = client.display_name if client is not None else entry.object_repr
        return _("opened emergency access to %(client)s: reason “%(reason)s”") % {"client": whom, "reason": reason}
    return None


def says_it_all(entry) -> bool:
    """True when the sentence is the whole entry: no field changes to list beside it."""
    event = event_of(entry)
    if event in WHOLE_SENTENCE:
        return True
    model = entry.content_type.model_class()
    return event is None and model is not None and model._meta.label == "clinic.EmergencyAccess"


def _role(data: dict) -> str:
    from clinic import roles

    role = data.get("role", "")
    return str(roles.LABELS.get(role, role)).lower()


def _is(entry, action: str) -> bool:
    return entry.action == getattr(LogEntry.Action, action)


def _is_device(entry) -> bool:
    model = entry.content_type.model_class()
    return model is not None and model._meta.label == "otp_totp.TOTPDevice"
