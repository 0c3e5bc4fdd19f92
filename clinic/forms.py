import re
from datetime import date, datetime

from auditlog.models import LogEntry
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core.validators import MinLengthValidator
from django.forms.utils import from_current_timezone
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from clinic import local_time, roles
from clinic.duplicates import possible_duplicates
from clinic.models import Client, SecurityPolicy, User

EARLIEST_BIRTH_DATE = date(1900, 1, 1)
PHONE_PATTERN = re.compile(r"^[0-9+()\-.\s]*(?:\s*(?:x|ext\.?)\s*\d+)?$", re.IGNORECASE)


def therapists():
    return User.objects.filter(groups__name=roles.THERAPIST, is_active=True).order_by("first_name", "last_name")


class DateInput(forms.DateInput):
    """A day typed as the app writes it everywhere, 2026-12-03: a text field, not the browser's date widget, which
    shows the browser's own order (12/03/2026 in a US-English browser, 03/12/2026 in a British one). Only this
    order is read back (DATE_INPUT_FORMATS, clinic/formats), so no day can be taken for another."""

    def __init__(self, attrs=None, **kwargs):
        attrs = {"placeholder": "YYYY-MM-DD", "autocomplete": "off", "spellcheck": "false", **(attrs or {})}
        super().__init__(attrs=attrs, format="%Y-%m-%d", **kwargs)


# The days a filter by date accepts: every record's, and none near the calendar's end, where adding the day after
# or making the day a moment in the clinic's time zone overflows (`?date_to=9999-12-31` answered 500).
EARLIEST_FILTER_DATE = date(1900, 1, 1)
LATEST_FILTER_DATE = date(2999, 12, 31)


class DayField(forms.DateField):
    """A day typed in a DateInput; a day it cannot read is refused with the order it wants. A model form takes it
    through `Meta.field_classes`."""

    widget = DateInput
    default_error_messages = {"invalid": _("Enter a valid date. Write it as YYYY-MM-DD, e.g. 2026-12-03.")}


MOMENT_FORMAT = "%Y-%m-%d %H:%M"


class MomentField(forms.DateTimeField):
    """A moment typed as the app writes one, 2026-11-28 14:30, in the clinic's time (TIME_ZONE): a text field with
    that placeholder. Only that order is read, with both the day and the time (a day alone would silently be
    midnight); a time the clinic's clock skips or repeats at a change of daylight saving time is refused by name.
    A moment still to come is refused too: every such field says when something happened."""

    widget = forms.TextInput(attrs={"placeholder": "YYYY-MM-DD HH:MM", "autocomplete": "off", "spellcheck": "false"})
    default_error_messages = {
        "invalid": _("Enter the day and the time as YYYY-MM-DD HH:MM, e.g. 2026-11-28 14:30."),
        "clock_change": _(
            "The clinic's clock skips or repeats that time (a change of daylight saving time): "
            "give the time an hour earlier or later."
        ),
        "future": _("That is later than now (%(now)s)."),
    }

    def to_python(self, value):
        if isinstance(value, datetime):
            return value
        value = (value or "").strip()
        if value in self.empty_values:
            return None
        try:
            moment = datetime.strptime(value, MOMENT_FORMAT)  # noqa: DTZ007  # made aware just below
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        try:
            return from_current_timezone(moment)
        except forms.ValidationError:
            raise forms.ValidationError(self.error_messages["clock_change"], code="clock_change") from None

    def validate(self, value):
        super().validate(value)
        now = timezone.now()
        if value is not None and value > now:
            raise forms.ValidationError(
                self.error_messages["future"], code="future", params={"now": local_time.minute(now)}
            )

    def prepare_value(self, value):
        if isinstance(value, datetime):
            return timezone.localtime(value).strftime(MOMENT_FORMAT)
        return value


