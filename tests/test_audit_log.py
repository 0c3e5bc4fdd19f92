"""The audit log: every create, update, archive and view of a client; append-only; filterable by admins."""

from datetime import timedelta

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction
from django.db.models.signals import pre_save
from django.utils import timezone

from clinic.audit import AuditLogIsAppendOnly
from clinic.models import AuditBypassRefused, Client
from tests import factories
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def entries_for(client):
    return LogEntry.objects.filter(additional_data__client=str(client.public_id)).order_by("id")


def test_creating_a_client_writes_a_create_entry_with_who_and_where(as_user, front_desk):
    as_user(front_desk).post("/clients/new/", factories.client_form_data(), REMOTE_ADDR="10.0.0.7")

    client = Client.objects.get(last_name="Fitzgerald")
    entry = entries_for(client).get(action=LogEntry.Action.CREATE)
    assert entry.actor == front_desk
    assert entry.remote_addr == "10.0.0.7"
    assert entry.object_pk == str(client.pk)


def test_editing_a_client_writes_an_update_entry_with_the_change(as_user, front_desk):
    client = ClientFactory(phone="416-555-0100")
    data = factories.client_form_data(first_name=client.first_name, last_name=client.last_name, phone="416-555-0199")
    data["date_of_birth"] = client.date_of_birth.isoformat()

    as_user(front_desk).post(f"/clients/{client.public_id}/edit/", data)

    entry = entries_for(client).filter(action=LogEntry.Action.UPDATE).last()
    assert entry.actor == front_desk
    assert entry.changes_dict["phone"] == ["416-555-0100", "416-555-0199"]


def test_archiving_a_client_writes_an_update_entry_naming_the_archive(as_user, clinic_admin):
    client = ClientFactory()

    as_user(clinic_admin).post(f"/clients/{client.public_id}/archive/", {"reason": "Moved away"})

    entry = entries_for(client).filter(action=LogEntry.Action.UPDATE).last()
    assert entry.actor == clinic_admin
    assert "archived_at" in entry.changes_dict
    assert entry.changes_dict["archive_reason"] == ["", "Moved away"]


def test_care_team_changes_are_audited(as_user, front_desk, therapist):
    client = ClientFactory()
    data = factories.client_form_data(first_name=client.first_name, last_name=client.last_name)
    data.update(date_of_birth=client.date_of_birth.isoformat(), care_team=[therapist.pk])

    as_user(front_desk).post(f"/clients/{client.public_id}/edit/", data)

    m2m = [e for e in entries_for(client) if "care_team" in (e.changes_dict or {})]
    assert len(m2m) == 1
    assert m2m[0].changes_dict["care_team"]["operation"] == "add"


def test_viewing_a_client_page_writes_an_access_entry(as_user, therapist):
    client = ClientFactory()

    response = as_user(therapist).get(f"/clients/{client.public_id}/", REMOTE_ADDR="10.0.0.9")

    assert response.status_code == 200
    entry = entries_for(client).get(action=LogEntry.Action.ACCESS)
    assert (entry.actor, entry.remote_addr) == (therapist, "10.0.0.9")


def test_each_request_names_its_own_user_and_leaves_nothing_behind(as_user, therapist, front_desk):
    receivers = len(pre_save.receivers)
    seen = [ClientFactory() for _ in range(4)]

    for client, user, address in zip(seen, [therapist, front_desk] * 2, ["10.0.0.1", "10.0.0.2"] * 2, strict=True):
        client.care_team.add(user)
        assert as_user(user).get(f"/clients/{client.public_id}/", REMOTE_ADDR=address).status_code == 200
    later = ClientFactory()  # written after the requests, outside any, as by a management command

    assert [(e.actor, e.remote_addr) for c in seen for e in entries_for(c).filter(action=LogEntry.Action.ACCESS)] == [
        (therapist, "10.0.0.1"),
        (front_desk, "10.0.0.2"),
    ] * 2
    assert len(pre_save.receivers) == receivers
    assert [(e.actor, e.remote_addr) for e in entries_for(later)] == [(None, None)]


def test_django_auditlogs_own_set_actor_names_the_actor_outside_a_request(clinic_admin):
    with set_actor(clinic_admin, remote_addr="127.0.0.1"):
        client = ClientFactory()

    assert [(e.actor, e.remote_addr) for e in entries_for(client)] == [(clinic_admin, "127.0.0.1")]


def test_forged_forwarded_for_header_is_not_trusted_by_default(as_user, therapist):
    client = ClientFactory()

    as_user(therapist).get(f"/clients/{client.public_id}/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert entries_for(client).get(action=LogEntry.Action.ACCESS).remote_addr == "10.0.0.9"


def test_audit_entries_cannot_be_changed_or_deleted_through_the_orm():
    client = ClientFactory()
    entry = entries_for(client).first()

    entry.object_repr = "tampered"
    # Each attempt in its own savepoint, as a request's transaction would be rolled back.
    with pytest.raises(AuditLogIsAppendOnly), transaction.atomic():
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly), transaction.atomic():
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).delete()
    assert LogEntry.objects.get(pk=entry.pk).object_repr != "tampered"


def test_the_database_refuses_a_bulk_update_of_audit_entries():
    entry = entries_for(ClientFactory()).first()

    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(object_repr="tampered")

    assert LogEntry.objects.get(pk=entry.pk).object_repr != "tampered"


