"""Hostile input on the consent pages: signing (at the desk and handed over), the consent page, withdrawal.
A signature is stored only when it is the client's name; hidden fields and extra fields cannot pick another
client, text, signer or time; nothing is rendered live; never a 500."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from notes.models import Consent, ConsentText
from tests import hostile_payloads as hostile
from tests.factories import ClientFactory
from tests.history_helpers import consent_form_data

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def consent_data(who, **overrides):
    return consent_form_data(who) | overrides


def sign(browser, who, **overrides):
    return hostile.post_raw(browser, f"/clients/{who.public_id}/consents/new/", consent_data(who, **overrides))


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_a_hostile_name_signs_only_for_the_client_of_that_name_and_shows_escaped(as_user, front_desk, payload):
    desk = as_user(front_desk)
    stored = hostile.as_stored(payload)
    maya = ClientFactory(first_name="Maya", last_name="Chen")
    named = ClientFactory(first_name=stored or "Nul", last_name="Chen")

    mismatch = sign(desk, maya, signed_name=f"{payload} Chen")
    match = sign(desk, named, signed_name=f"{payload} Chen")

    assert mismatch.status_code == 200
    hostile.assert_page_is_safe(mismatch, "Maya Chen")
    assert not Consent.objects.filter(client=maya).exists()
    if stored is None:
        assert match.status_code == 200
        assert "Null characters are not allowed." in match.content.decode()
        assert not Consent.objects.exists()
        return
    consent = Consent.objects.get(client=named)
    assert match.status_code == 302
    assert consent.signed_name == f"{stored} Chen"
    hostile.assert_page_is_safe(desk.get(f"/consents/{consent.public_id}/"), f"{stored} Chen")
    hostile.assert_page_is_safe(desk.get(f"/clients/{named.public_id}/consents/new/"), f"{stored} Chen")


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_a_hostile_withdrawal_reason_is_stored_as_sent_and_shown_escaped(
    as_user, front_desk, clinic_admin, care_client, payload
):
    desk = as_user(front_desk)
    sign(desk, care_client)
    consent = Consent.objects.get()
    stored = hostile.as_stored(payload)

    response = hostile.post_raw(desk, f"/consents/{consent.public_id}/withdraw/", {"reason": payload})

    consent.refresh_from_db()
    if stored is None:
        assert response.status_code == 200
        hostile.assert_page_is_safe(response)
        assert consent.withdrawn_at is None
        return
    assert response.status_code == 302
    assert consent.withdrawal_reason == stored
    hostile.assert_page_is_safe(desk.get(f"/consents/{consent.public_id}/"), stored)
    hostile.assert_page_is_safe(as_user(clinic_admin).get(f"/clients/{care_client.public_id}/history/"), stored)


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_hostile_kinds_and_text_versions_are_refused_or_fall_back_to_a_known_kind(
    as_user, front_desk, care_client, payload
):
    desk = as_user(front_desk)
    query = hostile.query_string({"kind": payload})

    page = desk.get(f"/clients/{care_client.public_id}/consents/new/?{query}")
    posted = sign(desk, care_client, kind=payload, text_version=payload)
    handed = hostile.post_raw(desk, f"/clients/{care_client.public_id}/consents/handover/", {"kind": payload})

    if "\x00" in payload:
        assert page.status_code == 400
    else:
        hostile.assert_page_is_safe(page)
        assert page.context["kind"] == "abdominal"
    assert posted.status_code == 200
    hostile.assert_page_is_safe(posted)
    assert {"kind", "text_version"} <= set(posted.context["form"].errors)
    assert not Consent.objects.exists()
    assert handed.status_code == 302
    assert desk.session["handover"]["kind"] == "abdominal"


@pytest.mark.parametrize(
    "drawing",
    [
        "javascript:alert(1)",
        '"><svg onload=alert(1)>',
        "data:image/svg+xml;base64," + base64.b64encode(b'<svg onload="alert(1)"/>').decode(),
        "data:text/html;base64," + base64.b64encode(b"<script>alert(1)</script>").decode(),
        "data:image/png;base64," + base64.b64encode(b"<script>alert(1)</script>").decode(),
        'data:image/png;base64,iVBORw0KGgo=" onerror="alert(1)',
        "data:image/png;base64," + "A" * 300_000,
        "data:image/png;base64,%%%",
    ],
)
def test_a_drawn_signature_that_is_not_a_png_is_refused(as_user, front_desk, care_client, drawing):
    response = sign(as_user(front_desk), care_client, signature_drawing=drawing)

    assert response.status_code == 200
    hostile.assert_page_is_safe(response)
    assert "could not be read" in response.content.decode()
    assert not Consent.objects.exists()


def test_a_real_png_drawing_is_kept_and_shown_only_as_an_image(as_user, front_desk, care_client):
    drawing = "data:image/png;base64," + base64.b64encode(PNG).decode()
    desk = as_user(front_desk)
    sign(desk, care_client, signature_drawing=drawing)
    consent = Consent.objects.get()

    html = hostile.assert_page_is_safe(desk.get(f"/consents/{consent.public_id}/"))
    image = desk.get(f"/consents/{consent.public_id}/signature.png")

    assert consent.signature_drawing == drawing
    assert f'src="/consents/{consent.public_id}/signature.png"' in html
    assert (image.status_code, image["Content-Type"], image.content) == (200, "image/png", PNG)


def test_forged_and_extra_fields_cannot_pick_another_client_text_signer_or_time(
    as_user, front_desk, therapist, care_client
):
    other = ClientFactory(first_name="Other", last_name="Person")
    old_text = ConsentText.objects.current("treatment")
    forged = {
        "client": str(other.public_id),
        "public_id": str(other.public_id),
        "text": str(old_text.pk),
        "collected_by": str(therapist.pk),
        "signed_at": "2001-01-01T00:00",
        "withdrawn_at": "2001-01-02T00:00",
        "author": str(therapist.pk),
        "is_superuser": "on",
    }

    response = sign(as_user(front_desk), care_client, **forged)

    consent = Consent.objects.get()
    front_desk.refresh_from_db()
    assert response.status_code == 302
    assert (consent.client, consent.kind, consent.collected_by) == (care_client, "abdominal", front_desk)
    assert consent.text == ConsentText.objects.current("abdominal")
    assert timezone.now() - consent.signed_at < timedelta(minutes=1)
    assert consent.withdrawn_at is None
    assert consent.public_id != other.public_id
    assert not other.consents.exists()
    assert not front_desk.is_superuser


def test_withdrawing_with_forged_fields_changes_only_the_withdrawal(as_user, front_desk, therapist, care_client):
    desk = as_user(front_desk)
    sign(desk, care_client)
    consent = Consent.objects.get()
    signed = (consent.signed_name, consent.signed_at, consent.client_id, consent.text_id)
    forged = {"reason": "Moving", "withdrawn_by": str(therapist.pk), "signed_name": "Someone Else", "client": "1"}

    hostile.post_raw(desk, f"/consents/{consent.public_id}/withdraw/", forged)

    consent.refresh_from_db()
    assert (consent.signed_name, consent.signed_at, consent.client_id, consent.text_id) == signed
    assert (consent.withdrawal_reason, consent.withdrawn_by) == ("Moving", front_desk)


@pytest.mark.parametrize("kind", hostile.OVERSIZED)
def test_oversized_consent_forms_answer_400_and_save_nothing(as_user, front_desk, care_client, kind):
    desk = as_user(front_desk)
    sign(desk, ClientFactory())
    existing = Consent.objects.get()

    signed = hostile.post_raw(
        desk,
        f"/clients/{care_client.public_id}/consents/new/",
        hostile.oversized(consent_data(care_client), kind, field="signature_drawing"),
    )
    withdrawn = hostile.post_raw(
        desk, f"/consents/{existing.public_id}/withdraw/", hostile.oversized({"reason": "x"}, kind, field="reason")
    )

    existing.refresh_from_db()
    for response in (signed, withdrawn):
        hostile.assert_refused_as_too_large(response)
    assert not care_client.consents.exists()
    assert existing.withdrawn_at is None
