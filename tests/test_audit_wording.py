"""The audit log's changes in plain words: "set pain to 4", "changed pain from 4 to 6", "cleared note (was ...)",
with the fields' verbose names, yes/no, choices' labels and moments in the clinic's zone; long values cut, whole on
request.

Pure: clinic.audit_wording reads the model classes, never the database.
"""

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.audit_wording import SHORT_LENGTH, action_words, describe_changes
from clinic.models import Client
from intake.models import Complaint, HealthCheck
from notes.models import ComplaintPain

Action = LogEntry.Action


def said(changes, model, action=Action.UPDATE) -> list[str]:
    return [change.text for change in describe_changes(changes, model, action=action)]


def test_a_value_where_there_was_none_is_set():
    assert said({"pain_now": ["None", "4"]}, Complaint) == ["set pain now (0-10) to 4"]


def test_a_value_replaced_is_changed_from_one_to_the_other():
    assert said({"pain_now": ["4", "6"]}, Complaint) == ["changed pain now (0-10) from 4 to 6"]


def test_a_value_emptied_is_cleared_with_what_it_was():
    changes = {"desk_notes": ["Likes a quiet room", ""], "archived_by": ["7", "None"]}

    assert said(changes, Client) == [
        "cleared notes for the front desk (was “Likes a quiet room”)",
        "cleared archived by (was #7)",
    ]


def test_a_field_empty_before_and_after_says_nothing():
    assert said({"pronouns": ["None", ""]}, Client) == []


def test_fields_are_named_by_their_verbose_names_not_their_code_names():
    changes = {"date_of_birth": ["1958-11-22", "1958-11-23"], "first_name": ["Nel", "Nell"]}

    assert said(changes, Client) == [
        "changed date of birth from 1958-11-22 to 1958-11-23",
        "changed legal first name from “Nel” to “Nell”",
    ]


def test_a_field_whose_name_says_too_little_is_named_in_full():
    assert said({"before": ["None", "5"], "after": ["5", "3"]}, ComplaintPain) == [
        "set pain before the session to 5",
        "changed pain after the session from 5 to 3",
    ]


def test_booleans_read_yes_or_no():
    assert said({"pregnant": ["False", "True"], "no_change": ["True", "False"]}, HealthCheck) == [
        "changed pregnant from no to yes",
        "changed no change since the last visit from yes to no",
    ]


def test_choices_read_as_their_labels():
    assert said({"referral_source": ["word_of_mouth", "online_search"]}, Client) == [
        "changed how they were referred from Friend or family to Online search"
    ]


def test_a_moment_reads_as_the_clinic_s_minute(settings):
    settings.TIME_ZONE = "America/Toronto"

    # Stored in UTC without an offset, as django-auditlog 3 does: 04:30 UTC on the 4th is 23:30 on the 3rd.
    assert said({"archived_at": ["None", "2026-12-04 04:30:09.123456"]}, Client) == [
        "set archived at to 2026-12-03 23:30"
    ]


def test_a_creation_lists_what_was_set_and_leaves_out_what_was_left_empty():
    changes = {"first_name": ["None", "Maya"], "pronouns": ["None", ""], "referral_source": ["None", "physician"]}

    assert action_words(Action.CREATE) == "created"
    assert said(changes, Client, Action.CREATE) == [
        "set legal first name to “Maya”",
        "set how they were referred to Physician or other clinician",
    ]


def test_a_deletion_says_what_the_record_held():
    assert action_words(Action.DELETE) == "deleted"
    assert said({"first_name": ["Maya", "None"]}, Client, Action.DELETE) == ["legal first name was “Maya”"]


def test_a_view_is_a_view_and_an_export_says_its_kind():
    export = {"export": ["None", "pdf"]}

    assert action_words(Action.ACCESS) == "viewed"
    assert said(None, Client, Action.ACCESS) == []
    assert action_words(Action.ACCESS, export) == "exported"
    assert said(export, Client, Action.ACCESS) == ["exported as PDF"]


def test_an_update_is_a_change():
    assert action_words(Action.UPDATE) == "changed"


def test_care_team_changes_name_who_was_added_or_removed():
    changes = {"care_team": {"type": "m2m", "operation": "add", "objects": ["Theo Therapist"]}}
    removed = {"care_team": {"type": "m2m", "operation": "delete", "objects": ["Theo Therapist", "Ann Other"]}}

    assert said(changes, Client) == ["added Theo Therapist to the care team"]
    assert said(removed, Client) == ["removed Theo Therapist, Ann Other from the care team"]


def test_a_key_that_is_no_field_is_read_as_written():
    assert said({"second factor": [None, "Authenticator app confirmed"]}, TOTPDevice, Action.CREATE) == [
        "set second factor to Authenticator app confirmed"
    ]
    assert said({"is_active": ["True", "False"]}, get_user_model()) == ["changed active from yes to no"]


def test_a_long_value_is_cut_and_kept_whole_for_the_asking():
    note = "Prefers firm pressure. " * 217 + "end"  # 4,994 characters
    (change,) = describe_changes({"desk_notes": ["", note]}, Client)

    assert change.is_cut
    assert change.text == f"set notes for the front desk to “{note}”"
    assert change.short == f"set notes for the front desk to “{note[:SHORT_LENGTH].rstrip()}…”"
    assert change.show_all == f"Show all {len(note):,} characters"
    assert change.show_all == "Show all 4,994 characters"


def test_a_short_value_is_not_cut():
    (change,) = describe_changes({"desk_notes": ["", "x" * SHORT_LENGTH]}, Client)

    assert not change.is_cut
    assert change.short == change.text


def test_a_creation_leaves_out_the_record_s_own_id_and_its_reverse_relations():
    changes = {"id": ["None", "1"], "sessions": ["None", "notes.TreatmentSession.None"], "phone": ["None", "416"]}

    assert said(changes, Client, Action.CREATE) == ["set phone to “416”"]
