"""The forms of a treatment session: starting one, the SOAP note and its areas treated, a stretch of abdominal work
and its details, each feedback entry, signing, and an addendum to a signed note."""

import uuid

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from clinic import local_time
from clinic.forms import MomentField
from intake import labels, screening
from notes.models import (
    AbdominalSegment,
    Addendum,
    AreaConfirmation,
    AreaTreated,
    Consent,
    FeedbackEntry,
    Technique,
    TreatmentSession,
)

PAIN_CHOICES = [(str(n), str(n)) for n in range(11)]
PRESSURE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


def pain_field(label, required=False) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=([] if required else [("", _("not asked"))]) + PAIN_CHOICES,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages={"invalid_choice": _("Pain must be a whole number from 0 to 10.")},
    )


class SessionStartForm(forms.Form):
    subjective = forms.CharField(
        label=_("Subjective: what the client reports today"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    abdominal_planned = forms.BooleanField(label=_("Abdominal (iliopsoas) work planned"), required=False)

    def __init__(self, *args, complaints=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.complaints = list(complaints)
        for complaint in self.complaints:
            self.fields[f"pain_before_{complaint.pk}"] = pain_field(
                _("Pain now: %(complaint)s") % {"complaint": complaint}
            )

    def pain_fields(self):
        return [self[f"pain_before_{c.pk}"] for c in self.complaints]

    def pain_before(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data[f"pain_before_{c.pk}"] for c in self.complaints}


class SessionForm(forms.ModelForm):
    """The draft's SOAP note and post-session pain; `version` guards against a second tab's save."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = TreatmentSession
        fields = ["subjective", "objective", "assessment", "plan", "home_care", "abdominal_planned"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("subjective", "objective", "assessment")}
        widgets |= {name: forms.Textarea(attrs={"rows": 2}) for name in ("plan", "home_care")}

    def __init__(self, *args, pains=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.pains = list(pains)
        for pain in self.pains:
            self.fields[f"pain_after_{pain.complaint_id}"] = pain_field(
                _("Pain after: %(complaint)s") % {"complaint": pain.complaint}
            )
            self.initial.setdefault(f"pain_after_{pain.complaint_id}", pain.after)
        for name, allowed in screening.TESTS.items():
            self.fields[f"test_{name}"] = forms.ChoiceField(
                label=labels.TESTS[name],
                choices=[(v, labels.TEST_RESULTS[v]) for v in (screening.NOT_TESTED, *allowed)],
                required=False,
            )
            self.initial.setdefault(f"test_{name}", self.instance.objective_tests.get(name, screening.NOT_TESTED))
        self.initial.setdefault("version", self.instance.version)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def pain_fields(self):
        return [self[f"pain_after_{p.complaint_id}"] for p in self.pains]

    def test_fields(self):
        return [self[f"test_{name}"] for name in screening.TESTS]

    def pain_after(self) -> dict[int, int | None]:
        return {p.complaint_id: self.cleaned_data[f"pain_after_{p.complaint_id}"] for p in self.pains}

    def objective_tests(self) -> dict[str, str]:
        results = {name: self.cleaned_data.get(f"test_{name}") or screening.NOT_TESTED for name in screening.TESTS}
        return {name: value for name, value in results.items() if value != screening.NOT_TESTED}


def _optional_choice(label, choices) -> forms.ChoiceField:
    """An optional choice of a stretch or an entry, nothing pre-selected: a select of its own."""
    return forms.ChoiceField(
        label=label,
        choices=[("", _("not recorded"))] + list(choices),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
    )


class StretchDetailsForm(forms.Form):
    """How a stretch of abdominal work is done: chosen when it opens, or changed while it is open. Optional."""

    position = _optional_choice(_("Position"), AbdominalSegment.Position.choices)
    approach = _optional_choice(_("Approach"), AbdominalSegment.Approach.choices)
    landmark = _optional_choice(_("Landmark"), AbdominalSegment.Landmark.choices)

    def details(self) -> dict:
        return {name: self.cleaned_data.get(name) or None for name in ("position", "approach", "landmark")}


class AbdominalRequestForm(StretchDetailsForm):
    reconfirmed = forms.BooleanField(
        label=_(
            "The client confirmed out loud, just now, that they agree to slow work in the lower abdomen, the front "
            "of the hip and the upper inner thigh, and know they can say stop at any time."
        ),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    precautions_reviewed = forms.BooleanField(
        label=_("I reviewed the listed precautions with the client."),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class FeedbackForm(forms.Form):
    """One entry of the live timeline. Nothing is pre-selected: the therapist taps the pressure, side, technique and
    the client's pain each time, unless they tick "same as the last entry" (kept ticked until they untick it), which
    copies the last entry's pressure, side and technique, never the pain: that is the client's, asked every time."""

    CARRIED = ("pressure", "side", "technique")
    REQUIRED_MESSAGES = {
        "pressure": _("Tap the pressure (1-5), or tick “same as the last entry”."),
        "side": _("Tap the side, or tick “same as the last entry”."),
        "technique": _("Tap the technique, or tick “same as the last entry”."),
    }

    token = forms.UUIDField(widget=forms.HiddenInput)
    same_as_last = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    side = forms.ChoiceField(
        label=_("Side"), choices=FeedbackEntry.Side.choices, widget=forms.RadioSelect(attrs={"class": "btn-check"})
    )
    technique = forms.ChoiceField(
        label=_("Technique"),
        choices=FeedbackEntry.Technique.choices,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),  # one tap, where a list takes two
    )
    pressure = forms.TypedChoiceField(
        label=_("Pressure (1 light - 5 firm)"),
        choices=PRESSURE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages={"invalid_choice": _("Pressure must be from 1 to 5.")},
    )
    pain = forms.TypedChoiceField(
        label=_("Client's pain / intensity (0-10)"),
        choices=PAIN_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages={
            "required": _("Tap the client's pain (0-10): it is asked at every entry."),
            "invalid_choice": _("Pain must be a whole number from 0 to 10."),
        },
    )
    response = forms.ChoiceField(
        label=_("Client's response"),
        choices=FeedbackEntry.Response.choices,
        error_messages={"required": _("Tap the client's response."), "invalid_choice": _("Choose a response.")},
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    # Optional extras: never required, never carried over, nothing pre-selected.
    breath_phase = forms.ChoiceField(
        label=_("Breath phase"),
        choices=FeedbackEntry.Breath.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )
    hold_seconds = forms.IntegerField(
        label=_("Hold (seconds)"),
        min_value=0,
        max_value=600,
        required=False,
        error_messages={"max_value": _("A hold is at most 600 seconds.")},
    )

    def __init__(self, *args, last_entry: FeedbackEntry | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.last_entry = last_entry
        for name in self.CARRIED:
            self.fields[name].required = False  # required unless copied: clean()
        if last_entry is None:
            del self.fields["same_as_last"]
        else:
            self.fields["same_as_last"].label = _(
                "Same as the last entry: pressure %(pressure)s, %(side)s, %(technique)s"
            ) % {
                "pressure": last_entry.pressure,
                "side": last_entry.get_side_display().lower(),
                "technique": last_entry.get_technique_display().lower(),
            }

    @classmethod
    def fresh(cls, last_entry: FeedbackEntry | None, *, same_as_last: bool = False) -> "FeedbackForm":
        """A blank form with a new token; "same as the last entry" stays as the therapist left it."""
        initial = {"token": uuid.uuid4(), "same_as_last": same_as_last and last_entry is not None}
        return cls(initial=initial, last_entry=last_entry)

    def clean(self):
        cleaned = super().clean()
        copy = cleaned.get("same_as_last") and self.last_entry is not None
        for name in self.CARRIED:
            if cleaned.get(name) not in (None, ""):
                continue
            if copy:
                cleaned[name] = getattr(self.last_entry, name)
            elif name not in self.errors:
                self.add_error(name, self.REQUIRED_MESSAGES[name])
        return cleaned

    def entry(self) -> dict:
        """What the service records."""
        entry = {name: value for name, value in self.cleaned_data.items() if name != "same_as_last"}
        entry["breath_phase"] = entry.get("breath_phase") or None
        return entry


class AddendumForm(forms.ModelForm):
    class Meta:
        model = Addendum
        fields = ["reason", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class SignForm(forms.Form):
    """Signing, with when the session ended: now, or the timeline's last moment, unless the therapist says otherwise
    (a note signed after the visit). Not before the session started nor later than now; not before its timeline's
    last moment either (checked when signing, under the session's lock: services.EndsBeforeTimeline)."""

    ended_at = MomentField(
        label=_("The session ended at"),
        required=False,
        help_text=_("Signing after the visit? Give when the session ended, in the clinic's time."),
    )

    def __init__(self, *args, session: TreatmentSession, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_ended_at(self):
        """Not before the session started (MomentField refuses a moment still to come)."""
        moment = self.cleaned_data["ended_at"]
        if moment is None:
            return None
        started = self.session.started_at
        if moment < started.replace(second=0, microsecond=0):
            raise forms.ValidationError(
                _("That is before the session started (%(started)s).") % {"started": local_time.minute(started)}
            )
        return max(moment, started)


class AreaTreatedForm(forms.Form):
    """One area treated and its techniques; a row left empty is no area."""

    area = forms.ChoiceField(
        label=_("Area"), choices=[("", _("choose an area"))] + AreaTreated.Area.choices, required=False
    )
    side = forms.ChoiceField(label=_("Side"), choices=[("", _("not said"))] + AreaTreated.Side.choices, required=False)
    techniques = forms.MultipleChoiceField(
        label=_("Techniques"),
        choices=Technique.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(label=_("Note (what “other” was, where exactly)"), max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        filled = cleaned.get("side") or cleaned.get("techniques") or cleaned.get("note")
        if filled and not cleaned.get("area"):
            self.add_error("area", _("Choose the area these techniques were used on."))
        if cleaned.get("area") and not cleaned.get("techniques"):
            self.add_error("techniques", _("Tick at least one technique used on this area."))
        if Technique.OTHER in (cleaned.get("techniques") or []) and not cleaned.get("note"):
            self.add_error("note", _("Say which other technique was used."))
        return cleaned


class BaseAreasFormSet(forms.BaseFormSet):
    session: TreatmentSession | None = None

    def is_valid(self) -> bool:
        return not self.is_bound or super().is_valid()

    def clean(self):
        """Only areas the client agrees to may be charted: a sensitive area (the abdomen, the front of the hip, ...)
        needs it agreed on the client's active consent and at this visit (initials on the tablet, or out loud where
        the rules allow). One the draft already holds stays (charted while agreed)."""
        if any(self.errors) or self.session is None:
            return
        already = {row["area"] for row in self.initial or []}
        new = {form.cleaned_data.get("area") for form in self.forms} - already - {"", None}
        refused = Consent.objects.not_agreed(self.session.client, new)
        unconfirmed = AreaConfirmation.objects.not_confirmed(self.session, new - refused)
        for form in self.forms:
            area = form.cleaned_data.get("area")
            if area in refused:
                form.add_error(
                    "area",
                    _(
                        "The client has not agreed to treatment of this area (%(area)s): record their consent to it "
                        "first, or chart only the areas they agreed to."
                    )
                    % {"area": AreaTreated.Area(area).label},
                )
            elif area in unconfirmed:
                form.add_error(
                    "area",
                    _(
                        "The client has not agreed to this area (%(area)s) at this visit: hand them the tablet to "
                        "initial it (“Areas today”, on the session page) before charting it as treated."
                    )
                    % {"area": AreaTreated.Area(area).label},
                )

    def areas(self) -> list[dict] | None:
        if not self.is_bound:
            return None
        return [
            {name: form.cleaned_data.get(name) or default for name, default in AREA_DEFAULTS.items()}
            for form in self.forms
            if form.cleaned_data.get("area")
        ]


AREA_DEFAULTS = {"area": "", "side": "", "techniques": [], "note": ""}
AreasFormSet = forms.formset_factory(AreaTreatedForm, formset=BaseAreasFormSet, extra=2, max_num=20, absolute_max=20)


def areas_formset(data=None, *, session: TreatmentSession) -> BaseAreasFormSet:
    """The draft's areas treated, and two empty rows for more. A note posted without the areas' rows (a script, a
    form from before they existed) leaves the draft's areas as they are: `areas()` gives None."""
    initial = [
        {"area": a.area, "side": a.side, "techniques": a.techniques, "note": a.note} for a in session.areas.all()
    ]
    posted = data is not None and "areas-TOTAL_FORMS" in data
    formset = AreasFormSet(data if posted else None, initial=initial, prefix="areas")
    formset.session = session
    return formset
