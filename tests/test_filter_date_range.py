"""Filters by date take any day a record may have, and answer a day near the calendar's end with the form's
message: `?end=9999-12-31` on the history page and `?date_to=9999-12-31` on the audit log answered 500 (the day
after overflowed, or the day as a moment in the clinic's time zone)."""

import pytest

from tests import history_helpers as h

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "Enter a date from 1900-01-01 to 2999-12-31."


@pytest.mark.parametrize("field", ["start", "end"])
@pytest.mark.parametrize("day", ["9999-12-31", "9999-12-30", "0001-01-01"])
def test_the_history_page_explains_a_day_out_of_range(as_user, therapist, front_desk, care_client, field, day):
    h.take_intake(care_client, by=front_desk)

    response = as_user(therapist).get(f"/clients/{care_client.public_id}/history/?{field}={day}")

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [OUT_OF_RANGE]
    assert OUT_OF_RANGE in response.content.decode()


@pytest.mark.parametrize("field", ["date_from", "date_to"])
@pytest.mark.parametrize("day", ["9999-12-31", "9999-12-30", "0001-01-01"])
def test_the_audit_log_explains_a_day_out_of_range(as_user, clinic_admin, field, day):
    response = as_user(clinic_admin).get(f"/audit/?{field}={day}")

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [OUT_OF_RANGE]
    assert response.context["rows"] == []
    assert OUT_OF_RANGE in response.content.decode()


def test_the_last_day_of_the_range_still_filters(as_user, clinic_admin, therapist, care_client):
    as_user(therapist).get(care_client.get_absolute_url())

    response = as_user(clinic_admin).get("/audit/?date_from=2000-01-01&date_to=2999-12-31")

    assert response.status_code == 200
    assert not response.context["form"].errors
    assert response.context["rows"]
