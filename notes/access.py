"""Who may read and write consents and sessions (docs/design.md's role table). Records one may not see answer 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from clinic import roles
from clinic.access import may_read_clinical_record, on_care_team
from clinic.models import Client
from notes.models import Consent, TreatmentSession


def consent_clients_for(user):
    """Consents are recorded by the front desk and admins for anyone, by therapists for their care team."""
    if user.is_front_desk or user.is_clinic_admin:
        return Client.objects.all()
    if user.is_therapist:
        return Client.objects.in_care_of(user)
    return Client.objects.none()


def _require(user, *names):
    if not (user.has_role(*names) or (roles.CLINIC_ADMIN in names and user.is_clinic_admin)):
        raise PermissionDenied


def get_client_for_consent(user, public_id) -> Client:
    _require(user, *roles.ALL_ROLES)
    return get_object_or_404(consent_clients_for(user), public_id=public_id)


def get_consent_for(user, public_id) -> Consent:
    _require(user, *roles.ALL_ROLES)
    return get_object_or_404(
        Consent.objects.select_related("client", "text", "collected_by", "withdrawn_by").filter(
            client__in=consent_clients_for(user)
        ),
        public_id=public_id,
    )


def get_consent_to_read(user, public_id) -> Consent:
    """A consent to read: as `get_consent_for`, plus a therapist's clients under emergency access (read-only)."""
    _require(user, *roles.ALL_ROLES)
    only_therapist = user.is_therapist and not (user.is_front_desk or user.is_clinic_admin)
    clients = Client.objects.clinically_visible_to(user) if only_therapist else consent_clients_for(user)
    return get_object_or_404(
        Consent.objects.select_related("client", "text", "collected_by", "withdrawn_by").filter(client__in=clients),
        public_id=public_id,
    )


def may_record_consent_for(user, client) -> bool:
    return user.is_front_desk or user.is_clinic_admin or (user.is_therapist and client.has_on_care_team(user))


def get_client_for_new_session(user, public_id) -> Client:
    """Only a therapist starts a session, and only for a care-team client."""
    _require(user, roles.THERAPIST)
    return get_object_or_404(Client.objects.in_care_of(user), public_id=public_id)


def get_session_for(user, public_id) -> TreatmentSession:
    """A session to read: 403 for roles that never read sessions, 404 for one outside the user's reach."""
    _require(user, roles.THERAPIST, roles.CLINIC_ADMIN)
    # Loaded by its id, then checked: the same 404s as filtering by `Client.objects.clinically_visible_to`,
    # without compiling its subqueries on every view (tests/test_emergency_access.py checks they agree).
    session = get_object_or_404(TreatmentSession.objects.select_related("client", "therapist"), public_id=public_id)
    on_team = on_care_team(user, session.client_id)
    if not may_read_clinical_record(user, session.client, on_care_team=on_team):
        raise Http404
    session.reader_on_care_team = on_team  # read once: the page offers care-team actions (a later adverse effect)
    return session


def get_own_session_for(user, public_id) -> TreatmentSession:
    """A session to write (edit, feedback, sign, addenda): only the therapist's own, on a care-team client."""
    _require(user, roles.THERAPIST)
    return get_object_or_404(
        TreatmentSession.objects.select_related("client", "therapist", "intake").filter(
            therapist=user, client__in=Client.objects.in_care_of(user)
        ),
        public_id=public_id,
    )


def get_session_for_adverse_effect(user, public_id) -> TreatmentSession:
    """A session to record an adverse effect on: its own therapist's draft (in the note), or a signed session of a
    care-team client, reported later by any of its therapists. Others: 403 for roles that never write sessions, 404
    for a session out of reach."""
    _require(user, roles.THERAPIST)
    session = get_object_or_404(
        TreatmentSession.objects.select_related("client", "therapist").filter(
            client__in=Client.objects.in_care_of(user)
        ),
        public_id=public_id,
    )
    if not session.is_signed and session.therapist_id != user.pk:
        raise Http404  # another therapist's draft is theirs to write
    return session


def get_client_for_plan(user, public_id) -> Client:
    """A client whose treatment plan the user may write: therapists, for their care team."""
    _require(user, roles.THERAPIST)
    return get_object_or_404(Client.objects.in_care_of(user), public_id=public_id)
