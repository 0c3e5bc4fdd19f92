"""At each visit, before a sensitive area is treated, the client agrees to it again: their initials per area on the
tablet (typed or drawn), or out loud where the province's rules allow it. Abdominal work and charting a sensitive
area as treated wait for it; once the note is signed it is frozen with it; a disposal removes it."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from notes.models import AreaConfirmation, AreaTreated, SignedSessionIsReadOnly
from tests import history_helpers as h
from tests.factories import screened_intake, therapist_user
from tests.record_helpers import run_sql
from tests.test_areas_treated import note_with_areas

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-staff-password"
ABDOMEN = {"area": "abdomen", "side": "right", "techniques": ["iliopsoas_release"], "note": ""}
GLUTEALS = {"area": "gluteals", "side": "left", "techniques": ["petrissage"], "note": ""}


@pytest.fixture
def visit(care_client, therapist, front_desk):
    """A draft session of a client whose consent names the abdomen, the gluteal region and the chest wall (not the
    front of the hip or the breast); today's health check done; nothing initialled yet."""
    screened_intake(care_client, by=front_desk, complaints=[h.LOW_BACK])
    h.give_consent(care_client, by=front_desk, areas=["abdomen", "gluteal", "chest_wall"])
    h.check_in(care_client, by=front_desk)
    therapist.set_password(PASSWORD)
    therapist.save()
    return h.draft_session(care_client, therapist=therapist, initialled=())


def handed_over(as_user, therapist, session):
    tablet = as_user(therapist)
    started = tablet.post(f"/sessions/{session.public_id}/areas/handover/")
    assert started.status_code == 302 and started["Location"] == "/areas/handover/"
    return tablet


def answers(**words) -> dict:
    """The tablet's form: `abdomen="DK"` agrees with typed initials, `chest_wall=None` says "not today"."""
    data = {}
    for area, initials in words.items():
        data[f"word_{area}"] = "not_today" if initials is None else "agreed"
        data[f"initials_{area}"] = initials or ""
    return data


def test_the_tablet_asks_each_consented_area_and_nothing_else_is_reachable(as_user, therapist, visit):
    tablet = handed_over(as_user, therapist, visit)

    page = tablet.get("/areas/handover/").content.decode()
    blocked = [tablet.get(path) for path in ("/", visit.get_absolute_url(), f"/clients/{visit.client.public_id}/")]

    assert [f'data-area="{code}"' in page for code in ("abdomen", "gluteal", "chest_wall")] == [True] * 3
    assert 'data-area="front_hip"' not in page and 'data-area="breast"' not in page
    assert "Maya Chen" in page and "Low back" not in page  # the client's name, nothing of the chart
    assert all(r.status_code == 302 and r["Location"] == "/areas/handover/" for r in blocked)


def test_the_client_initials_area_by_area_and_the_therapist_takes_the_tablet_back(as_user, therapist, visit):
    tablet = handed_over(as_user, therapist, visit)

    done = tablet.post("/areas/handover/", answers(abdomen="MC", gluteal="M.C.", chest_wall=None), follow=True)
    wrong = tablet.post("/handover/exit/", {"password": "guess"}, follow=True)
    back = tablet.post("/handover/exit/", {"password": PASSWORD}, follow=True)

    rows = {row.area: row for row in AreaConfirmation.objects.filter(session=visit)}
    assert "Please hand the tablet back" in done.content.decode()
    assert "not the password" in wrong.content.decode()
    assert back.redirect_chain[-1][0] == visit.get_absolute_url()
    assert "The client&#x27;s answer for each area is recorded." in back.content.decode()
    assert {area: (row.agreed, row.initials, row.method) for area, row in rows.items()} == {
        "abdomen": (True, "MC", "initials_typed"),
        "gluteal": (True, "M.C.", "initials_typed"),
        "chest_wall": (False, "", "initials_typed"),
    }
    assert all(row.recorded_by == therapist and row.consent.client == visit.client for row in rows.values())
    status = back.content.decode()
    assert "agreed today" in status and "initials “MC”" in status and "not today" in status


