"""Hostile input in the Django admin: change lists and read-only record pages full of payloads show them escaped;
hostile search, ordering, paging and lookup parameters answer 200, a redirect or 400, never a 500 or a leak;
forged fields on the forms the admin may post change nothing they name."""

import pytest
from auditlog.models import LogEntry

from clinic.models import Client, User
from notes.models import Addendum, Consent, TreatmentSession
from tests import history_helpers as h
from tests import hostile_payloads as hostile
from tests.factories import ClientFactory, therapist_user
from tests.test_hostile_input_exports import course_of

pytestmark = pytest.mark.django_db

CHANGE_LISTS = [
    "/admin/clinic/client/",
    "/admin/clinic/user/",
    "/admin/auditlog/logentry/",
    "/admin/intake/intake/",
    "/admin/intake/screening/",
    "/admin/intake/physicianclearance/",
    "/admin/intake/complaint/",
    "/admin/notes/consent/",
    "/admin/notes/consenttext/",
    "/admin/notes/treatmentsession/",
    "/admin/notes/feedbackentry/",
    "/admin/notes/addendum/",
]


@pytest.fixture
def hostile_records(front_desk):
    """For each payload: a therapist and a client named by it, and a course of care written with it."""
    texts = []
    for n, payload in enumerate(hostile.TEXT.values()):
        text = hostile.storable(payload).strip()
        therapist = therapist_user(username=f"hostile{n}", first_name=text, last_name=f"T{n}")
        client = ClientFactory(first_name=text, last_name=f"C{n}", care_team=[therapist])
        session = course_of(client, therapist=therapist, desk=front_desk, text=text)
        h.add_addendum(session, by=therapist, text=text)
        texts.append(text)
    return texts


def test_every_admin_page_shows_hostile_records_escaped(as_user, clinic_admin, hostile_records):
    admin = as_user(clinic_admin)
    pages = {url: admin.get(url) for url in CHANGE_LISTS}
    client, session = Client.objects.first(), TreatmentSession.objects.first()
    records = [client, session, Consent.objects.first(), Addendum.objects.first(), LogEntry.objects.first()]
    records += [session.intake, User.objects.filter(username__startswith="hostile").first()]
    for record in records:
        meta = record._meta
        url = f"/admin/{meta.app_label}/{meta.model_name}/{record.pk}/change/"
        pages[url] = admin.get(url)

    for url, response in pages.items():
        assert response.status_code == 200, url
        hostile.assert_page_is_safe(response)
    client_list = pages["/admin/clinic/client/"].content.decode()
    for text in hostile_records:
        assert hostile.escape(text) in client_list, text


@pytest.mark.parametrize("payload", [*hostile.TEXT.values(), *hostile.DATES])
def test_hostile_admin_query_parameters_never_error_or_leak(as_user, clinic_admin, payload):
    ClientFactory(first_name="Decoy", last_name="Person")
    admin = as_user(clinic_admin)
    params = {
        "q": hostile.query_string({"q": payload}),
        "ordering": hostile.query_string({"o": payload}),
        "page": hostile.query_string({"p": payload}),
        "filter": hostile.query_string({"archived_at__isnull": payload}),
        "date": hostile.query_string({"started_at__gte": payload}),
        "lookup": hostile.query_string({"first_name__regex": payload}),
    }

    responses = {
        name: admin.get(f"/admin/{'notes/treatmentsession' if name == 'date' else 'clinic/client'}/?{query}")
        for name, query in params.items()
    }

    for name, response in responses.items():
        if "\x00" in payload:
            assert response.status_code == 400, name
            continue
        assert response.status_code in (200, 302, 400), name
        if response.status_code == 200:
            hostile.assert_page_is_safe(response)
    assert responses["lookup"].status_code in (400, 302) or "\x00" in payload


@pytest.mark.parametrize(
    "lookup",
    ["password__startswith=argon2", "password__regex=.*", "groups__name=clinic admin&password__contains=a"],
)
def test_the_user_list_cannot_be_probed_by_password_lookups(as_user, clinic_admin, lookup):
    response = as_user(clinic_admin).get(f"/admin/clinic/user/?{lookup}")

    assert response.status_code == 400


@pytest.mark.parametrize("payload", [hostile.TEXT[k] for k in ("script", "double-quote-svg", "sql-or", "nul")])
def test_a_hostile_consent_text_kind_in_the_add_link_falls_back_to_a_known_kind(as_user, clinic_admin, payload):
    response = as_user(clinic_admin).get(f"/admin/notes/consenttext/add/?{hostile.query_string({'kind': payload})}")

    if "\x00" in payload:
        assert response.status_code == 400
        return
    hostile.assert_page_is_safe(response)
    assert response.context["adminform"].form.initial["kind"] == "abdominal"


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_a_client_changed_in_the_admin_stores_hostile_text_and_no_forged_field(
    as_user, clinic_admin, therapist, payload
):
    client = ClientFactory(first_name="Maya", last_name="Chen")
    other = ClientFactory(first_name="Other", last_name="Person")
    stored = hostile.as_stored(payload)
    data = {
        "first_name": payload,
        "last_name": "Chen",
        "preferred_name": "",
        "pronouns": "",
        "date_of_birth": "1980-01-01",
        "phone": "",
        "email": "",
        "address": payload,
        "emergency_contact_name": "",
        "emergency_contact_relationship": "",
        "emergency_contact_phone": "",
        "referral_source": "",
        "referral_detail": "",
        "desk_notes": payload,
        "archive_reason": "",
        "public_id": str(other.public_id),
        "created_by": str(therapist.pk),
        "screening_refer": "on",
    }

    response = hostile.post_raw(as_user(clinic_admin), f"/admin/clinic/client/{client.pk}/change/", data)

    client.refresh_from_db()
    assert response.status_code in (200, 302)
    if stored is None:
        hostile.assert_page_is_safe(response)
        assert client.first_name == "Maya"
    else:
        assert response.status_code == 302
        assert (client.first_name, client.address, client.desk_notes) == (stored, stored, stored)
    assert client.public_id != other.public_id
    assert (client.created_by, client.screening_refer) == (None, False)


def test_a_clinic_admin_cannot_make_anyone_superuser_through_the_user_form(as_user, clinic_admin, therapist):
    data = {
        "username": therapist.username,
        "first_name": "<script>alert(1)</script>",
        "last_name": therapist.last_name,
        "email": therapist.email,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "user_permissions": ["1"],
        "groups": [str(g.pk) for g in therapist.groups.all()],
        "date_joined_0": "2001-01-01",
        "date_joined_1": "00:00:00",
    }

    response = hostile.post_raw(as_user(clinic_admin), f"/admin/clinic/user/{therapist.pk}/change/", data)

    therapist.refresh_from_db()
    assert response.status_code in (200, 302)
    assert not therapist.is_superuser
    assert not therapist.user_permissions.exists()
