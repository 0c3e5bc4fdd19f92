"""Emergency access ("break the glass"): a therapist outside the care team reads a client's record for a reason.

Read-only and for a limited time; audited, and listed on the clinic admin's home page and the client's history.
"""

from datetime import timedelta
from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic import roles
from clinic.models import AuditBypassRefused, Client, EmergencyAccess
from clinic.services import EmergencyAccessRefused, grant_emergency_access
from tests import factories
from tests import history_helpers as h

pytestmark = pytest.mark.django_db

REASON = "Covering Theo's 3 pm client today; he is off sick."


def page(client, name):
    return {
        "client": f"/clients/{client.public_id}/",
        "emergency": f"/clients/{client.public_id}/emergency-access/",
        "history": f"/clients/{client.public_id}/history/",
        "pdf": f"/clients/{client.public_id}/export.pdf",
        "fhir": f"/clients/{client.public_id}/export.fhir.json",
        "csv": f"/clients/{client.public_id}/export.csv.zip",
        "new-session": f"/clients/{client.public_id}/sessions/new/",
        "new-intake": f"/clients/{client.public_id}/intakes/new/",
    }[name]


@pytest.fixture
def signed(care_client, therapist, front_desk):
    """A signed session of `therapist` with `care_client` (Maya Chen), after an intake."""
    h.take_intake(care_client, by=front_desk)
    return h.signed_session(care_client, therapist=therapist, subjective=h.SIGNED_NOTE)


def break_the_glass(browser, client, reason=REASON):
    return browser.post(page(client, "emergency"), {"reason": reason})


# -- Before a grant ---------------------------------------------------------------------------------------------


def test_outside_the_care_team_the_record_is_404_and_the_client_page_offers_emergency_access(
    as_user, outsider_therapist, care_client, signed
):
    browser = as_user(outsider_therapist)

    history = browser.get(page(care_client, "history"))
    session = browser.get(signed.get_absolute_url())
    client_page = browser.get(page(care_client, "client"))

    assert history.status_code == 404
    assert session.status_code == 404
    assert client_page.status_code == 200
    assert page(care_client, "emergency").encode() in client_page.content


@pytest.mark.parametrize("role", ["therapist", "front_desk", "clinic_admin"])
def test_the_client_page_offers_emergency_access_to_nobody_else(request, as_user, care_client, role):
    response = as_user(request.getfixturevalue(role)).get(page(care_client, "client"))

    assert response.status_code == 200
    assert page(care_client, "emergency").encode() not in response.content


