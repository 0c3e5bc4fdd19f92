"""Recording a questionnaire through the pages: who may, what is stored (scored at save), what the audit log holds,
and hostile input re-showing the form with errors beside the fields, never a 500."""

import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError, transaction

from clinic import services as clinic_services
from intake.models import QuestionnaireResponse
from tests import hostile_payloads as hostile

pytestmark = pytest.mark.django_db


def new_url(client, instrument=""):
    url = f"/clients/{client.public_id}/questionnaires/new/"
    return f"{url}?instrument={instrument}" if instrument else url


def rmdq_data(*ticked):
    return {"instrument": "rmdq", **{f"item_{n}": "on" for n in ticked}}


def startback_data(agree=(1, 5, 6, 7), bother=3):
    return {"instrument": "startback", **{f"item_{n}": str(int(n in agree)) for n in range(1, 9)}, "item_9": bother}


@pytest.mark.parametrize("role", ["front_desk", "therapist", "clinic_admin"])
def test_front_desk_care_team_and_admin_record_an_rmdq_scored_at_save(request, as_user, care_client, role):
    browser = as_user(request.getfixturevalue(role))

    response = browser.post(new_url(care_client), rmdq_data(1, 2, 3, 10, 24))

    stored = QuestionnaireResponse.objects.get()
    assert response.status_code == 302 and response["Location"] == stored.get_absolute_url()
    assert (stored.instrument, stored.score, stored.complete, stored.source) == ("rmdq", 5, True, "staff")
    assert stored.answers["24"] is True and stored.answers["4"] is False
    page = browser.get(stored.get_absolute_url()).content.decode()
    assert "5 of 24" in page and "I stay in bed most of the time because of my back." in page


def test_the_write_and_the_read_are_audited(as_user, front_desk, care_client):
    browser = as_user(front_desk)
    browser.post(new_url(care_client), startback_data())
    stored = QuestionnaireResponse.objects.get()

    browser.get(stored.get_absolute_url())

    entries = LogEntry.objects.get_for_object(stored)
    assert {entry.action for entry in entries} == {LogEntry.Action.CREATE, LogEntry.Action.ACCESS}
    created = entries.get(action=LogEntry.Action.CREATE)
    assert created.actor == front_desk
    assert created.additional_data == {"client": str(care_client.public_id)}
    assert (stored.score, stored.subscales) == (5, {"psychosocial": 4, "risk": "high"})


def test_a_therapist_outside_the_care_team_gets_404_and_nothing_is_stored(as_user, outsider_therapist, care_client):
    browser = as_user(outsider_therapist)

    assert browser.get(new_url(care_client, "rmdq")).status_code == 404
    assert browser.post(new_url(care_client), rmdq_data(1)).status_code == 404
    assert not QuestionnaireResponse.objects.exists()


def test_a_therapist_outside_the_care_team_cannot_read_one(as_user, front_desk, outsider_therapist, care_client):
    as_user(front_desk).post(new_url(care_client), rmdq_data(1))
    stored = QuestionnaireResponse.objects.get()

    assert as_user(outsider_therapist).get(stored.get_absolute_url()).status_code == 404


def test_a_user_without_a_role_gets_403(as_user, no_role_user, care_client):
    assert as_user(no_role_user).get(new_url(care_client)).status_code == 403
    assert as_user(no_role_user).post(new_url(care_client), rmdq_data(1)).status_code == 403


def test_the_choice_lists_the_instruments_and_the_clients_answers(as_user, therapist, care_client):
    browser = as_user(therapist)
    browser.post(new_url(care_client), {"instrument": "nprs", "item_rating": "6"})

    page = browser.get(new_url(care_client)).content.decode()

    for name in ("NPRS", "PSFS", "RMDQ-24", "HOOS-12", "STarT Back"):
        assert name in page
    assert "6 of 10" in page


def test_hoos12_items_may_be_left_blank_and_each_scale_follows_its_rule(as_user, therapist, care_client):
    data = {"instrument": "hoos12", "item_1": "1", "item_2": "2", "item_5": "0", "item_6": "0", "item_9": "4"}

    as_user(therapist).post(new_url(care_client), data)

    stored = QuestionnaireResponse.objects.get()
    assert stored.subscales == {"pain": 62.5, "function": 100, "qol": None}
    assert stored.score is None and stored.complete is False


def test_lefs_is_copied_from_the_printed_form_item_by_item_and_needs_every_item(as_user, front_desk, care_client):
    browser = as_user(front_desk)
    marked = [4, 3, 3, 2, 3, 2, 3, 3, 2, 3, 3, 2, 3, 2, 3, 2, 2, 2, 2, 3]
    data = {"instrument": "lefs", **{f"item_{n}": str(v) for n, v in enumerate(marked, 1)}}

    page = browser.get(new_url(care_client, "lefs")).content.decode()
    short = browser.post(new_url(care_client), {k: v for k, v in data.items() if k != "item_20"})
    kept = QuestionnaireResponse.objects.count()
    browser.post(new_url(care_client), data)

    assert "From the client&#x27;s printed LEFS form" in page and "20. Item 20 of the printed form" in page
    assert "Nothing was saved" in short.content.decode() and kept == 0
    stored = QuestionnaireResponse.objects.get()
    assert (stored.instrument, stored.score, stored.complete) == ("lefs", 52, True)


