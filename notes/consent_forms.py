"""The forms of consent: signing (the typed name, an optional drawn signature), withdrawing, and leaving the
hand-over screen."""

import base64
import binascii
import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from notes.models import ClientAssent, ConsentKind, SdmAuthority, SensitiveArea, SignedBy

MAX_DRAWING_BYTES = 200_000
PNG_DATA_URL = re.compile(r"^data:image/png;base64,([A-Za-z0-9+/=]+)$")


def _normalise_name(name: str) -> str:
    return " ".join(name.casefold().split())


YES_NO = [("yes", _("Yes")), ("no", _("No"))]
AGREED = [("agreed", _("I agree")), ("not_agreed", _("I do not agree"))]


def area_field_name(code: str) -> str:
    return f"area_{code}"


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
    support_person_offered = forms.ChoiceField(
        label=_("A support person was offered (someone the client may have present)"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether a support person was offered.")},
    )
    support_person_present = forms.BooleanField(label=_("A support person is present"), required=False)
    signed_by = forms.ChoiceField(
        label=_("Who signs"), choices=SignedBy.choices, widget=forms.RadioSelect, initial=SignedBy.CLIENT
    )
    sdm_name = forms.CharField(label=_("Substitute decision-maker's full name"), max_length=200, required=False)
    sdm_relationship = forms.CharField(label=_("Relationship to the client"), max_length=200, required=False)
    sdm_authority = forms.ChoiceField(
        label=_("Authority to decide"), choices=[("", "---------"), *SdmAuthority.choices], required=False
    )
    client_assent = forms.ChoiceField(
        label=_("The client's own assent"), choices=ClientAssent.choices, widget=forms.RadioSelect, required=False
    )
    client_assent_note = forms.CharField(label=_("Note on the client's assent"), max_length=500, required=False)

    def __init__(self, *args, client, current_text, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.current_text = current_text
        self.asks_areas = current_text is not None and current_text.kind == ConsentKind.ABDOMINAL
        area_names = []
        if self.asks_areas:
            for code, label in SensitiveArea.choices:
                name = area_field_name(code)
                area_names.append(name)
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    choices=AGREED,
                    widget=forms.RadioSelect(attrs={"class": "consent-area"}),
                    error_messages={"required": _("Choose agree or do not agree for this area.")},
                )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "kind",
            "text_version",
            "has_read",
            *([Fieldset(_("Each area: agreed or not"), *area_names)] if area_names else []),
            Fieldset(_("Support person"), "support_person_offered", "support_person_present"),
            Fieldset(
                _("The client, or a substitute decision-maker"),
                "signed_by",
                "sdm_name",
                "sdm_relationship",
                "sdm_authority",
                "client_assent",
                "client_assent_note",
            ),
            "signed_name",
            "signature_drawing",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("signed_by") == SignedBy.SDM:
            required = {
                "sdm_name": _("Type the substitute decision-maker's full name."),
                "sdm_relationship": _("Say how the substitute decision-maker is related to the client."),
                "sdm_authority": _("Choose the substitute decision-maker's authority to decide."),
                "client_assent": _("Note whether the client assents, or is not able to say."),
            }
            for name, message in required.items():
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, message)
        else:
            for name in ("sdm_name", "sdm_relationship", "sdm_authority", "client_assent", "client_assent_note"):
                cleaned[name] = ""
        name = cleaned.get("signed_name")
        if name is not None and "signed_name" not in self.errors:
            self._check_signed_name(name, cleaned)
        return cleaned

    def _post_clean(self):
        # A choice's error is tied to each of its options, so a screen reader reads it with any of them.
        super()._post_clean()
        for name in self.errors:
            if name in self.fields and isinstance(self.fields[name].widget, forms.RadioSelect):
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"

    @property
    def agreed_areas(self) -> list[str] | None:
        if not self.asks_areas:
            return None
        return [
            code for code, _label in SensitiveArea.choices if self.cleaned_data.get(area_field_name(code)) == "agreed"
        ]

    def clean_text_version(self):
        version = self.cleaned_data["text_version"]
        if self.current_text is None or version != self.current_text.version:
            raise forms.ValidationError(_("The consent text changed while it was being read. Please read it again."))
        return version

    def clean_signed_name(self):
        return " ".join(self.cleaned_data["signed_name"].split())

    def _check_signed_name(self, name: str, cleaned: dict):
        """The client signs with their own name; a substitute decision-maker with theirs, never the client's."""
        if cleaned.get("signed_by") == SignedBy.SDM:
            sdm_name = cleaned.get("sdm_name") or ""
            if sdm_name and _normalise_name(name) != _normalise_name(sdm_name):
                self.add_error(
                    "signed_name",
                    _("The substitute decision-maker signs with their own name: %(name)s.") % {"name": sdm_name},
                )
            return
        accepted = {_normalise_name(self.client.full_name)}
        if self.client.preferred_name:
            accepted.add(_normalise_name(f"{self.client.preferred_name} {self.client.last_name}"))
        if _normalise_name(name) not in accepted:
            self.add_error(
                "signed_name",
                _("Type your full name as it is on your file: %(name)s.") % {"name": self.client.full_name},
            )

    def clean_signature_drawing(self):
        return checked_drawing(
            self.cleaned_data["signature_drawing"], _("The drawn signature could not be read. Clear it and sign again.")
        )


def checked_drawing(value: str, message: str) -> str:
    """A drawing from the tablet's pad: "" or a PNG data URL of at most MAX_DRAWING_BYTES, else `message`."""
    drawing = value.strip()
    if not drawing:
        return ""
    match = PNG_DATA_URL.match(drawing)
    try:
        raw = base64.b64decode(match[1], validate=True) if match else b""
    except (binascii.Error, ValueError):
        raw = b""
    if not raw.startswith(b"\x89PNG\r\n\x1a\n") or len(raw) > MAX_DRAWING_BYTES:
        raise forms.ValidationError(message)
    return drawing


class WithdrawConsentForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional: the client need not give one)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
