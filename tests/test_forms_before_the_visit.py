"""The client's own forms before the visit: a link made by staff, used once on the client's phone, reviewed, then
accepted or declined; the tablet hand-over; who may do what; the audit trail; hostile input."""

import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.test import Client as Browser
from django.utils import timezone

from clinic.models import Client
from intake.client_form_models import hash_token
from intake.models import ClientLink, ClientSubmission, Intake, Screening
from notes import disposal
from tests import factories
from tests.factories import intake_form_data, screened_intake
from tests.record_helpers import clinical_record
from tests.second_factor_helpers import device_of, verified
from tests.test_record_retention import years_later

PASSWORD = "a-long-staff-password"
GROIN = {"region": "anterior_hip_groin", "side": "right", "pain_now": 6}
CONTACT = {
    "contact-phone": "647-555-0199",
    "contact-email": "maya@example.org",
    "contact-address": "12 Elm Street\nToronto",
    "contact-emergency_contact_name": "Lin Chen",
    "contact-emergency_contact_relationship": "sister",
    "contact-emergency_contact_phone": "416-555-0142",
}


def client_form_data(complaints=(GROIN,), **overrides) -> dict:
    """A complete, valid POST of the client's forms: details, one complaint, every question "no"."""
    data = intake_form_data(complaints=complaints) | CONTACT
    for rows in ("surgeries", "medications"):
        data |= {f"{rows}-TOTAL_FORMS": "1", f"{rows}-INITIAL_FORMS": "0", f"{rows}-MAX_NUM_FORMS": "20"}
    data |= overrides
    return {name: value for name, value in data.items() if value is not None}


def make_link(as_user, user, client) -> str:
    """Make a link as `user` through the page, and return its path (shown once, in the QR code's page)."""
    response = as_user(user).post(f"/clients/{client.public_id}/forms/link/", {})
    assert response.status_code == 200
    return re.search(r'value="http://testserver(/f/[A-Za-z0-9_-]+/)"', response.content.decode())[1]


@pytest.fixture
def link_path(as_user, front_desk, care_client):
    return make_link(as_user, front_desk, care_client)


def phone():
    return Browser()


# -- The link ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_link_is_random_stored_only_as_its_hash_and_expires_after_seven_days(link_path, care_client):
    token = link_path.split("/")[2]
    link = ClientLink.objects.get()

    assert len(token) >= 22  # 16 random bytes: 128 bits
    assert link.token_hash == hash_token(token)
    assert token not in str(ClientLink.objects.values().get())
    assert timedelta(days=6, hours=23) < link.expires_at - timezone.now() <= timedelta(days=7)
    assert token not in str(list(LogEntry.objects.values("changes", "additional_data")))


@pytest.mark.django_db
def test_the_link_page_shows_a_qr_code_the_address_and_a_print_button(as_user, front_desk, care_client):
    response = as_user(front_desk).post(f"/clients/{care_client.public_id}/forms/link/", {})

    page = response.content.decode()
    assert "<svg" in page and "QR code of the link" in page
    assert "Print" in page and "Copy the address" in page


@pytest.mark.django_db
def test_without_email_configured_no_email_is_asked_or_sent(settings, as_user, front_desk, care_client):
    settings.EMAIL_CONFIGURED = False

    page = as_user(front_desk).get(f"/clients/{care_client.public_id}/forms/link/").content.decode()
    as_user(front_desk).post(f"/clients/{care_client.public_id}/forms/link/", {"email": "x@example.org"})

    assert 'name="email"' not in page
    assert mail.outbox == []


@pytest.mark.django_db
def test_with_email_configured_the_link_is_emailed_and_the_address_recorded(settings, as_user, front_desk, care_client):
    settings.EMAIL_CONFIGURED = True

    response = as_user(front_desk).post(f"/clients/{care_client.public_id}/forms/link/", {"email": "maya@example.org"})

    link = ClientLink.objects.get()
    assert "Sent by e-mail to maya@example.org" in response.content.decode()
    assert (link.emailed_to, link.emailed_at is not None) == ("maya@example.org", True)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maya@example.org"]
    assert "/f/" in mail.outbox[0].body
    assert care_client.last_name not in mail.outbox[0].body