def test_admin_offers_no_way_to_change_or_delete_audit_entries(as_user, clinic_admin):
    entry = entries_for(ClientFactory()).first()
    admin = as_user(clinic_admin)

    detail = admin.get(f"/admin/auditlog/logentry/{entry.pk}/change/")
    posted = admin.post(f"/admin/auditlog/logentry/{entry.pk}/change/", {"object_repr": "x"})
    delete_page = admin.get(f"/admin/auditlog/logentry/{entry.pk}/delete/")
    bulk_delete = admin.post(
        "/admin/auditlog/logentry/", {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )

    assert detail.status_code == 200
    assert b'type="submit" value="Save"' not in detail.content
    assert posted.status_code == 403
    assert delete_page.status_code == 403
    assert bulk_delete.status_code in (200, 302)
    assert LogEntry.objects.filter(pk=entry.pk, object_repr=entry.object_repr).exists()


def test_auditlogflush_command_is_refused():
    ClientFactory()
    before = LogEntry.objects.count()

    with pytest.raises(CommandError, match="append-only"):
        call_command("auditlogflush", "--yes")

    assert LogEntry.objects.count() == before


@pytest.mark.parametrize("model", list(auditlog.get_models()), ids=lambda m: m.__name__)
def test_every_audited_model_refuses_bulk_writes_that_bypass_the_log(model):
    queryset = model._default_manager.all()

    for write in (
        lambda: queryset.update(pk=0),
        lambda: queryset.bulk_create([]),
        lambda: queryset.bulk_update([], []),
        lambda: queryset.delete(),
    ):
        with pytest.raises(AuditBypassRefused):
            write()


def test_client_instances_cannot_be_deleted():
    client = ClientFactory()

    with pytest.raises(AuditBypassRefused):
        client.delete()

    assert Client.objects.filter(pk=client.pk).exists()


def test_audit_page_filters_by_client_user_action_and_date(as_user, clinic_admin, front_desk, therapist):
    maya, rob = ClientFactory(first_name="Maya", last_name="Chen"), ClientFactory(first_name="Rob", last_name="Oke")
    as_user(therapist).get(maya.get_absolute_url())
    as_user(front_desk).get(rob.get_absolute_url())
    admin = as_user(clinic_admin)
    today = timezone.localdate()

    by_client = admin.get("/audit/", {"client": str(maya.public_id)})
    by_name = admin.post("/audit/", {"client": "Chen"}, follow=True)  # a name is posted, never in the URL
    by_user = admin.get("/audit/", {"user": therapist.pk})
    by_action = admin.get("/audit/", {"action": LogEntry.Action.ACCESS})
    tomorrow = admin.get("/audit/", {"date_from": (today + timedelta(days=1)).isoformat()})
    today_only = admin.get("/audit/", {"date_from": today.isoformat(), "date_to": today.isoformat()})

    def shown(response):
        return {(entry.object_repr, entry.action) for entry, _client in response.context["rows"]}

    assert shown(by_client) == {(str(maya), LogEntry.Action.CREATE), (str(maya), LogEntry.Action.ACCESS)}
    assert shown(by_name) == shown(by_client)
    assert shown(by_user) == {(str(maya), LogEntry.Action.ACCESS)}
    assert shown(by_action) == {(str(maya), LogEntry.Action.ACCESS), (str(rob), LogEntry.Action.ACCESS)}
    assert shown(tomorrow) == set()
    assert len(shown(today_only)) == 4


@pytest.mark.parametrize(
    "params",
    [
        {"user": "999999"},
        {"user": "abc"},
        {"action": "7"},
        {"date_from": "yesterday"},
        {"date_from": "2026-02-30"},
        {"date_from": "2026-05-02", "date_to": "2026-05-01"},
        {"client": "x" * 500},
        {"page": "-1"},
    ],
)
def test_audit_page_answers_bad_filters_with_a_message_not_an_error(as_user, clinic_admin, params):
    ClientFactory()

    admin = as_user(clinic_admin)
    # A client named by text is posted (it never travels in the URL); the other filters are plain GETs.
    response = admin.post("/audit/", params, follow=True) if "client" in params else admin.get("/audit/", params)

    assert response.status_code == 200
    assert response.context["form"].errors or params.get("page")


@pytest.mark.parametrize(
    "params", [{"date_from": "12/01/2026"}, {"date_from": "2026-05-02", "date_to": "2026-05-01"}, {"action": "7"}]
)
def test_a_filter_not_applied_says_so_and_does_not_claim_that_no_event_matched(as_user, clinic_admin, params):
    ClientFactory()

    page = as_user(clinic_admin).get("/audit/", params).content.decode()

    assert "The filter was not applied, so no events are shown" in page
    assert "No audit events match." not in page
    assert "0 events" not in page


def test_audit_page_shows_who_what_client_and_address(as_user, clinic_admin, therapist):
    client = ClientFactory(first_name="Maya", last_name="Chen")
    as_user(therapist).get(client.get_absolute_url(), REMOTE_ADDR="10.0.0.42")

    page = as_user(clinic_admin).get("/audit/", {"client": str(client.public_id)}).content.decode()

    assert therapist.display_name in page
    assert "10.0.0.42" in page
    assert "Maya Chen" in page
    assert "access" in page