def test_startback_needs_every_answer_and_keeps_what_was_given(as_user, front_desk, care_client):
    data = startback_data()
    del data["item_9"]

    response = as_user(front_desk).post(new_url(care_client), data)

    page = response.content.decode()
    assert response.status_code == 200 and "Nothing was saved" in page
    assert "Choose one answer." in page
    assert page.count("checked") == 8  # the eight answers given are still chosen
    assert not QuestionnaireResponse.objects.exists()


def test_psfs_records_named_activities_and_starts_the_next_with_them(as_user, therapist, care_client):
    browser = as_user(therapist)
    data = {"instrument": "psfs", "activity_0": "climbing stairs", "rating_0": "4"}
    data |= {"activity_1": "gardening", "rating_1": "5", "activity_2": "driving", "rating_2": "7"}

    browser.post(new_url(care_client), data)
    follow_up = browser.get(new_url(care_client, "psfs")).content.decode()

    stored = QuestionnaireResponse.objects.get()
    assert (stored.score, stored.complete) == (5.3, True)
    assert 'value="climbing stairs"' in follow_up and 'value="gardening"' in follow_up


def test_psfs_an_activity_without_a_rating_is_an_error_beside_it(as_user, therapist, care_client):
    data = {"instrument": "psfs", "activity_0": "climbing stairs", "rating_0": "", "activity_1": "", "rating_1": "6"}

    page = as_user(therapist).post(new_url(care_client), data).content.decode()

    assert "Rate this activity from 0 to 10." in page
    assert "Name the activity this rating is for." in page
    assert 'value="climbing stairs"' in page  # nothing lost on re-display
    assert not QuestionnaireResponse.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"instrument": "hoos12", "item_1": "9"},
        {"instrument": "hoos12", "item_1": "-1"},
        {"instrument": "nprs", "item_rating": "11"},
        {"instrument": "nprs", "item_rating": "six"},
        {"instrument": "startback", **{f"item_{n}": "2" for n in range(1, 10)}},
        {"instrument": "psfs", "activity_0": "x" * 201, "rating_0": "3"},
        {"instrument": "psfs", "activity_0": "stairs", "rating_0": "10.5"},
    ],
)
def test_wrong_values_re_show_the_form_with_errors(as_user, therapist, care_client, data):
    response = as_user(therapist).post(new_url(care_client), data)

    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert not QuestionnaireResponse.objects.exists()


def test_extra_fields_are_ignored(as_user, therapist, care_client):
    data = rmdq_data(3) | {"score": "0", "item_99": "on", "complete": "false", "source": "client", "recorded_by": "1"}

    as_user(therapist).post(new_url(care_client), data)

    stored = QuestionnaireResponse.objects.get()
    assert (stored.score, stored.complete, stored.source, stored.recorded_by) == (1, True, "staff", stored.recorded_by)
    assert "99" not in stored.answers


def test_an_unknown_instrument_is_404(as_user, therapist, care_client):
    assert as_user(therapist).get(new_url(care_client, "koos")).status_code == 404
    assert as_user(therapist).post(new_url(care_client), {"instrument": "odi"}).status_code == 404


def test_a_huge_payload_is_refused_without_a_500(as_user, therapist, care_client):
    data = {"instrument": "psfs", "activity_0": "stairs" * 100_000, "rating_0": "3"}

    response = as_user(therapist).post(new_url(care_client), data)

    assert response.status_code in (200, 400)
    assert not QuestionnaireResponse.objects.exists()


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_hostile_activity_names_are_stored_as_sent_and_shown_escaped(as_user, therapist, care_client, payload):
    browser = as_user(therapist)
    stored_text = hostile.as_stored(payload)
    data = {"instrument": "psfs", "activity_0": payload, "rating_0": "3"}

    response = hostile.post_raw(browser, new_url(care_client), data)

    if stored_text is None or not stored_text:
        assert response.status_code == 200
        assert not QuestionnaireResponse.objects.exists()
        return
    stored = QuestionnaireResponse.objects.get()
    assert stored.answers["activities"][0]["name"] == stored_text
    hostile.assert_page_is_safe(browser.get(stored.get_absolute_url()), stored_text)


def test_an_archived_client_takes_no_questionnaire(as_user, front_desk, care_client):
    clinic_services.archive_client(client=care_client, archived_by=front_desk, reason="Moved away")

    response = as_user(front_desk).post(new_url(care_client), rmdq_data(1))

    assert response.status_code == 302
    assert not QuestionnaireResponse.objects.exists()


def test_a_questionnaire_response_is_never_deleted(as_user, front_desk, care_client):
    as_user(front_desk).post(new_url(care_client), rmdq_data(1))
    stored = QuestionnaireResponse.objects.get()

    with pytest.raises(DatabaseError), transaction.atomic():
        QuestionnaireResponse.objects.filter(pk=stored.pk)._raw_delete(using="default")

    assert QuestionnaireResponse.objects.filter(pk=stored.pk).exists()


def test_an_approved_disposal_deletes_the_clients_questionnaires_and_no_one_elses(
    as_user, front_desk, clinic_admin, therapist, care_client
):
    from notes.disposal import _delete_clinical_record
    from tests.factories import ClientFactory
    from tests.test_record_triggers import approved_disposal_under_way

    other = ClientFactory(care_team=[therapist])
    for each in (care_client, other):
        as_user(front_desk).post(new_url(each), rmdq_data(1, 2))
    under_way = approved_disposal_under_way(care_client, requested_by=clinic_admin, approved_by=front_desk)

    counts = _delete_clinical_record(under_way)

    assert counts["questionnaires"] == 1
    assert list(QuestionnaireResponse.objects.values_list("client", flat=True)) == [other.pk]
