"""Rows read by plain statements are made into models with Model.from_db, which takes the values of the fields
named in the model's own field order: every list of fields the app passes it keeps that order."""

import pytest

from clinic.models import User
from intake import reads
from intake.models import Intake, Screening
from notes import history, timeline
from notes.models import ComplaintPain, Consent, FeedbackEntry
from notes.templatetags import notes_tags


@pytest.mark.parametrize(
    ("model", "names"),
    [
        (Intake, history.INTAKE_ROW_FIELDS),
        (Screening, history.SCREENING_ROW_FIELDS),
        (Screening, reads.SCREENING_FIELDS),
        (Intake, reads.INTAKE_FIELDS),
        (Consent, notes_tags.CONSENT_STATUS_FIELDS),
        (FeedbackEntry, timeline.ENTRY_ROW_FIELDS),
        (ComplaintPain, timeline.PAIN_FIELDS),
        (User, list(User.NAME_FIELDS)),
    ],
)
def test_each_list_of_fields_follows_the_models_field_order(model, names):
    order = [field.attname for field in model._meta.concrete_fields]
    assert all(name in order for name in names)
    assert names == sorted(names, key=order.index)


def test_the_care_team_statement_names_the_care_team_table():
    from clinic.access import CARE_TEAM_SQL
    from clinic.models import Client

    assert f"FROM {Client.care_team.through._meta.db_table} WHERE" in CARE_TEAM_SQL
