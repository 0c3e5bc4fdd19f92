"""Long lists count at most a thousand rows: past that, they say "more than 1,000" and ask for a search."""

import pytest
from auditlog.models import LogEntry

from clinic.models import Client
from clinic.pagination import CappedPaginator, CountedWithPagePaginator
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_short_list_is_counted_exactly():
    factories.ClientFactory.create_batch(3)

    paginator = CappedPaginator(Client.objects.all(), 2, cap=5)

    assert (paginator.count, paginator.capped, paginator.num_pages) == (3, False, 2)


def test_a_long_list_counts_up_to_the_cap_and_says_there_is_more():
    factories.ClientFactory.create_batch(7)

    paginator = CappedPaginator(Client.objects.all(), 2, cap=5)

    assert (paginator.count, paginator.capped, paginator.num_pages) == (5, True, 3)
    assert len(paginator.page(3).object_list) == 1


def test_exactly_the_cap_is_not_more_than_it():
    factories.ClientFactory.create_batch(5)

    assert CappedPaginator(Client.objects.all(), 2, cap=5).capped is False


def test_the_client_list_past_the_cap_asks_for_a_search(as_user, front_desk, monkeypatch):
    monkeypatch.setattr(CappedPaginator.__init__, "__defaults__", (3,))
    factories.ClientFactory.create_batch(5)

    response = as_user(front_desk).get("/clients/")

    page = response.content.decode()
    assert "More than 3 clients: search by name, phone or date of birth" in page
    assert "Page 1 of 1+" not in page  # 25 a page: one page shown, no pager


def test_the_audit_log_past_the_cap_asks_for_a_filter(as_user, clinic_admin, monkeypatch, settings):
    settings.REQUIRE_2FA_FOR_ADMIN = False
    monkeypatch.setattr(CappedPaginator.__init__, "__defaults__", (3,))
    for client in factories.ClientFactory.create_batch(5):
        LogEntry.objects.log_create(client, force_log=True, action=LogEntry.Action.ACCESS)

    response = as_user(clinic_admin).get("/audit/")

    assert response.status_code == 200
    assert "More than 3 events: filter by client" in response.content.decode()


# -- Searches: the page's query counts the matches too -----------------------------------------------------------


def searched(count, cap=5):
    from django.db.models import Count, Window

    factories.ClientFactory.create_batch(count, last_name="Okonkwo")
    factories.ClientFactory.create_batch(2, last_name="Chen")
    matches = Client.objects.search("okonk").annotate(matches=Window(Count("id")))
    return CountedWithPagePaginator(matches, 2, cap=cap)


@pytest.mark.parametrize(
    ("count", "page", "expected"),
    [
        (3, "1", (1, 3, False, 2, 2)),  # counted exactly, from the page's own query
        (3, "2", (2, 3, False, 2, 1)),
        (3, "9", (2, 3, False, 2, 1)),  # past the end: the last page
        (7, "2", (2, 5, True, 3, 2)),  # past the cap: "more than 5", its pages only
        (7, str(10**30), (3, 5, True, 3, 1)),  # any number from the address: a page, not a database error
        (3, "abc", (1, 3, False, 2, 2)),
        (0, "1", (1, 0, False, 1, 0)),  # no match
    ],
)
def test_a_search_counts_its_matches_with_its_page(count, page, expected):
    paginator = searched(count)

    shown = paginator.get_page(page)

    assert (shown.number, paginator.count, paginator.capped, paginator.num_pages, len(shown.object_list)) == expected


def test_a_search_page_costs_one_query_for_its_rows_and_their_count(django_assert_num_queries):
    paginator = searched(3)

    with django_assert_num_queries(1):
        page = paginator.get_page("1")
        assert [client.last_name for client in page.object_list] == ["Okonkwo", "Okonkwo"]
        assert paginator.count == 3
