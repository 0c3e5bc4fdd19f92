"""get_FOO_display() read from a dict kept on the field (clinic/choices.py) says what Django's own says."""

import pytest
from django.db import models

from clinic.models import Client
from intake.models import Complaint, Screening
from notes.models import Consent, FeedbackEntry, TreatmentSession


def django_display(instance, field_name):
    """What Django's Model._get_FIELD_display returns, bypassing the override."""
    return models.Model._get_FIELD_display(instance, instance._meta.get_field(field_name))


@pytest.mark.parametrize(
    ("model", "field_name"),
    [
        (FeedbackEntry, "side"),
        (FeedbackEntry, "technique"),
        (FeedbackEntry, "response"),
        (Complaint, "region"),
        (Complaint, "side"),
        (Screening, "iliopsoas"),
        (Screening, "abdominal_work"),
        (Consent, "kind"),
        (TreatmentSession, "status"),
        (Client, "referral_source"),
    ],
)
def test_every_value_and_an_unknown_one_read_as_django_reads_them(model, field_name):
    field = model._meta.get_field(field_name)
    values = [value for value, _label in field.flatchoices] + ["not-a-choice", ""]
    for value in values:
        instance = model(**{field.attname: value})
        shown = getattr(instance, f"get_{field_name}_display")()
        assert shown == django_display(instance, field_name) and isinstance(shown, str), value
    assert len(values) > 2
