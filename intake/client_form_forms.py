"""The forms of the client's own forms: their contact details, and the intake's own forms (complaints on the body
chart, movements, health history, the health and safety questions) reused as they are; and the staff's forms (the
link, a decline's reason)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from clinic.models import Client
from intake import questionnaire_instruments
from intake.client_form_services import CONTACT_FIELDS, MIN_DECLINE_REASON
from intake.forms import ComplaintFormSet, IntakeForm
from intake.health_history_forms import HealthHistoryForms
from intake.questionnaire_forms import QuestionnaireForm
from intake.views import _engine_check, _intake_fields

# Questionnaires staff may choose for a client's link, by code: the client fills them in with the rest.
INSTRUMENTS: dict[str, str] = {
    code: f"{instrument.short_name}: {instrument.name}"
    for code, instrument in questionnaire_instruments.INSTRUMENTS.items()
    if not instrument.paper_only  # its wording is not reproduced: staff enter it from the printed form
}


class ContactForm(forms.ModelForm):
    """The client's own details, empty to start with: the page shows nothing of the chart. A field left empty keeps
    what the clinic has."""

    class Meta:
        model = Client
        fields = list(CONTACT_FIELDS)
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "address": forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
            "emergency_contact_phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
        }

    prefix = "contact"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def _post_clean(self):
        """Validate the fields only: this form never builds or checks a Client (no uniqueness, no instance)."""


class ClientForms:
    """Everything the client fills in, validated together; errors stay beside their fields, answers stay filled."""

    def __init__(self, data=None, *, instruments=()):
        self.contact = ContactForm(data)
        self.form = IntakeForm(data)
        # The worst pain may be left out in the client's words, not the staff's "Not asked".
        self.formset = ComplaintFormSet(data, prefix="complaints", form_kwargs={"worst_left_out": _("Rather not say")})
        self.health = HealthHistoryForms(data)
        # The questionnaires staff chose for this link, each the staff form's own (the published items).
        self.questionnaires = [
            QuestionnaireForm(data, instrument=questionnaire_instruments.INSTRUMENTS[code], prefix=f"q-{code}")
            for code in instruments
            if code in questionnaire_instruments.INSTRUMENTS
        ]
        self.fields: dict = {}

    def is_valid(self, client) -> bool:
        """Every form valid, then the screening engine's own check of the answers (its errors beside their fields)."""
        forms_valid = [self.contact.is_valid(), self.form.is_valid(), self.formset.is_valid(), self.health.is_valid()]
        valid = all(forms_valid + [questionnaire.is_valid() for questionnaire in self.questionnaires])
        if not valid or not self.health.asked:  # a post without the health history's lists is not this form's
            return False
        self.fields = _intake_fields(self.form, self.formset, self.health)
        return _engine_check(client, self.form, self.formset, self.fields)

    def data(self) -> dict:
        """What the submission keeps: the details as typed, and the intake service's own fields."""
        fields = dict(self.fields)
        implied = fields.pop("implied")
        return {
            "contact": {name: self.contact.cleaned_data[name] for name in CONTACT_FIELDS},
            "intake": fields,
            "implied": implied,
            "questionnaires": {q.instrument.code: q.answers() for q in self.questionnaires},
        }


class LinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Also send it by e-mail to"),
        required=False,
        help_text=_("Optional. The message holds the link and its expiry, nothing of the chart."),
    )
    instruments = forms.MultipleChoiceField(
        label=_("Questionnaires for the client to fill in with the forms"),
        choices=list(INSTRUMENTS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not settings.EMAIL_CONFIGURED:
            del self.fields["email"]
        if not INSTRUMENTS:
            del self.fields["instruments"]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why decline?"),
        min_length=MIN_DECLINE_REASON,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Say why the client's forms are declined."),
            "min_length": _("Say why the client's forms are declined, in at least %(limit_value)d characters."),
        },
    )
