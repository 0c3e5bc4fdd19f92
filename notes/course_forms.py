"""The forms of the course of care around the sessions: an adverse effect, the treatment plan, a request to
dispose of a record."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core import validators as django_validators
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.forms import DayField
from notes.models import AdverseEffect, TreatmentPlan


class AdverseEffectForm(forms.ModelForm):
    class Meta:
        model = AdverseEffect
        fields = ["kind", "note", "onset_on"]
        field_classes = {"onset_on": DayField}
        widgets = {
            "kind": forms.RadioSelect(attrs={"class": "btn-check"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"kind": {"required": _("Choose what the adverse effect was.")}}

    def clean_onset_on(self):
        onset = self.cleaned_data["onset_on"]
        if onset is not None and onset > timezone.localdate():
            raise forms.ValidationError(_("The onset cannot be in the future."))
        return onset

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == AdverseEffect.Kind.OTHER and not cleaned.get("note"):
            self.add_error("note", _("Say what the adverse effect was."))
        return cleaned


class TreatmentPlanForm(forms.ModelForm):
    class Meta:
        model = TreatmentPlan
        fields = ["goals", "visits", "per", "for_weeks", "frequency_note", "reassess_on"]
        field_classes = {"reassess_on": DayField}
        widgets = {"goals": forms.Textarea(attrs={"rows": 4})}
        labels = {"visits": _("Visits (number)"), "per": _("How often")}
        error_messages = {
            "goals": {"required": _("Write the goals of the treatment.")},
            "reassess_on": {"required": _("Choose the date of the reassessment.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["per"].choices = [("", _("not said"))] + TreatmentPlan.Per.choices
        for name in ("visits", "for_weeks"):
            self.fields[name].widget.attrs.update({"min": 1, "max": 52})
            self.fields[name].min_value = 1
            self.fields[name].max_value = 52
            self.fields[name].validators += [
                django_validators.MinValueValidator(1),
                django_validators.MaxValueValidator(52),
            ]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        structured = cleaned.get("visits") or cleaned.get("per") or cleaned.get("for_weeks")
        if not structured and not cleaned.get("frequency_note") and not self.has_error("visits"):
            self.add_error("visits", _("Say how often: a number of visits and how often, or in words."))
        return cleaned

    def plan(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DisposalRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this record to be disposed of?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the record is to be disposed of.")},
    )