@pytest.mark.parametrize("role", ["front_desk", "clinic_admin", "no_role_user"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_other_roles_get_403_for_the_emergency_page(request, as_user, care_client, role, method):
    browser = as_user(request.getfixturevalue(role))

    response = getattr(browser, method)(page(care_client, "emergency"), {"reason": REASON})

    assert response.status_code == 403
    assert not EmergencyAccess.objects.exists()


def test_a_care_team_therapist_is_sent_straight_to_the_record(as_user, therapist, care_client):
    response = break_the_glass(as_user(therapist), care_client)

    assert response.status_code == 302
    assert response["Location"] == page(care_client, "history")
    assert not EmergencyAccess.objects.exists()


def test_an_unknown_client_answers_404(as_user, outsider_therapist):
    response = as_user(outsider_therapist).get("/clients/00000000-0000-4000-8000-000000000000/emergency-access/")

    assert response.status_code == 404


def test_the_emergency_page_asks_for_a_reason(as_user, outsider_therapist, care_client):
    response = as_user(outsider_therapist).get(page(care_client, "emergency"))

    assert response.status_code == 200
    assert b'name="reason"' in response.content
    assert b"read-only" in response.content


@pytest.mark.parametrize("reason", ["", "urgent", "   short   ", "x" * 9])
def test_a_reason_too_short_is_a_form_error_and_grants_nothing(as_user, outsider_therapist, care_client, reason):
    browser = as_user(outsider_therapist)

    response = break_the_glass(browser, care_client, reason)

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert not EmergencyAccess.objects.exists()
    assert browser.get(page(care_client, "history")).status_code == 404


# -- The grant --------------------------------------------------------------------------------------------------


def test_with_a_reason_the_record_opens_for_four_hours(as_user, outsider_therapist, care_client, signed):
    browser = as_user(outsider_therapist)

    response = break_the_glass(browser, care_client)
    history = browser.get(page(care_client, "history"))
    session = browser.get(signed.get_absolute_url())

    grant = EmergencyAccess.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page(care_client, "history")
    assert (grant.client, grant.user, grant.reason) == (care_client, outsider_therapist, REASON)
    assert grant.expires_at - grant.granted_at == timedelta(hours=4)
    assert history.status_code == 200
    assert h.SIGNED_NOTE.encode() in session.content
    assert b"You are reading this record under emergency access" in history.content


def test_the_grant_writes_an_audit_entry_naming_who_which_client_and_why(as_user, outsider_therapist, care_client):
    break_the_glass(as_user(outsider_therapist), care_client)

    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(EmergencyAccess))
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == outsider_therapist
    assert entry.additional_data["client"] == str(care_client.public_id)
    assert REASON in str(entry.changes)
    assert entry.remote_addr == "127.0.0.1"


def test_reading_the_record_under_emergency_access_is_audited_too(as_user, outsider_therapist, care_client):
    browser = as_user(outsider_therapist)
    break_the_glass(browser, care_client)

    browser.get(page(care_client, "history"))

    assert LogEntry.objects.filter(
        actor=outsider_therapist,
        action=LogEntry.Action.ACCESS,
        content_type=ContentType.objects.get_for_model(Client),
        object_pk=str(care_client.pk),
    ).exists()


def test_the_client_page_then_links_to_the_record_until_the_grant_ends(as_user, outsider_therapist, care_client):
    browser = as_user(outsider_therapist)
    break_the_glass(browser, care_client)

    response = browser.get(page(care_client, "client"))

    assert b"emergency access until" in response.content
    assert page(care_client, "history").encode() in response.content


@override_settings(EMERGENCY_ACCESS_DURATION=timedelta(minutes=10))
def test_after_the_grant_expires_the_record_is_404_again(as_user, outsider_therapist, care_client, signed):
    browser = as_user(outsider_therapist)
    break_the_glass(browser, care_client)
    assert browser.get(page(care_client, "history")).status_code == 200
    later = timezone.now() + timedelta(minutes=15)  # within the 30-minute idle limit of the sign-in session

    with mock.patch("django.utils.timezone.now", return_value=later):
        history = browser.get(page(care_client, "history"))
        session = browser.get(signed.get_absolute_url())
        client_page = browser.get(page(care_client, "client"))

    assert history.status_code == 404
    assert session.status_code == 404
    assert page(care_client, "emergency").encode() in client_page.content


def test_a_grant_opens_only_that_client_for_only_that_therapist(as_user, outsider_therapist, care_client):
    other_client = factories.ClientFactory()
    colleague = factories.therapist_user(username="colleague")
    break_the_glass(as_user(outsider_therapist), care_client)

    assert as_user(outsider_therapist).get(page(other_client, "history")).status_code == 404
    assert as_user(colleague).get(page(care_client, "history")).status_code == 404


# -- Read-only --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["new-session", "pdf", "fhir", "csv"])
def test_emergency_access_reads_only_no_session_no_export(as_user, outsider_therapist, care_client, name):
    browser = as_user(outsider_therapist)
    break_the_glass(browser, care_client)

    response = browser.get(page(care_client, name))

    assert response.status_code == 404


def test_emergency_access_cannot_write_to_an_existing_session(as_user, outsider_therapist, care_client, therapist):
    h.take_intake(care_client, by=therapist)
    draft = h.draft_session(care_client, therapist=therapist)
    browser = as_user(outsider_therapist)
    break_the_glass(browser, care_client)

    read = browser.get(draft.get_absolute_url())
    edit = browser.post(f"/sessions/{draft.public_id}/edit/", {"subjective": "overwritten"})

    assert read.status_code == 200
    assert b"/edit/" not in read.content
    assert edit.status_code == 404
    draft.refresh_from_db()
    assert draft.subjective != "overwritten"


def test_the_history_page_offers_no_export_under_emergency_access(as_user, outsider_therapist, care_client):
    browser = as_user(outsider_therapist)
    break_the_glass(browser, care_client)

    response = browser.get(page(care_client, "history"))

    assert page(care_client, "pdf").encode() not in response.content
    assert page(care_client, "fhir").encode() not in response.content
    assert page(care_client, "csv").encode() not in response.content


def test_a_grant_is_never_changed_or_deleted(outsider_therapist, care_client):
    grant = grant_emergency_access(client=care_client, user=outsider_therapist, reason=REASON)

    grant.expires_at = grant.expires_at + timedelta(days=30)
    with pytest.raises(AuditBypassRefused):
        grant.save()
    with pytest.raises(AuditBypassRefused):
        grant.delete()
    with pytest.raises(AuditBypassRefused):
        EmergencyAccess.objects.all().delete()
    with pytest.raises(AuditBypassRefused):
        EmergencyAccess.objects.update(reason="")


@pytest.mark.parametrize("role", ["front_desk", "clinic_admin"])
def test_the_service_grants_only_to_therapists(request, care_client, role):
    with pytest.raises(EmergencyAccessRefused):
        grant_emergency_access(client=care_client, user=request.getfixturevalue(role), reason=REASON)


# -- Flagged to the admins and on the history -------------------------------------------------------------------


def test_the_clinic_admin_home_page_lists_emergency_access_of_the_last_30_days(
    as_user, outsider_therapist, care_client, clinic_admin
):
    old_client = factories.ClientFactory(first_name="Olde", last_name="Grant")
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(days=31)):
        grant_emergency_access(client=old_client, user=outsider_therapist, reason="A month and more ago")
    break_the_glass(as_user(outsider_therapist), care_client)

    response = as_user(clinic_admin).get("/")

    assert [g.client for g in response.context["emergency_accesses"]] == [care_client]
    text = response.content.decode()
    section = text[text.index("Emergency access in the last 30 days") : text.index("Recent audit events")]
    assert outsider_therapist.display_name in section
    assert care_client.display_name in section
    assert REASON.replace("'", "&#x27;") in section
    assert "A month and more ago" not in section