# -- The client's form ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_shows_nothing_of_the_chart(link_path, care_client, front_desk):
    care_client.address = "99 Secret Road"
    care_client.save()
    screened_intake(care_client, by=front_desk, red_flags={"night_pain_unrelieved": True})

    page = phone().get(link_path).content.decode()

    assert "Your forms before your visit" in page
    for secret in (care_client.last_name, care_client.first_name, care_client.phone, "99 Secret Road"):
        assert secret not in page


@pytest.mark.django_db
def test_the_form_speaks_to_the_client_not_to_staff(link_path):
    page = phone().get(link_path).content.decode()

    assert "Rather not say" in page  # the worst pain, which the client may leave out
    assert "Not asked" not in page


@pytest.mark.django_db
def test_a_link_used_once_keeps_what_was_sent_and_changes_nothing_of_the_chart(link_path, care_client):
    response = phone().post(link_path, client_form_data())

    submission = ClientSubmission.objects.get()
    assert response.status_code == 302 and response["Location"] == "/f/sent/"
    assert "your forms were sent" in phone().get("/f/sent/").content.decode()
    assert submission.status == "submitted"
    assert submission.data["contact"]["phone"] == "647-555-0199"
    assert submission.data["intake"]["complaints"][0]["region"] == "anterior_hip_groin"
    assert not Intake.objects.exists()
    care_client.refresh_from_db()
    assert care_client.phone != "647-555-0199"


@pytest.mark.django_db
def test_a_used_link_is_refused_like_an_unknown_one(link_path):
    phone().post(link_path, client_form_data())

    again = phone().get(link_path)
    resent = phone().post(link_path, client_form_data())
    unknown = phone().get("/f/AAAAAAAAAAAAAAAAAAAAAA/")

    assert again.status_code == resent.status_code == unknown.status_code == 404
    assert again.content == unknown.content
    assert ClientSubmission.objects.count() == 1


@pytest.mark.django_db
def test_an_expired_link_is_refused_like_an_unknown_one(link_path):
    link = ClientLink.objects.get()
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save()

    expired = phone().get(link_path)
    unknown = phone().get("/f/AAAAAAAAAAAAAAAAAAAAAA/")

    assert expired.status_code == 404
    assert expired.content == unknown.content


@pytest.mark.django_db
def test_guessing_links_is_rate_limited_per_address_and_reveals_nothing(settings, link_path):
    settings.CLIENT_FORM_RATE_PER_ADDRESS = "5/h"
    guesser, client = phone(), Browser(REMOTE_ADDR="10.1.2.3")

    answers = [guesser.get(f"/f/guess{n:017d}/").status_code for n in range(6)]
    limited = guesser.get(link_path)  # even the right link, from this address, now
    elsewhere = client.get(link_path)

    assert answers == [404] * 5 + [429]
    assert limited.status_code == 429
    assert "Too many attempts" in limited.content.decode()
    assert "Your forms" not in limited.content.decode()
    assert elsewhere.status_code == 200


