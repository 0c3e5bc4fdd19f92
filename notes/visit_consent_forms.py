"""The tablet's form at the start of a visit: for each sensitive area the client's consent names, "yes, today" with
their initials (typed, drawn, or both) or "not today"; and the therapist's one-tap record of an agreement out loud
where the province's rules allow it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from notes.consent_forms import MAX_DRAWING_BYTES, checked_drawing
from notes.models import AreaConfirmation, SensitiveArea
from notes.visit_consent import AreaToday

WORDS = [("agreed", _("Yes, today")), ("not_today", _("Not today"))]


class AreasTodayForm(forms.Form):
    """One choice per consented area, each with its own initials: the client agrees area by area."""

    def __init__(self, *args, areas: list[AreaToday], **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = [area for area in areas if area.consented]
        for area in self.areas:
            self.fields[f"word_{area.code}"] = forms.ChoiceField(
                label=area.label,
                choices=WORDS,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                error_messages={"required": _("Choose “Yes, today” or “Not today” for this area.")},
            )
            self.fields[f"initials_{area.code}"] = forms.CharField(
                label=_("Your initials"),
                max_length=10,
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "size": 6}),
            )
            self.fields[f"drawing_{area.code}"] = forms.CharField(
                required=False, widget=forms.HiddenInput, max_length=MAX_DRAWING_BYTES * 2
            )

    def rows(self):
        """Each area with its three fields, in the order of the consent, for the template."""
        return [
            (area, self[f"word_{area.code}"], self[f"initials_{area.code}"], self[f"drawing_{area.code}"])
            for area in self.areas
        ]

    def clean(self):
        cleaned = super().clean()
        for area in self.areas:
            drawing_name = f"drawing_{area.code}"
            try:
                cleaned[drawing_name] = checked_drawing(
                    cleaned.get(drawing_name) or "",
                    _("The drawn initials could not be read. Clear them and draw again."),
                )
            except forms.ValidationError as error:
                self.add_error(f"initials_{area.code}", error)
                continue
            initials = " ".join((cleaned.get(f"initials_{area.code}") or "").split())
            cleaned[f"initials_{area.code}"] = initials
            if cleaned.get(f"word_{area.code}") == "agreed" and not initials and not cleaned[drawing_name]:
                self.add_error(
                    f"initials_{area.code}",
                    _("Type or draw your initials to agree to %(area)s today.") % {"area": area.label.lower()},
                )
        return cleaned

    def answers(self) -> list[dict]:
        answers = []
        for area in self.areas:
            agreed = self.cleaned_data[f"word_{area.code}"] == "agreed"
            drawing = self.cleaned_data[f"drawing_{area.code}"]
            answers.append(
                {
                    "area": area.code,
                    "agreed": agreed,
                    "method": AreaConfirmation.Method.INITIALS_DRAWN
                    if drawing
                    else AreaConfirmation.Method.INITIALS_TYPED,
                    "initials": self.cleaned_data[f"initials_{area.code}"],
                    "drawing": drawing,
                }
            )
        return answers


class VerbalAgreementForm(forms.Form):
    """The therapist records the client's agreement out loud, for an area whose rules allow it."""

    area = forms.ChoiceField(choices=SensitiveArea.choices)