def test_agreeing_without_initials_is_refused_beside_the_area_and_nothing_is_kept(as_user, therapist, visit):
    tablet = handed_over(as_user, therapist, visit)

    response = tablet.post("/areas/handover/", answers(abdomen="", gluteal="MC") | {"word_abdomen": "agreed"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was recorded yet: please see the message beside each area below." in page
    assert "Type or draw your initials to agree to abdomen today." in page
    assert "Choose “Yes, today” or “Not today” for this area." in page  # the chest wall, unanswered
    assert 'value="MC"' in page  # what was typed stays
    assert not AreaConfirmation.objects.exists()


def test_initials_drawn_on_the_tablet_are_kept_as_an_image(as_user, therapist, visit):
    tablet = handed_over(as_user, therapist, visit)

    tablet.post(
        "/areas/handover/",
        answers(abdomen="", gluteal=None, chest_wall=None)
        | {"word_abdomen": "agreed", "drawing_abdomen": h.SIGNATURE_PNG},
    )

    row = AreaConfirmation.objects.get(area="abdomen")
    assert (row.agreed, row.method, row.initials_drawing) == (True, "initials_drawn", h.SIGNATURE_PNG)
    tablet.post("/handover/exit/", {"password": PASSWORD})
    draft_page = tablet.get(visit.get_absolute_url()).content.decode()
    assert f'src="{h.SIGNATURE_PNG}" alt="Initials drawn for Abdomen"' in draft_page  # the drawing, on the draft too


def test_a_drawing_that_is_not_a_png_is_refused(as_user, therapist, visit):
    tablet = handed_over(as_user, therapist, visit)

    response = tablet.post(
        "/areas/handover/",
        answers(abdomen="MC", gluteal=None, chest_wall=None) | {"drawing_abdomen": "data:image/png;base64,PHN2Zz4="},
    )

    assert "The drawn initials could not be read" in response.content.decode()
    assert not AreaConfirmation.objects.exists()


def test_abdominal_work_waits_for_the_abdomen_initialled_at_this_visit(as_user, therapist, visit):
    browser = as_user(therapist)

    before = browser.get(visit.get_absolute_url()).content.decode()
    refused = browser.post(f"/sessions/{visit.public_id}/abdominal/", {"reconfirmed": "on"}, follow=True)
    h.initial_areas(visit, "abdomen", by=therapist)
    opened = browser.post(f"/sessions/{visit.public_id}/abdominal/", {"reconfirmed": "on"}, follow=True)

    assert "The client has not initialled the abdomen for this visit." in before
    assert 'name="action" value="start"' not in before
    assert "The client has not initialled the abdomen for this visit." in refused.content.decode()
    assert "Re-confirmation recorded" in opened.content.decode()
    assert visit.segments.count() == 1


def test_not_today_keeps_abdominal_work_closed_until_initialled_again(as_user, therapist, visit):
    h.initial_areas(visit, "abdomen", by=therapist, agreed=False)

    closed = as_user(therapist).post(f"/sessions/{visit.public_id}/abdominal/", {"reconfirmed": "on"}, follow=True)
    h.initial_areas(visit, "abdomen", by=therapist)
    opened = as_user(therapist).post(f"/sessions/{visit.public_id}/abdominal/", {"reconfirmed": "on"}, follow=True)

    assert "At this visit the client said “not today” to the abdomen" in closed.content.decode()
    assert "Re-confirmation recorded" in opened.content.decode()


def test_a_sensitive_area_is_charted_only_once_agreed_at_this_visit(as_user, therapist, visit):
    browser = as_user(therapist)

    refused = browser.post(f"/sessions/{visit.public_id}/edit/", note_with_areas(visit, ABDOMEN, GLUTEALS))
    h.initial_areas(visit, "gluteal", by=therapist)
    h.initial_areas(visit, "abdomen", by=therapist, agreed=False)
    visit.refresh_from_db()
    still = browser.post(f"/sessions/{visit.public_id}/edit/", note_with_areas(visit, ABDOMEN, GLUTEALS))
    charted = browser.post(f"/sessions/{visit.public_id}/edit/", note_with_areas(visit, GLUTEALS))

    assert refused.status_code == 200
    assert "has not agreed to this area (Abdomen) at this visit" in refused.content.decode()
    assert "has not agreed to this area (Gluteals) at this visit" in refused.content.decode()
    assert "(Gluteals) at this visit" not in still.content.decode()
    assert "has not agreed to this area (Abdomen) at this visit" in still.content.decode()
    assert charted.status_code == 302
    assert [a.area for a in AreaTreated.objects.filter(session=visit)] == ["gluteals"]


def test_out_loud_is_enough_only_where_the_province_says_so(as_user, therapist, visit, settings):
    browser = as_user(therapist)

    gluteal = browser.post(f"/sessions/{visit.public_id}/areas/verbal/", {"area": "gluteal"}, follow=True)
    abdomen = browser.post(f"/sessions/{visit.public_id}/areas/verbal/", {"area": "abdomen"}, follow=True)
    chest_on = browser.post(f"/sessions/{visit.public_id}/areas/verbal/", {"area": "chest_wall"}, follow=True)
    settings.CONSENT_PROVINCE = "BC"
    chest_bc = browser.post(f"/sessions/{visit.public_id}/areas/verbal/", {"area": "chest_wall"}, follow=True)
    breast = browser.post(f"/sessions/{visit.public_id}/areas/verbal/", {"area": "breast"}, follow=True)

    assert "the client agreed out loud to Gluteal region today" in gluteal.content.decode()
    assert "Abdomen needs the client&#x27;s initials at each visit" in abdomen.content.decode()
    assert "Chest wall needs the client&#x27;s initials at each visit" in chest_on.content.decode()
    assert "the client agreed out loud to Chest wall today" in chest_bc.content.decode()
    assert "No consent in force names Breast" in breast.content.decode()
    assert sorted(AreaConfirmation.objects.values_list("area", "method")) == [
        ("chest_wall", "verbal"),
        ("gluteal", "verbal"),
    ]


def test_an_area_no_consent_names_cannot_be_confirmed_even_by_a_forged_post(as_user, therapist, visit):
    tablet = handed_over(as_user, therapist, visit)

    tablet.post("/areas/handover/", answers(abdomen="MC", gluteal=None, chest_wall=None, breast="MC", front_hip="MC"))

    assert sorted(AreaConfirmation.objects.values_list("area", flat=True)) == ["abdomen", "chest_wall", "gluteal"]


def test_a_withdrawal_after_the_initials_still_closes_the_gate(as_user, therapist, front_desk, visit):
    h.initial_areas(visit, "abdomen", by=therapist)
    h.withdraw(visit.client.consents.get(), by=front_desk)

    response = as_user(therapist).post(f"/sessions/{visit.public_id}/abdominal/", {"reconfirmed": "on"}, follow=True)

    assert "withdrew their abdominal-work consent" in response.content.decode()
    assert not visit.segments.exists()


@pytest.mark.parametrize("who", ["front_desk", "clinic_admin", "other_therapist"])
def test_only_the_sessions_own_therapist_records_the_areas(as_user, who, visit, front_desk, clinic_admin):
    users = {"front_desk": front_desk, "clinic_admin": clinic_admin, "other_therapist": therapist_user(username="o")}
    if who == "other_therapist":
        visit.client.care_team.add(users[who])
    browser = as_user(users[who])

    started = browser.post(f"/sessions/{visit.public_id}/areas/handover/")
    verbal = browser.post(f"/sessions/{visit.public_id}/areas/verbal/", {"area": "gluteal"})

    assert started.status_code in (403, 404) and verbal.status_code in (403, 404)
    assert browser.get("/areas/handover/")["Location"] == "/"
    assert not AreaConfirmation.objects.exists()


def test_a_therapist_outside_the_care_team_gets_a_404(as_user, outsider_therapist, visit):
    response = as_user(outsider_therapist).post(f"/sessions/{visit.public_id}/areas/handover/")

    assert response.status_code == 404
    assert not AreaConfirmation.objects.exists()


def test_a_signed_session_takes_no_new_word_and_shows_what_was_recorded(as_user, therapist, visit):
    h.initial_areas(visit, "abdomen", by=therapist, initials="MC")
    h.initial_areas(visit, "chest_wall", by=therapist, agreed=False)
    h.services.sign_session(session=visit, by=therapist)
    browser = as_user(therapist)

    started = browser.post(f"/sessions/{visit.public_id}/areas/handover/", follow=True)
    verbal = browser.post(f"/sessions/{visit.public_id}/areas/verbal/", {"area": "gluteal"}, follow=True)
    page = browser.get(visit.get_absolute_url()).content.decode()

    assert "This session is signed: nothing can be added." in started.content.decode()
    assert "This session is signed: nothing can be added." in verbal.content.decode()
    assert AreaConfirmation.objects.count() == 2
    assert "initials “MC”, initials typed on the tablet" in page and "Chest wall</strong>: not today" in page
    with pytest.raises(SignedSessionIsReadOnly):
        AreaConfirmation(
            session=visit,
            consent=visit.client.consents.get(),
            area="gluteal",
            agreed=True,
            method="verbal",
            recorded_by=therapist,
        ).save()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE notes_areaconfirmation SET initials = 'XX' WHERE session_id = %s",
        "DELETE FROM notes_areaconfirmation WHERE session_id = %s",
    ],
)
def test_the_database_freezes_a_signed_sessions_agreements(therapist, visit, sql):
    h.initial_areas(visit, "abdomen", by=therapist)
    h.services.sign_session(session=visit, by=therapist)
    before = list(AreaConfirmation.objects.values())

    with pytest.raises(DatabaseError), transaction.atomic():
        run_sql(sql, [visit.pk])

    assert list(AreaConfirmation.objects.values()) == before


