import uuid
from datetime import date, timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from clinic import roles
from clinic.models import Client, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@clinic.example")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        """`UserFactory(password="...")`: a user who can sign in through the form with it."""
        if create and extracted:
            self.set_password(extracted)
            self.save()


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_between", start_date=date(1940, 1, 1), end_date=date(2010, 1, 1))
    phone = factory.Sequence(lambda n: f"416-555-{n:04d}")

    @factory.post_generation
    def care_team(self, create, extracted, **kwargs):
        if create and extracted:
            self.care_team.set(extracted)


def front_desk_user(**kwargs) -> User:
    return UserFactory(roles=[roles.FRONT_DESK], **kwargs)


def therapist_user(**kwargs) -> User:
    return UserFactory(roles=[roles.THERAPIST], **kwargs)


def clinic_admin_user(**kwargs) -> User:
    return UserFactory(roles=[roles.CLINIC_ADMIN], **kwargs)


LOW_BACK = {"region": "low_back", "side": "central", "pain_now": 4}


def screened_intake(client, *, by, complaints=(LOW_BACK,), tests=None, assessed_by=None, **answers):
    """An intake taken through the service (so it is screened), then assessed when `tests` are given."""
    from intake import services

    intake = services.record_intake(client=client, taken_by=by, complaints=list(complaints), **answers)
    if tests is not None:
        services.record_assessment(intake=intake, by=assessed_by or by, tests=tests)
    return intake


def intake_form_data(complaints=(LOW_BACK,), **overrides) -> dict:
    """A complete, valid intake POST: every question answered "no" / "none". An override of None leaves a field out."""
    from intake import labels, screening

    data = {
        "complaints-TOTAL_FORMS": str(len(complaints)),
        "complaints-INITIAL_FORMS": "0",
        "complaints-MIN_NUM_FORMS": "0",
        "complaints-MAX_NUM_FORMS": "10",
        "sex": "",
        "notes": "",
        screening.SURGERY_WEEKS: "",
    }
    for n, complaint in enumerate(complaints):
        data |= {f"complaints-{n}-{name}": str(value) for name, value in complaint.items()}
    data |= {name: "no" for name in (*labels.HISTORY_FLAGS, *labels.RED_FLAGS)}
    data |= {name: "none" for name in labels.HISTORY_CHOICES}
    data |= overrides
    return {name: value for name, value in data.items() if value is not None}


def client_form_data(**overrides) -> dict:
    """A new client's registration POST (/clients/new/) with every personal field filled in; a test names what it
    changes."""
    return {
        "first_name": "Nell",
        "last_name": "Fitzgerald",
        "preferred_name": "",
        "pronouns": "she/her",
        "date_of_birth": "1958-11-22",
        "phone": "647-555-0103",
        "email": "nell@example.org",
        "address": "12 Queen St W\nToronto",
        "emergency_contact_name": "Ray Fitzgerald",
        "emergency_contact_relationship": "brother",
        "emergency_contact_phone": "647-555-0199",
        "referral_source": "word_of_mouth",
        "referral_detail": "",
        "desk_notes": "",
    } | overrides


def clearance_form_data(**overrides) -> dict:
    """A physician's clearance POST, cleared two days ago, for massage including abdominal work; a test adds the
    scanned `letter` when it wants one."""
    return {
        "cleared_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "clinician_name": "Dr. Anita Sharma",
        "what_was_cleared": "Night pain investigated; cleared for hip massage.",
        "scope": "massage_abdominal",
    } | overrides


def feedback_form_data(response="tender", **overrides) -> dict:
    """A live feedback POST (one tap): right side, sustained pressure 2, pain 3, with a one-time token of its own."""
    data = {
        "token": str(uuid.uuid4()),
        "side": "right",
        "technique": "sustained_pressure",
        "pressure": "2",
        "pain": "3",
        "response": response,
        "note": "",
    }
    return data | overrides


def assessment_form_data(**results) -> dict:
    """An assessment POST: every test "not_tested" but those given."""
    from intake import screening

    return {name: screening.NOT_TESTED for name in screening.TESTS} | results