@pytest.mark.parametrize("role", ["therapist", "front_desk"])
def test_other_roles_do_not_see_the_admins_list(request, as_user, outsider_therapist, care_client, role):
    grant_emergency_access(client=care_client, user=outsider_therapist, reason=REASON)

    response = as_user(request.getfixturevalue(role)).get("/")

    assert b"Emergency access in the last 30 days" not in response.content


@pytest.mark.parametrize("role", ["therapist", "clinic_admin"])
def test_the_client_history_shows_each_emergency_access(request, as_user, outsider_therapist, care_client, role):
    grant_emergency_access(client=care_client, user=outsider_therapist, reason=REASON)

    response = as_user(request.getfixturevalue(role)).get(page(care_client, "history"))

    text = response.content.decode()
    assert "Emergency access to this record" in text
    assert outsider_therapist.display_name in text
    assert REASON.replace("'", "&#x27;") in text


def test_a_reason_with_markup_is_shown_as_text(as_user, outsider_therapist, care_client, clinic_admin):
    break_the_glass(as_user(outsider_therapist), care_client, '<script>alert("x")</script> covering a shift')

    response = as_user(clinic_admin).get("/")

    assert b'<script>alert("x")</script>' not in response.content
    assert b"&lt;script&gt;" in response.content


# -- Queries ----------------------------------------------------------------------------------------------------


def test_visible_clients_are_not_repeated_when_the_team_is_large_and_a_grant_exists(outsider_therapist):
    team = [factories.therapist_user() for _ in range(3)]
    client = factories.ClientFactory(care_team=[*team, outsider_therapist])
    grant_emergency_access(client=client, user=outsider_therapist, reason=REASON)

    visible = list(Client.objects.clinically_visible_to(outsider_therapist))

    assert visible == [client]


def test_the_history_page_costs_the_same_queries_for_one_grant_and_fifteen(as_user, outsider_therapist):
    few, many = factories.ClientFactory(), factories.ClientFactory()
    colleagues = [factories.therapist_user() for _ in range(14)]
    for colleague in colleagues:
        grant_emergency_access(client=many, user=colleague, reason=REASON)
    for client in (few, many):
        grant_emergency_access(client=client, user=outsider_therapist, reason=REASON)
    browser = as_user(outsider_therapist)
    browser.get(page(few, "history"))  # warm the content-type and session caches

    counts = []
    for client in (few, many):
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(page(client, "history")).status_code == 200
        counts.append(len(captured))

    assert counts[0] == counts[1]


def test_roles_are_unchanged_for_the_rest_of_the_clinic(outsider_therapist):
    assert outsider_therapist.has_role(roles.THERAPIST)
    assert not outsider_therapist.is_clinic_admin


