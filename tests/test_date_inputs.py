"""Every day typed into the app is typed as the app writes it, 2026-12-03: a text field that says so, not the
browser's date widget (which shows the browser's own order, 12/03/2026 in a US-English browser), and a day in
another order is refused with the order wanted, never read as another day."""

import re

import pytest

from clinic.models import Client
from tests import factories

DATE_INPUT = re.compile(r'<input type="text" name="(?P<name>[a-z_]+)"[^>]*placeholder="YYYY-MM-DD"[^>]*>')


def day_inputs(page: str) -> set[str]:
    return {match["name"] for match in DATE_INPUT.finditer(page)}


@pytest.mark.parametrize(
    ("who", "path", "names"),
    [
        ("front_desk", "/clients/new/", {"date_of_birth"}),
        ("therapist", "/clients/{client}/edit/", {"date_of_birth"}),
        ("therapist", "/clients/{client}/history/", {"start", "end"}),
        ("therapist", "/clients/{client}/plan/", {"reassess_on"}),
        ("clinic_admin", "/audit/", {"date_from", "date_to"}),
    ],
)
def test_each_page_asks_for_days_in_text_fields_that_show_the_order(request, as_user, care_client, who, path, names):
    page = as_user(request.getfixturevalue(who)).get(path.format(client=care_client.public_id)).content.decode()

    assert day_inputs(page) == names
    assert 'type="date"' not in page


@pytest.mark.parametrize("typed", ["06/14/2001", "14/06/2001", "2001/06/14", "14 June 2001", "20010614"])
def test_a_day_in_another_order_is_refused_with_the_order_wanted_and_nothing_is_saved(as_user, front_desk, typed):
    response = as_user(front_desk).post("/clients/new/", factories.client_form_data(date_of_birth=typed))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid date. Write it as YYYY-MM-DD, e.g. 2026-12-03." in page
    assert f'value="{typed}"' in page
    assert not Client.objects.exists()


def test_the_order_wanted_is_read(as_user, front_desk):
    as_user(front_desk).post("/clients/new/", factories.client_form_data(date_of_birth="2001-06-14"))

    assert str(Client.objects.get().date_of_birth) == "2001-06-14"


@pytest.mark.parametrize("typed", ["06/14/2001", "2026-02-30"])
def test_the_history_filter_refuses_such_a_day_and_shows_every_event(as_user, therapist, care_client, typed):
    page = as_user(therapist).get(f"/clients/{care_client.public_id}/history/", {"start": typed}).content.decode()

    assert "The filter was not applied" in page
    assert "Write it as YYYY-MM-DD" in page
