"""The physician's clearance form: what the letter permits, its dates, and the scanned letter checked by its bytes."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.forms import DayField
from intake.models import PhysicianClearance

LETTER_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def sniff_letter_type(upload) -> str | None:
    """The letter's real type from its first bytes (the browser's claim and the file name are not trusted)."""
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in LETTER_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


class ClearanceForm(forms.ModelForm):
    class Meta:
        model = PhysicianClearance
        fields = [
            "cleared_on",
            "clinician_name",
            "clinician_practice",
            "scope",
            "valid_until",
            "what_was_cleared",
            "letter",
        ]
        field_classes = {"cleared_on": DayField, "valid_until": DayField}
        widgets = {
            "scope": forms.RadioSelect(),
            "what_was_cleared": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "letter": _("Optional: a PDF, JPEG or PNG scan of the physician's letter, up to 10 MB."),
            "scope": _(
                "As the letter says. Only a clearance that includes abdominal work lets abdominal work through; "
                "contraindications from health answers are never lifted by a clearance."
            ),
            "valid_until": _("Optional: the last day the letter covers, if it names one."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What the letter permits is read from the letter: nothing chosen for the clerk.
        self.fields["scope"].initial = None
        self.fields["scope"].error_messages["required"] = _("Choose what the clearance permits, as the letter says.")
        self.fields["letter"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
        self.letter_content_type = ""

    def clean_cleared_on(self):
        cleared_on = self.cleaned_data["cleared_on"]
        if cleared_on > timezone.localdate():
            raise forms.ValidationError(_("The clearance date cannot be in the future."))
        return cleared_on

    def clean(self):
        cleaned = super().clean()
        cleared_on, valid_until = cleaned.get("cleared_on"), cleaned.get("valid_until")
        if cleared_on and valid_until and valid_until < cleared_on:
            self.add_error("valid_until", _("The end date cannot be before the date of clearance."))
        return cleaned

    def clean_letter(self):
        letter = self.cleaned_data.get("letter")
        if not letter:
            return letter
        if letter.size > PhysicianClearance.MAX_LETTER_BYTES:
            raise forms.ValidationError(_("The letter is larger than 10 MB. Scan it at a lower resolution."))
        content_type = sniff_letter_type(letter)
        if content_type is None:
            raise forms.ValidationError(_("The letter must be a PDF, JPEG or PNG file."))
        self.letter_content_type = content_type
        return letter
