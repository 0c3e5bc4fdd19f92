"""The intake's health-history forms: ticks with free text, and two short repeatable lists (surgeries, medications).
They validate and normalise into the shape of intake/health_history.py; the intake's service saves it."""

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake import health_history

WHEN_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class HealthHistoryForm(forms.Form):
    prefix = "health"

    conditions = forms.MultipleChoiceField(
        label=_("Conditions: tick all that apply"),
        choices=list(health_history.CONDITIONS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("%(value)s is not one of the conditions listed.")},
    )
    conditions_other = forms.CharField(label=_("Other conditions"), max_length=500, required=False)
    allergies = forms.MultipleChoiceField(
        label=_("Allergies: tick all that apply"),
        choices=list(health_history.ALLERGIES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("%(value)s is not one of the allergies listed.")},
    )
    allergies_other = forms.CharField(label=_("Other allergies"), max_length=500, required=False)
    devices = forms.MultipleChoiceField(
        label=_("Devices and transplants: tick all that apply"),
        choices=list(health_history.DEVICES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("%(value)s is not one of the devices listed.")},
    )
    devices_other = forms.CharField(label=_("Other devices or transplants"), max_length=500, required=False)

    def tick_fields(self):
        """(ticks, other) pairs, in the order the form shows them."""
        return [(self[name], self[f"{name}_other"]) for name in health_history.TICK_LISTS]


def parse_when(value: str) -> date | None:
    """The first day a "when" stands for (2019, 2019-05 or 2019-05-14), or None when it is not such a date."""
    match = WHEN_PATTERN.match(value)
    if not match:
        return None
    year, month, day = int(match[1]), int(match[2] or 1), int(match[3] or 1)
    try:
        return date(year, month, day)
    except ValueError:
        return None


class SurgeryForm(forms.Form):
    what = forms.CharField(label=_("Surgery or procedure"), max_length=200, required=False)
    when = forms.CharField(
        label=_("When (year, or year-month)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "2019-05", "autocomplete": "off"}),
    )

    def clean_when(self):
        when = self.cleaned_data["when"].strip()
        if not when:
            return ""
        day = parse_when(when)
        if day is None or day.year < 1900:
            raise forms.ValidationError(_("Enter a year (2019), a month (2019-05) or a day (2019-05-14)."))
        if day > timezone.localdate():
            raise forms.ValidationError(_("A surgery's date cannot be in the future."))
        return when

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("when") and not cleaned.get("what", "").strip():
            self.add_error("what", _("Name the surgery, or clear its date."))
        return cleaned


class MedicationForm(forms.Form):
    name = forms.CharField(label=_("Medication"), max_length=200, required=False)
    dose = forms.CharField(label=_("Dose (optional)"), max_length=100, required=False)
    anticoagulant = forms.BooleanField(
        label=_("Anticoagulant / blood thinner"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("dose") or cleaned.get("anticoagulant")) and not cleaned.get("name", "").strip():
            self.add_error("name", _("Name the medication, or clear this row."))
        return cleaned


def _rows(extra):
    return {"extra": extra, "max_num": 20, "validate_max": True, "absolute_max": 30}


SurgeryFormSet = forms.formset_factory(SurgeryForm, **_rows(2))
MedicationFormSet = forms.formset_factory(MedicationForm, **_rows(3))


class HealthHistoryForms:
    """The three forms of the health history, validated and read together."""

    def __init__(self, data=None, *, initial: dict | None = None):
        # A post without the lists' management forms did not show these questions (an older form, a script):
        # the health history is then left as it was, not emptied.
        self.asked = data is None or "surgeries-TOTAL_FORMS" in data
        initial = initial or {}
        self.form = HealthHistoryForm(data, initial=initial)
        self.surgeries = SurgeryFormSet(data, prefix="surgeries", initial=initial.get("surgeries") or None)
        self.medications = MedicationFormSet(data, prefix="medications", initial=initial.get("medications") or None)

    @staticmethod
    def initial_from(intake) -> dict:
        return dict(intake.health_history)

    def is_valid(self) -> bool:
        if not self.asked:
            return True
        return all([self.form.is_valid(), self.surgeries.is_valid(), self.medications.is_valid()])

    def value(self) -> dict | None:
        """The health history to store, in the shape of intake/health_history.py; blank rows left out. None when
        the questions were not on the form."""
        if not self.asked:
            return None
        data = self.form.cleaned_data
        value = health_history.empty()
        for name in health_history.TICK_LISTS:
            value[name] = list(data[name])
            value[f"{name}_other"] = data[f"{name}_other"].strip()
        value["surgeries"] = [
            {"what": row["what"].strip(), "when": row["when"]}
            for row in self.surgeries.cleaned_data
            if row.get("what", "").strip()
        ]
        value["medications"] = [
            {"name": row["name"].strip(), "dose": row["dose"].strip(), "anticoagulant": bool(row["anticoagulant"])}
            for row in self.medications.cleaned_data
            if row.get("name", "").strip()
        ]
        return value
