"""Recording consent, hand-over mode on a tablet, withdrawal, and pacing warnings."""

from datetime import datetime, timedelta

import pytest

from notes.models import Consent, ConsentText, SensitiveArea
from notes.pacing import Reading, pacing_warnings

PASSWORD = "a-long-staff-password"


def consent_data(client, kind="abdominal", **overrides):
    text = ConsentText.objects.current(kind)
    areas = {f"area_{code}": "agreed" for code in SensitiveArea.values} if kind == "abdominal" else {}
    return {
        "kind": kind,
        "text_version": text.version,
        "has_read": "on",
        "signed_name": client.full_name,
        "support_person_offered": "yes",
        "signed_by": "client",
        **areas,
    } | overrides


@pytest.mark.django_db
def test_the_abdominal_text_names_every_area_it_covers():
    text = ConsentText.objects.current("abdominal").text

    for words in ("lower abdomen", "front of the hip", "upper inner thigh", "stop", "withdraw", "Alternatives"):
        assert words in text


@pytest.mark.django_db
def test_front_desk_records_a_consent_to_the_exact_current_text(as_user, front_desk, care_client):
    response = as_user(front_desk).post(f"/clients/{care_client.public_id}/consents/new/", consent_data(care_client))

    consent = Consent.objects.get(client=care_client)
    assert response.status_code == 302
    assert (consent.kind, consent.text, consent.collected_by) == (
        "abdominal",
        ConsentText.objects.current("abdominal"),
        front_desk,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"signed_name": "Somebody Else"}, "Type your full name as it is on your file"),
        ({"has_read": ""}, "Please read the text and tick this box"),
        ({"text_version": "99"}, "The consent text changed"),
        ({"signature_drawing": "data:image/png;base64,AAAA"}, "could not be read"),
    ],
)
def test_a_bad_signature_is_refused_with_a_clear_message(as_user, front_desk, care_client, overrides, message):
    response = as_user(front_desk).post(
        f"/clients/{care_client.public_id}/consents/new/", consent_data(care_client, **overrides)
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Consent.objects.exists()


@pytest.mark.django_db
def test_hand_over_mode_shows_only_the_consent_until_the_staff_password(as_user, front_desk, care_client):
    front_desk.set_password(PASSWORD)
    front_desk.save()
    tablet = as_user(front_desk)
    tablet.post(f"/clients/{care_client.public_id}/consents/handover/", {"kind": "abdominal"})

    blocked = [tablet.get(path) for path in ("/", "/clients/", f"/clients/{care_client.public_id}/", "/admin/")]
    signed = tablet.post("/handover/", consent_data(care_client), follow=True)
    wrong = tablet.post("/handover/exit/", {"password": "guess"}, follow=True)
    still_blocked = tablet.get("/clients/")
    back = tablet.post("/handover/exit/", {"password": PASSWORD}, follow=True)

    assert all(r.status_code == 302 and r["Location"] == "/handover/" for r in blocked)
    assert "Please hand the tablet back" in signed.content.decode()
    assert "not the password" in wrong.content.decode()
    assert still_blocked["Location"] == "/handover/"
    assert "The client signed the consent." in back.content.decode()
    assert tablet.get("/clients/").status_code == 200
    assert Consent.objects.get(client=care_client).collected_by == front_desk


@pytest.mark.django_db
def test_withdrawal_keeps_the_consent_visibly_withdrawn(as_user, front_desk, care_client):
    as_user(front_desk).post(f"/clients/{care_client.public_id}/consents/new/", consent_data(care_client))
    consent = Consent.objects.get()

    as_user(front_desk).post(f"/consents/{consent.public_id}/withdraw/", {"reason": "Changed my mind"})
    page = as_user(front_desk).get(care_client.get_absolute_url()).content.decode()

    consent.refresh_from_db()
    assert (consent.withdrawn_by, consent.withdrawal_reason) == (front_desk, "Changed my mind")
    assert consent.withdrawn_at is not None
    assert "withdrawn" in page


@pytest.mark.django_db
def test_a_new_text_version_shows_the_client_agreed_to_an_older_one(as_user, front_desk, care_client):
    as_user(front_desk).post(f"/clients/{care_client.public_id}/consents/new/", consent_data(care_client))
    ConsentText(
        kind="abdominal",
        version=ConsentText.objects.current("abdominal").version + 1,
        title="Consent v2",
        text="New wording",
    ).save()

    page = as_user(front_desk).get(care_client.get_absolute_url()).content.decode()

    assert "older version of the text" in page


T0 = datetime(2026, 11, 25, 10, 0, 0)


@pytest.mark.parametrize(
    ("readings", "expected"),
    [
        ([(0, 2, "tender"), (30, 4, "tender")], {1: "in under a minute"}),
        ([(0, 2, "tender"), (61, 4, "tender")], {}),
        ([(0, 2, "tender"), (10, 3, "tender")], {}),
        ([(0, 3, "too_much"), (120, 4, "tender")], {1: "after the client said"}),
        ([(0, 4, "too_much"), (5, 3, "tender")], {}),
    ],
)
def test_pacing_warns_on_fast_raises_and_raises_after_too_much(readings, expected):
    warnings = pacing_warnings([Reading(T0 + timedelta(seconds=s), p, r) for s, p, r in readings])

    assert set(warnings) == set(expected)
    for index, phrase in expected.items():
        assert any(phrase in w for w in warnings[index])
