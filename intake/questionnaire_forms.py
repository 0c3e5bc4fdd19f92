"""One questionnaire's form: each item as the published form asks it, nothing pre-selected; staff's also asks when the
client answered (a paper form typed in later)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clinic import local_time
from clinic.forms import MomentField
from intake.questionnaire_instruments import (
    HOOS12,
    NPRS,
    PSFS,
    PSFS_MAX_ACTIVITIES,
    PSFS_MIN_ACTIVITIES,
    PSFS_NAME_LENGTH,
    RMDQ,
    Instrument,
)

PSFS_RATINGS = [(n, str(n)) for n in range(11)]


def _rating_field(label, choices, *, required: bool) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages={
            "required": _("Choose one answer."),
            "invalid_choice": _("Choose one of the answers shown."),
        },
    )


class QuestionnaireForm(forms.Form):
    """One instrument's items. HOOS-12 items may be left blank (its rule fills a scale from 2 of 4 answers); an RMDQ
    statement left blank is not ticked; NPRS and STarT Back need every answer (STarT Back scores complete forms
    only); PSFS takes up to 5 activities, each named and rated."""

    def __init__(self, *args, instrument: Instrument, activities: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        if instrument.code == PSFS:
            names = activities or []
            for n in range(PSFS_MAX_ACTIVITIES):
                self.fields[f"activity_{n}"] = forms.CharField(
                    label=_("Activity %(number)s") % {"number": n + 1},
                    max_length=PSFS_NAME_LENGTH,
                    required=False,
                    initial=names[n] if n < len(names) else "",
                )
                self.fields[f"rating_{n}"] = _rating_field(
                    _("Activity %(number)s: how able, 0 (unable) to 10 (as before)") % {"number": n + 1},
                    PSFS_RATINGS,
                    required=False,
                )
            return
        for item in instrument.items:
            if instrument.code == RMDQ:
                self.fields[f"item_{item.key}"] = forms.BooleanField(label=f"{item.key}. {item.text}", required=False)
            else:
                label = item.text if instrument.code == NPRS else f"{item.key}. {item.text}"
                choices = [(c.value, c.label) for c in item.choices]
                self.fields[f"item_{item.key}"] = _rating_field(label, choices, required=instrument.code != HOOS12)

    def item_fields(self):
        """(the published form's heading above the item, the item's field), in the form's order."""
        return [(item.group, self[f"item_{item.key}"]) for item in self.instrument.items]

    def activity_rows(self):
        return [(self[f"activity_{n}"], self[f"rating_{n}"]) for n in range(PSFS_MAX_ACTIVITIES)]

    def clean(self):
        cleaned = super().clean()
        if self.instrument.code != PSFS:
            return cleaned
        named = 0
        for n in range(PSFS_MAX_ACTIVITIES):
            name, rating = cleaned.get(f"activity_{n}"), cleaned.get(f"rating_{n}")
            if name and rating is None and f"rating_{n}" not in self.errors:
                self.add_error(f"rating_{n}", _("Rate this activity from 0 to 10."))
            if rating is not None and not name:
                self.add_error(f"activity_{n}", _("Name the activity this rating is for."))
            named += bool(name)
        if not named and not self.errors:
            raise forms.ValidationError(
                _("Name at least one activity (%(least)s to %(most)s) and rate it.")
                % {"least": PSFS_MIN_ACTIVITIES, "most": PSFS_MAX_ACTIVITIES}
            )
        return cleaned

    def answers(self) -> dict:
        """The answers in the JSON of intake/questionnaires.py (and of `manage.py questionnaire score -`)."""
        data = self.cleaned_data
        if self.instrument.code == PSFS:
            return {
                "activities": [
                    {"name": data[f"activity_{n}"], "rating": data[f"rating_{n}"]}
                    for n in range(PSFS_MAX_ACTIVITIES)
                    if data.get(f"activity_{n}")
                ]
            }
        if self.instrument.code == RMDQ:
            return {item.key: bool(data[f"item_{item.key}"]) for item in self.instrument.items}
        return {
            item.key: data[f"item_{item.key}"]
            for item in self.instrument.items
            if data.get(f"item_{item.key}") is not None
        }


class StaffQuestionnaireForm(QuestionnaireForm):
    """The form staff fill in, with when the client answered: a paper form typed in later keeps its own moment
    (the list, the page and the trends go by it). The client's own forms are of the moment they are sent."""

    answered_at = MomentField(
        label=_("Answered at"),
        required=False,
        help_text=_(
            "Leave empty when the client answers now. For a paper form filled in earlier, the day and time it was "
            "answered, in the clinic's time."
        ),
    )

    def __init__(self, *args, born=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.born = born

    def clean_answered_at(self):
        """Not before the client was born (MomentField refuses a moment still to come)."""
        moment = self.cleaned_data["answered_at"]
        if moment is not None and self.born is not None and local_time.local_date(moment) < self.born:
            raise forms.ValidationError(
                _("That is before the client's date of birth (%(born)s).") % {"born": local_time.day(self.born)}
            )
        return moment