def test_the_database_refuses_a_new_agreement_in_a_signed_session(therapist, visit):
    (row,) = h.initial_areas(visit, "abdomen", by=therapist)
    h.services.sign_session(session=visit, by=therapist)
    columns = "public_id, session_id, consent_id, area, agreed, method, initials, initials_drawing, confirmed_at"
    insert = (
        f"INSERT INTO notes_areaconfirmation ({columns}, recorded_by_id) "  # noqa: S608  (fixed names)
        "SELECT %s, session_id, consent_id, 'gluteal', agreed, method, initials, initials_drawing, confirmed_at, "
        "recorded_by_id FROM notes_areaconfirmation WHERE id = %s"
    )
    public_id = (
        "7d9c1f0e4b2a4c6e8f1a2b3c4d5e6f70" if connection.vendor == "sqlite" else "7d9c1f0e-4b2a-4c6e-8f1a-2b3c4d5e6f70"
    )

    with pytest.raises(DatabaseError), transaction.atomic():
        run_sql(insert, [public_id, row.pk])

    assert AreaConfirmation.objects.count() == 1


def test_the_seal_covers_the_visits_agreements(therapist, visit):
    (row,) = h.initial_areas(visit, "abdomen", by=therapist, initials="MC")
    h.services.sign_session(session=visit, by=therapist)
    lift = {
        "sqlite": "DROP TRIGGER notes_areaconfirmation_no_update",
        "postgresql": "DROP TRIGGER notes_areaconfirmation_guard ON notes_areaconfirmation",
    }
    run_sql(lift[connection.vendor])
    run_sql("UPDATE notes_areaconfirmation SET initials = 'XX' WHERE id = %s", [row.pk])
    errors = io.StringIO()

    with pytest.raises(CommandError):
        call_command("verify_notes", stdout=io.StringIO(), stderr=errors)

    assert f"ALTERED: session {visit.public_id}" in errors.getvalue()
