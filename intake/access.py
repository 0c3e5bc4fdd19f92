"""Who may take, read and judge intakes. Records a person may not see answer 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from clinic import roles
from clinic.access import may_read_clinical_record
from clinic.models import Client
from intake.models import Intake, PhysicianClearance, QuestionnaireResponse, Screening

INTAKE_ROLES = (roles.FRONT_DESK, roles.THERAPIST, roles.CLINIC_ADMIN)


def intake_clients_for(user):
    """Clients whose intakes this user may take and read: all for front desk and admins, care team for therapists."""
    if user.is_front_desk or user.is_clinic_admin:
        return Client.objects.all()
    if user.is_therapist:
        return Client.objects.in_care_of(user)
    return Client.objects.none()


def may_take_intake(user, client) -> bool:
    return user.is_front_desk or user.is_clinic_admin or is_on_care_team(user, client)


def _require_a_role(user):
    if not (user.has_role(*INTAKE_ROLES) or user.is_clinic_admin):
        raise PermissionDenied


def get_client_for_intake(user, public_id) -> Client:
    _require_a_role(user)
    return get_object_or_404(intake_clients_for(user), public_id=public_id)


def get_intake_for(user, public_id) -> Intake:
    _require_a_role(user)
    return get_object_or_404(
        Intake.objects.select_related("client", "taken_by", "assessed_by").filter(client__in=intake_clients_for(user)),
        public_id=public_id,
    )


def get_intake_to_read(user, public_id) -> Intake:
    """An intake to read: as `get_intake_for`, plus a therapist's clients under emergency access (read-only).

    Loaded by its id, then checked against the client's care team, which the page reads anyway: the same 404s
    as filtering by the clients the user may see, without compiling that filter's subqueries on every view."""
    _require_a_role(user)
    # With the client's own forms it came from, if it did (their reviewer too): the page says who filled it in.
    related = ("client", "taken_by", "assessed_by", "client_submission__reviewed_by")
    intake = get_object_or_404(Intake.objects.select_related(*related), public_id=public_id)
    if user.is_front_desk or may_read_clinical_record(user, intake.client):
        return intake
    raise Http404


def is_on_care_team(user, client) -> bool:
    return user.is_therapist and client.has_on_care_team(user)


def sees_full_screening(user, client) -> bool:
    """Reasons and sources: clinic admins, and therapists who may read the client's clinical record (their care
    team's, or under emergency access). Others see the summary."""
    return may_read_clinical_record(user, client)


def may_assess(user, client) -> bool:
    return is_on_care_team(user, client)


def may_judge(user, client) -> bool:
    """A clinical judgement that differs from the iliopsoas flag: therapists of the care team only (not the front
    desk, not a clinic admin as such, not a therapist under emergency access)."""
    return is_on_care_team(user, client)


def may_record_clearance(user, client) -> bool:
    return user.is_clinic_admin or is_on_care_team(user, client)


def get_clearance_for(user, public_id) -> PhysicianClearance:
    """A clearance and its letter: for those who see the full screening of that client; 404 for the rest."""
    _require_a_role(user)
    clearance = get_object_or_404(PhysicianClearance.objects.select_related("client", "intake"), public_id=public_id)
    if not sees_full_screening(user, clearance.client):
        raise Http404
    return clearance


def get_screening_to_judge(user, public_id) -> Screening:
    """A screening to record a clinical judgement on: 404 for a record the user may not read, 403 for one they may
    read but not judge (the front desk, a clinic admin, a therapist under emergency access)."""
    _require_a_role(user)
    judged = get_object_or_404(Screening.objects.select_related("intake__client"), public_id=public_id)
    client = judged.intake.client
    if not (user.is_front_desk or may_read_clinical_record(user, client)):
        raise Http404
    if not may_judge(user, client):
        raise PermissionDenied
    return judged


def get_questionnaire_to_read(user, public_id) -> QuestionnaireResponse:
    """A questionnaire response to read: for whoever may read the client's intakes (front desk, admins, the care
    team, a therapist under emergency access); 404 for anyone else."""
    _require_a_role(user)
    response = get_object_or_404(
        QuestionnaireResponse.objects.select_related("client", "recorded_by"), public_id=public_id
    )
    if user.is_front_desk or may_read_clinical_record(user, response.client):
        return response
    raise Http404


def get_submission_for(user, public_id):
    """What a client sent through their own forms: for those who take the client's intakes (front desk, clinic
    admins, the care team's therapists); 404 for the rest, 403 for a user with no role."""
    from intake.models import ClientSubmission

    _require_a_role(user)
    return get_object_or_404(
        ClientSubmission.objects.select_related("client", "link", "reviewed_by").filter(
            client__in=intake_clients_for(user)
        ),
        public_id=public_id,
    )
