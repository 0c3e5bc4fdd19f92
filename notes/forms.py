import base64
import binascii
import re
import uuid

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from intake import labels, screening
from notes.models import Addendum, ConsentKind, FeedbackEntry, TreatmentSession

PAIN_CHOICES = [(str(n), str(n)) for n in range(11)]
PRESSURE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]
MAX_DRAWING_BYTES = 200_000
PNG_DATA_URL = re.compile(r"^data:image/png;base64,([A-Za-z0-9+/=]+)$")


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


def _normalise_name(name: str) -> str:
    return " ".join(name.casefold().split())


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(choices=ConsentKind.choices, widget=forms.HiddenInput)
    text_version = forms.IntegerField(widget=forms.HiddenInput)
    has_read = forms.BooleanField(
        label=_("I have read this text, and my questions were answered."),
        error_messages={"required": _("Please read the text and tick this box.")},
    )
    signed_name = forms.CharField(
        label=_("Type your full name to sign"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words", "class": "form-control-lg"}),
    )
    signature_drawing = forms.CharField(required=False, widget=forms.HiddenInput, max_length=MAX_DRAWING_BYTES * 2)

    def __init__(self, *args, client, current_text, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.current_text = current_text
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_text_version(self):
        version = self.cleaned_data["text_version"]
        if self.current_text is None or version != self.current_text.version:
            raise forms.ValidationError(_("The consent text changed while it was being read. Please read it again."))
        return version

    def clean_signed_name(self):
        name = self.cleaned_data["signed_name"]
        accepted = {_normalise_name(self.client.full_name)}
        if self.client.preferred_name:
            accepted.add(_normalise_name(f"{self.client.preferred_name} {self.client.last_name}"))
        if _normalise_name(name) not in accepted:
            raise forms.ValidationError(
                _("Type your full name as it is on your file: %(name)s.") % {"name": self.client.full_name}
            )
        return " ".join(name.split())

    def clean_signature_drawing(self):
        drawing = self.cleaned_data["signature_drawing"].strip()
        if not drawing:
            return ""
        match = PNG_DATA_URL.match(drawing)
        try:
            raw = base64.b64decode(match[1], validate=True) if match else b""
        except (binascii.Error, ValueError):
            raw = b""
        if not raw.startswith(b"\x89PNG\r\n\x1a\n") or len(raw) > MAX_DRAWING_BYTES:
            raise forms.ValidationError(_("The drawn signature could not be read. Clear it and sign again."))
        return drawing


class WithdrawConsentForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional: the client need not give one)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HandoverExitForm(forms.Form):
    password = forms.CharField(label=_("Staff password"), widget=forms.PasswordInput(attrs={"autocomplete": "off"}))


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


class AbdominalRequestForm(forms.Form):
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
        return {name: value for name, value in self.cleaned_data.items() if name != "same_as_last"}


class AddendumForm(forms.ModelForm):
    class Meta:
        model = Addendum
        fields = ["reason", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class DisposalRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this record to be disposed of?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the record is to be disposed of.")},
    )