@pytest.mark.django_db
def test_sending_one_links_forms_is_rate_limited_whatever_the_address(settings, link_path):
    settings.CLIENT_FORM_RATE_PER_LINK = "3/h"
    refused = client_form_data(**{"contact-email": "not an address"})

    statuses = [Browser(REMOTE_ADDR=f"10.0.0.{n}").post(link_path, refused).status_code for n in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert not ClientSubmission.objects.exists()


@pytest.mark.django_db
def test_opening_and_sending_are_audited(link_path):
    phone().get(link_path)
    phone().post(link_path, client_form_data())

    link, submission = ClientLink.objects.get(), ClientSubmission.objects.get()
    link_entries = LogEntry.objects.get_for_object(link)
    assert {LogEntry.Action.CREATE, LogEntry.Action.ACCESS, LogEntry.Action.UPDATE} <= {e.action for e in link_entries}
    assert LogEntry.objects.get_for_object(submission).filter(action=LogEntry.Action.CREATE).exists()


HOSTILE = [
    ({"complaints-0-region": "spleen"}, "Choose a body region from the list."),
    ({"complaints-0-pain_now": "eleven"}, "Pain must be a whole number from 0 to 10."),
    ({"contact-email": "not an address"}, "Enter a valid email address."),
    ({"contact-address": "x" * 5000}, "at most 500 characters"),
    ({"notes": "y" * 100_000}, "at most 2000 characters"),
    ({"anticoagulant_or_bleeding_disorder": ["yes", "no", "maybe"]}, "Select a valid choice"),
    ({"complaints-TOTAL_FORMS": "abc"}, ""),  # a tampered list of complaints
    ({"surgeries-TOTAL_FORMS": None}, ""),  # the health history's lists left out: not this form
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), HOSTILE, ids=[str(list(o))[:40] for o, _m in HOSTILE])
def test_hostile_input_is_refused_beside_its_field_and_nothing_is_kept(link_path, overrides, message):
    data = client_form_data(is_staff="on", client="1", status="accepted", **overrides)

    response = phone().post(link_path, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Nothing was sent" in response.content.decode()
    assert not ClientSubmission.objects.exists()
    assert ClientLink.objects.get().used_at is None


@pytest.mark.django_db
def test_a_refused_form_keeps_every_answer(link_path):
    response = phone().post(link_path, client_form_data(**{"contact-email": "bad", "notes": "Sore after running"}))

    page = response.content.decode()
    assert 'value="647-555-0199"' in page
    assert "Sore after running" in page
    assert 'value="anterior_hip_groin" selected' in page


# -- Review ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def submission(link_path, care_client):
    phone().post(link_path, client_form_data(night_pain_unrelieved="yes"))
    return ClientSubmission.objects.get()


@pytest.mark.django_db
def test_the_review_shows_each_value_beside_the_charts_with_changes_marked(as_user, front_desk, submission):
    response = as_user(front_desk).get(f"/submissions/{submission.public_id}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "647-555-0199" in page and submission.client.phone in page
    assert page.count("review-change") >= 6  # every detail differs, and the night pain answer
    assert LogEntry.objects.get_for_object(submission).filter(action=LogEntry.Action.ACCESS).exists()


@pytest.mark.django_db
def test_accepting_updates_the_details_and_adds_a_screened_intake(as_user, front_desk, submission, care_client):
    response = as_user(front_desk).post(f"/submissions/{submission.public_id}/accept/")

    submission.refresh_from_db()
    intake = Intake.objects.get()
    care_client.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == intake.get_absolute_url()
    assert (submission.status, submission.reviewed_by, submission.intake) == ("accepted", front_desk, intake)
    assert (care_client.phone, care_client.emergency_contact_name) == ("647-555-0199", "Lin Chen")
    assert intake.taken_by == front_desk
    assert Screening.objects.get(intake=intake).refer is True
    assert care_client.screening_refer is True


@pytest.mark.django_db
def test_an_accepted_intake_says_the_client_filled_it_in(as_user, front_desk, submission):
    as_user(front_desk).post(f"/submissions/{submission.public_id}/accept/")
    intake = Intake.objects.get()

    page = as_user(front_desk).get(intake.get_absolute_url()).content.decode()

    assert "Filled in by the client on their own forms" in page
    assert f"accepted by {front_desk.display_name}" in page
    assert "Taken by" not in page


@pytest.mark.django_db
def test_accepting_twice_changes_nothing_the_second_time(as_user, front_desk, submission):
    as_user(front_desk).post(f"/submissions/{submission.public_id}/accept/")
    again = as_user(front_desk).post(f"/submissions/{submission.public_id}/accept/", follow=True)

    assert Intake.objects.count() == 1
    assert "reviewed already" in again.content.decode()


@pytest.mark.django_db
def test_declining_needs_a_reason_and_leaves_the_chart_as_it_was(as_user, front_desk, submission, care_client):
    phone_before = care_client.phone
    refused = as_user(front_desk).post(f"/submissions/{submission.public_id}/decline/", {"reason": ""})
    declined = as_user(front_desk).post(
        f"/submissions/{submission.public_id}/decline/", {"reason": "Sent by someone else"}
    )

    submission.refresh_from_db()
    care_client.refresh_from_db()
    assert refused.status_code == 200 and "Say why" in refused.content.decode()
    assert declined.status_code == 302
    assert (submission.status, submission.decline_reason) == ("declined", "Sent by someone else")
    assert care_client.phone == phone_before
    assert not Intake.objects.exists()
    assert LogEntry.objects.get_for_object(submission).filter(action=LogEntry.Action.UPDATE).exists()


@pytest.mark.django_db
def test_pending_forms_show_on_the_client_page_and_the_front_desks_home(as_user, front_desk, submission):
    client_page = as_user(front_desk).get(f"/clients/{submission.client.public_id}/").content.decode()
    home = as_user(front_desk).get("/").content.decode()

    assert f"/submissions/{submission.public_id}/" in client_page and "waiting for review" in client_page
    assert f"/submissions/{submission.public_id}/" in home


@pytest.mark.django_db
def test_submissions_are_never_deleted(submission):
    from django.db import IntegrityError, connection, transaction

    with pytest.raises((IntegrityError, Exception)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM intake_clientsubmission")

    assert ClientSubmission.objects.count() == 1


# -- Who may -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("front_desk", 200),
        ("therapist", 200),
        ("clinic_admin", 200),
        ("outsider_therapist", 404),
        ("no_role_user", 403),
    ],
)
def test_who_may_make_a_link_and_review(request, as_user, care_client, submission, who, status):
    user = request.getfixturevalue(who)

    link_page = as_user(user).get(f"/clients/{care_client.public_id}/forms/link/")
    review = as_user(user).get(f"/submissions/{submission.public_id}/")
    accept = as_user(user).post(f"/submissions/{submission.public_id}/decline/", {"reason": "Not this client"})

    assert (link_page.status_code, review.status_code) == (status, status)
    assert accept.status_code == (302 if status == 200 else status)


@pytest.mark.django_db
def test_signed_out_staff_pages_ask_to_sign_in(care_client, submission):
    for path in (f"/clients/{care_client.public_id}/forms/link/", f"/submissions/{submission.public_id}/"):
        assert Browser().get(path).status_code == 302


# -- The tablet ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_tablet_reaches_only_the_forms_and_leaving_needs_the_password(as_user, front_desk, care_client):
    front_desk.set_password(PASSWORD)
    front_desk.save()
    tablet = as_user(front_desk)
    tablet.post(f"/clients/{care_client.public_id}/forms/handover/")

    blocked = [tablet.get(path) for path in ("/", "/clients/", f"/clients/{care_client.public_id}/", "/admin/")]
    sent = tablet.post("/handover/forms/", client_form_data(), follow=True)
    wrong = tablet.post("/handover/exit/", {"password": "guess"}, follow=True)
    still = tablet.get("/clients/")
    back = tablet.post("/handover/exit/", {"password": PASSWORD}, follow=True)

    submission = ClientSubmission.objects.get()
    assert all(r.status_code == 302 and r["Location"] == "/handover/forms/" for r in blocked)
    assert "Please hand the tablet back" in sent.content.decode()
    assert "not the password" in wrong.content.decode()
    assert still["Location"] == "/handover/forms/"
    assert back.redirect_chain[-1][0] == submission.get_absolute_url()
    assert "review them below" in back.content.decode()
    assert submission.link.via == "tablet"
    assert Client.objects.get(pk=care_client.pk).phone == care_client.phone


# -- Disposal ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_disposal_removes_what_the_client_sent_with_the_rest_of_the_record(
    as_user, front_desk, therapist, clinic_admin, care_client
):
    second_admin = factories.clinic_admin_user(username="second")
    device_of(second_admin)
    clinical_record(care_client, therapist=therapist, front_desk=front_desk)
    phone().post(make_link(as_user, front_desk, care_client), client_form_data())
    make_link(as_user, front_desk, care_client)  # a second link, never used
    with years_later(30):
        requested = disposal.request_disposal(client=care_client, by=clinic_admin, reason="Retention over")
        done = disposal.approve_disposal(disposal=requested, by=verified(second_admin))

    assert (done.counts["forms sent by the client"], done.counts["links to the client's forms"]) == (1, 2)
    assert not ClientSubmission.objects.exists() and not ClientLink.objects.exists()


