"""The forms of consent: signing (the typed name, an optional drawn signature), withdrawing, and leaving the
hand-over screen."""

import base64
import binascii
import re

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from notes.models import ConsentKind

MAX_DRAWING_BYTES = 200_000
PNG_DATA_URL = re.compile(r"^data:image/png;base64,([A-Za-z0-9+/=]+)$")


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
