"""Who may see what. Pages a role may not use answer 403; records a person may not see answer 404.

Every view goes through these: `role_required` for the page, a `get_*_for(user, public_id)` for the record.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from clinic import roles
from clinic.models import Client, EmergencyAccess

STAFF_ROLES = roles.ALL_ROLES


def role_required(*names: str):
    """Let the view run only for a user holding one of the named roles; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_role(*names) and not (roles.CLINIC_ADMIN in names and request.user.is_clinic_admin):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_client_for(user, public_id) -> Client:
    """A client's demographic record, which every staff role may see (archived ones included)."""
    if not (user.has_role(*STAFF_ROLES) or user.is_clinic_admin):
        raise PermissionDenied
    return get_object_or_404(Client, public_id=public_id)


def get_clinical_client_for(user, public_id) -> Client:
    """A client whose clinical records the user may read: 404 for a therapist outside the care team.

    Loaded by its id, then checked (`may_read_clinical_record`): the same 404s as filtering by
    `Client.objects.clinically_visible_to`, without compiling its subqueries on every view."""
    client = get_object_or_404(Client, public_id=public_id)
    if not may_read_clinical_record(user, client, on_care_team=on_care_team(user, client.pk)):
        raise Http404
    return client


def may_read_clinical_record(user, client: Client, *, on_care_team: bool | None = None) -> bool:
    """`Client.objects.clinically_visible_to(user)`, for one client already loaded: clinic admins; therapists on
    the care team (read once per request) or under unexpired emergency access. Cheaper than filtering by it.
    `on_care_team`: whether the user is on the client's care team, when the caller read it (`on_care_team()`), so
    the whole team is not read."""
    if user.is_clinic_admin:
        return True
    if not user.is_therapist:
        return False
    if client.has_on_care_team(user) if on_care_team is None else on_care_team:
        return True
    if client.last_emergency_access_at is None:  # no query for the many clients never opened this way
        return False
    return EmergencyAccess.objects.unexpired().filter(client=client, user=user).exists()


def on_care_team(user, client_id: int) -> bool:
    """Is `user` a therapist on the care team of the client with this id? Read only for a therapist who is not a
    clinic admin: for anyone else the answer does not decide what they may read."""
    if not user.is_therapist or user.is_clinic_admin:
        return False
    return Client.care_team.through.objects.filter(client_id=client_id, user_id=user.pk).exists()


def get_exportable_client_for(user, public_id, *, among=None) -> Client:
    """A client whose whole record the user may export: emergency access reads, it does not take copies. `among`:
    the clients to load it from (annotated with what the export needs, say); all of them by default."""
    clients = Client.objects.all() if among is None else among
    if user.is_clinic_admin:
        return get_object_or_404(clients, public_id=public_id)
    clients = clients.in_care_of(user) if user.is_therapist else clients.none()
    return get_object_or_404(clients, public_id=public_id)


def get_client_for_emergency_access(user, public_id) -> Client:
    """The client whose record a therapist asks to open under emergency access: 403 for other roles."""
    if not user.is_therapist:
        raise PermissionDenied
    return get_object_or_404(Client, public_id=public_id)


def active_emergency_access(user, client):
    """The user's unexpired emergency access to the client, if any."""
    return client.emergency_accesses.unexpired().filter(user=user).order_by("-expires_at").first()


def can_manage_care_team(user) -> bool:
    return user.is_front_desk or user.is_clinic_admin


def can_archive_client(user) -> bool:
    return user.is_front_desk or user.is_clinic_admin