class FilterDateField(DayField):
    """An optional day to filter by, refused with the form's message outside a sane range."""

    default_error_messages = {
        "out_of_range": _("Enter a date from %(earliest)s to %(latest)s."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value is not None and not EARLIEST_FILTER_DATE <= value <= LATEST_FILTER_DATE:
            raise forms.ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={"earliest": EARLIEST_FILTER_DATE.isoformat(), "latest": LATEST_FILTER_DATE.isoformat()},
            )


def clean_phone_number(value: str) -> str:
    value = value.strip()
    if value and (not PHONE_PATTERN.match(value) or len(re.sub(r"\D", "", value)) < 7):
        raise forms.ValidationError(_("Enter a phone number with at least 7 digits, e.g. 416-555-0100."))
    return value


class ClientForm(forms.ModelForm):
    confirm_duplicate = forms.BooleanField(
        label=_("I checked: this is a different person, though the name is alike and the date of birth the same"),
        required=False,
    )

    class Meta:
        model = Client
        fields = [*Client.PERSONAL_FIELDS, "care_team"]
        field_classes = {"date_of_birth": DayField}
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "desk_notes": forms.Textarea(attrs={"rows": 3}),
            "care_team": forms.CheckboxSelectMultiple,
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "emergency_contact_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "desk_notes": _("For scheduling and the desk only; clinical notes belong in the intake or session."),
        }

    def __init__(self, *args, can_set_care_team: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates = []
        is_new = self.instance.pk is None
        if can_set_care_team:
            self._set_up_care_team(is_new=is_new)
        else:
            del self.fields["care_team"]
        if not is_new:
            del self.fields["confirm_duplicate"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Name"),
                Div(Div("first_name", css_class="col-md-6"), Div("last_name", css_class="col-md-6"), css_class="row"),
                Div(
                    Div("preferred_name", css_class="col-md-4"),
                    Div("pronouns", css_class="col-md-4"),
                    Div("date_of_birth", css_class="col-md-4"),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("Contact"),
                Div(Div("phone", css_class="col-md-6"), Div("email", css_class="col-md-6"), css_class="row"),
                "address",
            ),
            Fieldset(
                _("Emergency contact"),
                Div(
                    Div("emergency_contact_name", css_class="col-md-4"),
                    Div("emergency_contact_relationship", css_class="col-md-4"),
                    Div("emergency_contact_phone", css_class="col-md-4"),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("Family physician"),
                Div(
                    Div("family_physician_name", css_class="col-md-6"),
                    Div("family_physician_contact", css_class="col-md-6"),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("About"),
                Div(
                    Div("referral_source", css_class="col-md-6"),
                    Div("referral_detail", css_class="col-md-6"),
                    css_class="row",
                ),
                "desk_notes",
            ),
        )
        if can_set_care_team:
            self.helper.layout.append(Fieldset(_("Care team"), Div("care_team", css_class="care-team-choices")))

    def _set_up_care_team(self, *, is_new: bool) -> None:
        """The active therapists, read once: their checkboxes, and at registration whether one must be ticked (some
        therapist exists) and which is ticked already (the only one). A client with no care team is seen by no
        therapist until someone adds one."""
        field = self.fields["care_team"]
        field.queryset = therapists()  # what a posted choice is checked against
        team = list(therapists().only(*User.NAME_FIELDS))
        field.choices = [(user.pk, user.display_name) for user in team]
        field.label = _("Therapists")
        field.help_text = _("Therapists who may read and write this client's clinical records.")
        if is_new:
            field.required = bool(team)
            field.error_messages["required"] = _(
                "Choose at least one therapist: until then no therapist can see this client's record."
            )
            if len(team) == 1:
                field.initial = [team[0].pk]

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if born < EARLIEST_BIRTH_DATE:
            raise forms.ValidationError(_("Enter a date of birth from 1900 on."))
        return born

    def clean_phone(self):
        return clean_phone_number(self.cleaned_data["phone"])

    def clean_emergency_contact_phone(self):
        return clean_phone_number(self.cleaned_data["emergency_contact_phone"])

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not cleaned.get("confirm_duplicate"):
            first, last, born = (cleaned.get(k) for k in ("first_name", "last_name", "date_of_birth"))
            if first and last and born:
                self.duplicates = possible_duplicates(
                    first_name=first,
                    last_name=last,
                    date_of_birth=born,
                    preferred_name=cleaned.get("preferred_name") or "",
                )
            if self.duplicates:
                links = format_html_join(
                    ", ", '<a href="{}">{}</a>', ((c.get_absolute_url(), c.display_name) for c in self.duplicates)
                )
                raise forms.ValidationError(
                    format_html(
                        "{} {}. {}",
                        _("A client with this name, or one much like it, and this date of birth already exists:"),
                        links,
                        _("Open their record instead, or tick the box below if this is a different person."),
                    ),
                    code="duplicate",
                )
        return cleaned

    def demographic_data(self) -> dict:
        """The cleaned values that are fields of Client itself (not the care team or the duplicate check)."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("care_team", "confirm_duplicate")}


class CareTeamAddForm(forms.Form):
    therapist = forms.ModelChoiceField(
        label=_("Add a therapist to the care team"),
        queryset=therapists(),
        error_messages={
            "required": _("Choose the therapist to add."),
            "invalid_choice": _("That therapist cannot be added: they are no longer an active therapist."),
        },
    )


class ArchiveClientForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=200, required=False)


class AuditFilterForm(forms.Form):
    ACTIONS = [("", _("Any action"))] + [(str(value), label) for value, label in LogEntry.Action.choices]

    user = forms.ModelChoiceField(queryset=User.objects.order_by("username"), required=False, empty_label=_("Anyone"))
    client = forms.CharField(label=_("Client"), max_length=100, required=False)
    action = forms.ChoiceField(choices=ACTIONS, required=False)
    date_from = FilterDateField(label=_("From"))
    date_to = FilterDateField(label=_("To"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # Posted, so a client's name never lands in the URL (clinic/searches.py); the page then redirects.
        self.helper.form_method = "post"
        self.helper.layout = Layout(
            Div(
                Div("user", css_class="col-md-4 col-lg-3"),
                Div("client", css_class="col-md-4 col-lg-3"),
                Div("action", css_class="col-md-4 col-lg-2"),
                Div("date_from", css_class="col-6 col-lg-2"),
                Div("date_to", css_class="col-6 col-lg-2"),
                css_class="row",
            ),
            Submit("filter", _("Filter"), css_class="btn-primary"),
            HTML('<a class="btn btn-link" href="?">{% load i18n %}{% translate "Clear" %}</a>'),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned


class EmergencyAccessForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need this record now?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the audit log and shown to the clinic admins and on the client's history."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        shortest = settings.EMERGENCY_ACCESS_MIN_REASON
        self.fields["reason"].validators.append(
            MinLengthValidator(shortest, message=_("Say why in at least %(limit_value)d characters."))
        )
        self.fields["reason"].widget.attrs["minlength"] = shortest


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "pattern": "[0-9 ]*"}
        ),
    )

    def clean_code(self):
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError(_("Enter the 6 digits your app shows."))
        return code


class SecurityPolicyForm(forms.ModelForm):
    class Meta:
        model = SecurityPolicy
        fields = ["require_2fa_for_admin"]