# -- The rest of the record, read-only --------------------------------------------------------------------------


@pytest.fixture
def intake_and_consent(care_client, front_desk):
    intake = h.take_intake(care_client, by=front_desk, red_flags={})
    consent = h.give_consent(care_client, by=front_desk, kind="treatment")
    return intake, consent


def test_intakes_and_consents_open_read_only_under_emergency_access(
    as_user, outsider_therapist, care_client, intake_and_consent
):
    intake, consent = intake_and_consent
    browser = as_user(outsider_therapist)
    before = [
        browser.get(f"/intakes/{intake.public_id}/").status_code,
        browser.get(consent.get_absolute_url()).status_code,
    ]
    break_the_glass(browser, care_client)

    intake_page = browser.get(f"/intakes/{intake.public_id}/")
    consent_page = browser.get(consent.get_absolute_url())
    edit = browser.get(f"/intakes/{intake.public_id}/edit/")
    withdraw = browser.post(f"/consents/{consent.public_id}/withdraw/", {"reason": "not mine to withdraw"})

    assert before == [404, 404]
    assert intake_page.status_code == 200
    assert intake_page.context["full"] is True
    assert f"/intakes/{intake.public_id}/edit/".encode() not in intake_page.content
    assert consent_page.status_code == 200
    assert f"/consents/{consent.public_id}/withdraw/".encode() not in consent_page.content
    assert edit.status_code == 404
    assert withdraw.status_code == 404
    consent.refresh_from_db()
    assert consent.is_active


@pytest.mark.parametrize("role", ["therapist", "front_desk", "clinic_admin"])
def test_the_others_still_see_the_edit_and_withdraw_links(request, as_user, intake_and_consent, role):
    intake, consent = intake_and_consent
    browser = as_user(request.getfixturevalue(role))

    intake_page = browser.get(f"/intakes/{intake.public_id}/")
    consent_page = browser.get(consent.get_absolute_url())

    assert f"/intakes/{intake.public_id}/edit/".encode() in intake_page.content
    assert f"/consents/{consent.public_id}/withdraw/".encode() in consent_page.content


@pytest.mark.parametrize("role", ["therapist", "clinic_admin", "outsider_therapist"])
def test_pages_of_a_client_never_opened_this_way_do_not_look_for_grants(request, as_user, care_client, role):
    browser = as_user(request.getfixturevalue(role))
    paths = [page(care_client, "client")] + ([] if role == "outsider_therapist" else [page(care_client, "history")])

    with CaptureQueriesContext(connection) as captured:
        statuses = [browser.get(path).status_code for path in paths]

    assert statuses == [200] * len(paths)
    # (The care-team check's subquery on grants is part of the client's own query, not a statement of its own.)
    assert not [q["sql"] for q in captured if q["sql"].startswith('SELECT "clinic_emergencyaccess"')]


@pytest.mark.parametrize("role", ["therapist", "outsider_therapist", "front_desk", "no_role_user", "clinic_admin"])
def test_the_check_on_one_client_agrees_with_the_filter_on_all(request, care_client, clinic_admin, role):
    """Pages that load a record first and check its client after (clinic.access.may_read_clinical_record) let in
    exactly the users the filter lets in: care team, emergency access not expired, clinic admins."""
    from clinic.access import may_read_clinical_record, on_care_team

    user = request.getfixturevalue(role)
    granted, expired, stranger = factories.ClientFactory(), factories.ClientFactory(), factories.ClientFactory()
    if user.is_therapist:
        grant_emergency_access(client=granted, user=user, reason=REASON)
        with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(days=1)):
            grant_emergency_access(client=expired, user=user, reason=REASON)
    clients = [care_client, granted, expired, stranger]
    filtered = set(Client.objects.clinically_visible_to(user).filter(pk__in=[c.pk for c in clients]))
    if user.is_therapist:  # the cases are there: a grant that opens, one that has expired
        assert granted in filtered and expired not in filtered and stranger not in filtered

    for client in clients:
        fresh = Client.objects.get(pk=client.pk)  # nothing cached from the setup
        assert may_read_clinical_record(user, fresh) == (client in filtered), client
        # The same with the care team read by its own statement (the session and history pages' way).
        on_team = on_care_team(user, client.pk)
        assert may_read_clinical_record(user, fresh, on_care_team=on_team) == (client in filtered), client