# -- More of the link ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["x" * 5000, "ünïcödé-☃", "%00", "AAAAAAAAAAAAAAAAAAAAA%2F"])
def test_a_strange_token_opens_nothing_and_is_no_error(token):
    response = phone().get(f"/f/{token}/")

    assert response.status_code in (400, 404)


@pytest.mark.django_db
def test_the_questionnaires_chosen_for_the_link_are_filled_in_and_recorded_as_the_clients_own_on_acceptance(
    as_user, front_desk, care_client
):
    from intake import client_form_services
    from intake.models import QuestionnaireResponse

    _link, token = client_form_services.create_link(client=care_client, by=front_desk, instruments=["rmdq", "nprs"])
    browser = phone()
    page = browser.get(f"/f/{token}/").content.decode()
    answers = {f"q-rmdq-item_{n}": "on" for n in (2, 5, 11)} | {"q-nprs-item_rating": "6"}

    unanswered = browser.post(f"/f/{token}/", client_form_data())  # NPRS needs its rating: nothing is sent
    # The staff form's "answered at" is not the client's to give: a crafted one changes nothing (taken_at below).
    sent = browser.post(f"/f/{token}/", client_form_data() | answers | {"q-nprs-answered_at": "2020-01-01 00:00"})
    submission = ClientSubmission.objects.get()
    review = as_user(front_desk).get(f"/submissions/{submission.public_id}/").content.decode()
    as_user(front_desk).post(f"/submissions/{submission.public_id}/accept/")

    assert "Roland-Morris Disability Questionnaire" in page and "Numeric Pain Rating Scale" in page
    assert unanswered.status_code == 200 and "Choose one answer." in unanswered.content.decode()
    assert sent.status_code == 302
    assert submission.data["questionnaires"] == {
        "rmdq": {str(n): n in (2, 5, 11) for n in range(1, 25)},
        "nprs": {"rating": 6},
    }
    assert "RMDQ-24: Roland-Morris Disability Questionnaire</strong>: 3 / 24" in review
    assert "NPRS: Numeric Pain Rating Scale</strong>: 6 / 10" in review
    recorded = {r.instrument: r for r in QuestionnaireResponse.objects.filter(client=care_client)}
    assert (recorded["rmdq"].score, recorded["nprs"].score) == (3, 6)
    assert {r.source for r in recorded.values()} == {"client"}
    assert all(r.taken_at == submission.submitted_at and r.recorded_by is None for r in recorded.values())


@pytest.mark.django_db
def test_an_email_that_cannot_be_sent_says_so_and_the_link_still_shows(settings, as_user, front_desk, care_client):
    from unittest import mock

    settings.EMAIL_CONFIGURED = True
    with mock.patch("intake.client_form_services.send_mail", side_effect=OSError("no route")):
        response = as_user(front_desk).post(f"/clients/{care_client.public_id}/forms/link/", {"email": "m@example.org"})

    page = response.content.decode()
    assert "could not be sent" in page and "QR code of the link" in page
    assert ClientLink.objects.get().emailed_to == ""


@pytest.mark.django_db
def test_an_archived_client_is_sent_no_forms(as_user, front_desk, care_client):
    from clinic.services import archive_client

    archive_client(client=care_client, archived_by=front_desk)

    response = as_user(front_desk).post(f"/clients/{care_client.public_id}/forms/link/", {})

    assert response.status_code == 302
    assert not ClientLink.objects.exists()
