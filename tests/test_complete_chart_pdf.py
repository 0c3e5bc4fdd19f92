"""The PDF of a fully filled chart holds every recorded value, in the order a reader expects: the client, the
health history, the intakes with every answer and test, screenings, clearances, consents, sessions (health check,
SOAP, pains, every stretch of abdominal work and feedback entry, the seal), addenda and outcomes."""

import pytest

from clinic import local_time
from intake import health_history, labels
from notes import services
from tests import history_helpers as h
from tests.factories import ClientFactory
from tests.test_exports import pdf_text, pdf_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def chart(care_client, therapist, front_desk):
    return h.complete_chart(care_client, therapist=therapist, desk=front_desk)


@pytest.fixture
def text(as_user, therapist, care_client, chart):
    response = as_user(therapist).get(pdf_url(care_client))
    assert response.status_code == 200
    return pdf_text(response)[1]


def squeezed(value) -> str:
    return " ".join(str(value).split())


def test_the_pdf_holds_every_detail_of_the_client(text, care_client):
    for value in h.CLIENT_DETAILS.values():
        if value != "physician":
            assert squeezed(value) in text, value
    assert care_client.get_referral_source_display() in text
    assert local_time.day(care_client.date_of_birth) in text


def test_the_pdf_holds_every_health_history_answer_none_and_no_included(text, chart):
    intake = chart["intake"]
    for _part, lines in health_history.describe(intake.health_history):
        for line in lines:
            assert squeezed(line) in text, line
    assert "Apixaban, 5 mg twice a day: anticoagulant / blood thinner" in text
    assert "Appendectomy (2019-05)" in text
    for _group, question, answer, _notable in labels.describe_every_answer(intake.history, intake.red_flags):
        assert f"{squeezed(question)} {answer}" in text, question


def test_the_pdf_holds_every_complaint_test_and_answer_of_the_intake(text, chart):
    intake = chart["intake"]
    for complaint in intake.complaints.all():
        assert f"{complaint.get_region_display()} {complaint.get_side_display()} {complaint.pain_now}/10" in text
        assert f"{complaint.pain_worst}/10 {complaint.get_onset_display()}" in text
    assert "Resisted hip flexion Reproduces familiar pain (right)" in text
    assert "Hip flexor stretch (Thomas test) Tight, no pain (both)" in text
    for movement in labels.describe_aggravating(intake.aggravating):
        assert str(movement) in text
    assert intake.notes in text


def test_the_pdf_holds_the_screening_with_points_reasons_and_sources_and_the_judgement(text, chart):
    screening = chart["screening"]
    assert screening.points_line in text
    for reason in screening.reasons:
        assert squeezed(reason["text"]) in text
        assert squeezed(reason["source"]) in text
    if screening.why_not:
        assert squeezed(screening.why_not) in text
    assert squeezed(h.JUDGEMENT_REASON) in text


def test_the_pdf_holds_the_clearance_with_its_scope_and_end_date(text, chart):
    clearance = chart["clearance"]
    assert clearance.clinician_name in text
    assert squeezed(clearance.what_was_cleared) in text
    assert clearance.get_scope_display() in text
    assert "valid until 2027-06-30" in text


def test_the_pdf_holds_the_consents_who_signed_when_and_the_withdrawal(as_user, therapist, care_client, chart, text):
    drawn, withdrawn = chart["drawn_consent"], chart["withdrawn_consent"]
    assert f"Signed “Maya W. Chen” on {local_time.minute(drawn.signed_at)}" in text
    assert f"version {drawn.text.version}" in text
    assert f"Withdrawn on {local_time.minute(withdrawn.withdrawn_at)}" in text
    assert "Wants to think it over" in text


def test_the_drawn_signature_is_an_image_in_the_pdf(as_user, therapist, care_client, chart):
    reader, _ = pdf_text(as_user(therapist).get(pdf_url(care_client)))

    assert sum(len(page.images) for page in reader.pages) >= 1


def test_the_pdf_holds_the_session_health_check_soap_and_pains(text, chart):
    check = chart["health_check"]
    assert f"Health check ({local_time.minute(check.recorded_at)}" in text
    assert "New or changed medication: Started ibuprofen 200 mg" in text
    assert "Injury since the last visit: Twisted ankle on stairs" in text
    assert "Pregnant: No" in text
    for value in h.SOAP.values():
        assert value in text
    assert "Groin (front of hip): 7 → 3" in text or "→ 3 (-4 immediately after treatment)" in text


def test_the_pdf_holds_every_stretch_and_feedback_entry_with_the_stop_marked(text, chart):
    first, second = chart["entries"]
    session = chart["session"]
    for segment in session.segments.all():
        assert f"re-confirmed by the client at {local_time.clock(segment.reconfirmed_at)}" in text
        assert f"ended {local_time.clock(segment.ended_at)}" in text
    assert "Finished by the therapist" in text and "Client said stop" in text
    assert "STOP during abdominal work" in text
    for entry, words in ((first, "Comfortable"), (second, "Stop")):
        row = f"{local_time.clock(entry.at)} Right Sustained pressure {entry.pressure} {entry.pain} {words}"
        assert row in text
        assert entry.note in text


def test_the_pdf_holds_the_signature_seal_and_the_addendum_with_its_seal(text, chart, therapist):
    session, addendum = chart["session"], chart["addendum"]
    assert f"Signed by {therapist.display_name} {local_time.minute(session.signed_at)}" in text
    assert session.content_hash in text.replace(" ", "")
    if session.hash_key_id:
        assert f"key {session.hash_key_id}" in text
    assert f"{local_time.minute(addendum.at)}, {addendum.author_name_shown} (Next-day call)" in text
    assert addendum.text in text
    assert addendum.content_hash in text.replace(" ", "")


def test_the_pdf_reads_in_the_order_a_reader_expects(text):
    headings = ["Health history", "Intakes and screenings", "Consents", "Signed sessions", "Pain trend and outcomes"]
    positions = [text.index(heading) for heading in headings]

    assert positions == sorted(positions)


def test_a_stretch_of_abdominal_work_closed_before_any_feedback_is_in_the_pdf(as_user, therapist, front_desk):
    client = ClientFactory(first_name="Ines", last_name="Duarte", care_team=[therapist])
    h.take_intake(client, by=front_desk)
    h.give_consent(client, by=front_desk)
    session = h.draft_session(client, therapist=therapist)
    segment = h.open_abdominal_work(session, by=therapist)
    services.finish_abdominal_work(session=session)
    services.sign_session(session=session, by=therapist)

    _, text = pdf_text(as_user(therapist).get(pdf_url(client)))

    assert f"re-confirmed by the client at {local_time.clock(segment.reconfirmed_at)}" in text
    assert "No feedback recorded." in text
