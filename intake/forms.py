"""Intake forms. Field names are the screening vocabulary's own words, so an engine error lands on its field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from intake import labels, screening
from intake.models import ClinicalJudgement, Complaint, HealthCheck

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
PAIN_CHOICES = [(str(n), str(n)) for n in range(11)]
SCORED_TESTS = {rule.fact.removeprefix("tests.") for rule in screening.RULES if rule.fact.startswith("tests.")}


def yes_no_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages={"required": _("Answer yes or no.")},
    )


def weeks_field(label) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=False,
        min_value=0,
        max_value=5200,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any", "min": "0"}),
        error_messages={
            "min_value": _("A number of weeks cannot be negative."),
            "invalid": _("Enter the number of weeks, e.g. 8, or leave it empty."),
        },
    )


def yes_no_initial(value: bool | None):
    return None if value is None else ("yes" if value else "no")


class ComplaintForm(forms.Form):
    # Which stored complaint this row edits (empty for a new one); the service accepts only this intake's own.
    complaint = forms.IntegerField(widget=forms.HiddenInput, required=False)
    region = forms.ChoiceField(
        label=_("Where"),
        choices=[("", _("Choose on the body or here"))] + list(labels.REGIONS.items()),
        widget=forms.Select(attrs={"data-region-select": "", "class": "form-select-lg"}),
        error_messages={"invalid_choice": _("Choose a body region from the list.")},
    )
    side = forms.ChoiceField(
        label=_("Side"),
        choices=list(labels.SIDES.items()),
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages={"invalid_choice": _("Choose left, right, both sides or middle.")},
    )
    pain_now = forms.TypedChoiceField(
        label=_("Pain now (0 = none, 10 = worst imaginable)"),
        choices=PAIN_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages={
            "required": _("Tap how much it hurts now, from 0 to 10."),
            "invalid_choice": _("Pain must be a whole number from 0 to 10."),
        },
    )
    pain_worst = forms.TypedChoiceField(
        label=_("Worst pain in the last week"),
        choices=[("", _("Not asked"))] + PAIN_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Pain must be a whole number from 0 to 10.")},
    )
    onset = forms.ChoiceField(label=_("When did it start?"), choices=list(labels.ONSETS.items()), required=False)

    def __init__(self, *args, worst_left_out=None, **kwargs):
        """`worst_left_out`: what the worst pain's empty choice says ("Not asked" on the staff's form; the client's
        own form says "Rather not say")."""
        super().__init__(*args, **kwargs)
        if worst_left_out is not None:
            self.fields["pain_worst"].choices = [("", worst_left_out), *PAIN_CHOICES]

    @classmethod
    def initial_from(cls, complaint: Complaint) -> dict:
        return {
            "complaint": complaint.pk,
            "region": complaint.region,
            "side": complaint.side,
            "pain_now": str(complaint.pain_now),
            "pain_worst": "" if complaint.pain_worst is None else str(complaint.pain_worst),
            "onset": complaint.onset,
        }


class BaseComplaintFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.complaints():
            raise forms.ValidationError(
                _("Add at least one complaint: where it hurts, which side, and how much."), code="no_complaint"
            )

    def complaints(self) -> list[dict]:
        """The complaints to keep, in order, without the formset's own DELETE field."""
        return [
            {name: value for name, value in form.cleaned_data.items() if name != "DELETE"}
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]


ComplaintFormSet = forms.formset_factory(
    ComplaintForm,
    formset=BaseComplaintFormSet,
    extra=1,
    max_num=10,
    validate_max=True,
    absolute_max=20,
    can_delete=True,
)


class IntakeForm(forms.Form):
    """Movements, health history and red flags: everything of an intake but the complaints and the tests."""

    aggravating = forms.MultipleChoiceField(
        label=_("What makes it worse? Tick all that apply."),
        choices=list(labels.AGGRAVATING.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("%(value)s is not one of the movements listed.")},
    )
    sex = forms.ChoiceField(
        label=_("Sex (optional)"),
        choices=[("", _("Not given"))] + list(labels.SEXES.items()),
        required=False,
    )
    notes = forms.CharField(
        label=_("Anything else the therapist should know?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in labels.HISTORY_FLAGS.items():
            self.fields[name] = yes_no_field(label)
        for name, (label, choices) in labels.HISTORY_CHOICES.items():
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=list(choices.items()),
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                error_messages={"required": _("Choose one answer.")},
            )
        for name, (label, _said) in labels.HISTORY_WEEKS.items():
            self.fields[name] = weeks_field(label)
        for name, label in labels.RED_FLAGS.items():
            self.fields[name] = yes_no_field(label)

    @classmethod
    def initial_from(cls, intake) -> dict:
        initial = {"aggravating": intake.aggravating, "sex": intake.sex, "notes": intake.notes}
        for name in labels.HISTORY_FLAGS:
            initial[name] = yes_no_initial(intake.history.get(name, False))
        for name in labels.HISTORY_CHOICES:
            initial[name] = intake.history.get(name, "none")
        for name in labels.HISTORY_WEEKS:
            initial[name] = intake.history.get(name)
        for name in labels.RED_FLAGS:
            initial[name] = yes_no_initial(intake.red_flags.get(name, False))
        return initial

    def history_fields(self):
        """In the order they are asked: the caesarean question right after the weeks since giving birth."""
        flags = [name for name in labels.HISTORY_FLAGS if name != "caesarean"]
        return [self[name] for name in (*flags, *labels.HISTORY_CHOICES, *labels.HISTORY_WEEKS, "caesarean")]

    def red_flag_fields(self):
        return [self[name] for name in labels.RED_FLAGS]

    def history(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in (*labels.HISTORY_FLAGS, *labels.HISTORY_CHOICES, *labels.HISTORY_WEEKS)}

    def red_flags(self) -> dict:
        return {name: self.cleaned_data[name] for name in labels.RED_FLAGS}


def side_field_name(test: str) -> str:
    return f"{test}_side"


class AssessmentForm(forms.Form):
    """The therapist's tests; each defaults to "not tested", with an optional side (left, right or both)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, allowed in screening.TESTS.items():
            self.fields[name] = forms.ChoiceField(
                label=labels.TESTS[name],
                choices=[(value, labels.TEST_RESULTS[value]) for value in (screening.NOT_TESTED, *allowed)],
                initial=screening.NOT_TESTED,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
            )
            self.fields[side_field_name(name)] = forms.ChoiceField(
                label=_("%(test)s: side") % {"test": labels.TESTS[name]},
                choices=[("", _("No side"))] + list(labels.TEST_SIDES.items()),
                required=False,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                error_messages={"invalid_choice": _("Choose left, right or both.")},
            )

    @classmethod
    def initial_from(cls, intake) -> dict:
        initial = {}
        for name in screening.TESTS:
            result, side = labels.test_result_and_side(intake.tests.get(name, screening.NOT_TESTED))
            initial[name], initial[side_field_name(name)] = result, side or ""
        return initial

    def _pairs(self, scored: bool):
        return [
            (self[name], self[side_field_name(name)]) for name in screening.TESTS if (name in SCORED_TESTS) is scored
        ]

    def scored_fields(self):
        """(result, side) for each scored test."""
        return self._pairs(scored=True)

    def recorded_fields(self):
        return self._pairs(scored=False)

    def tests(self) -> dict:
        """The tests done, in the engine's format: a result alone, or {"result", "side"} when a side was chosen (a
        side without a result is not kept: the test was not done)."""
        tests = {}
        for name in screening.TESTS:
            result, side = self.cleaned_data[name], self.cleaned_data[side_field_name(name)]
            if result != screening.NOT_TESTED:
                tests[name] = {"result": result, "side": side} if side else result
        return tests


class HealthCheckForm(forms.ModelForm):
    """The visit's health check, asked out loud. Each answer starts as the chart has it, so "no change" is true of
    an untouched form; the "No change" button records just that in one tap (with today's own answer,
    menstruating today)."""

    anticoagulant = yes_no_field(_("Takes an anticoagulant (blood thinner), or has a bleeding disorder?"))
    pregnant = yes_no_field(_("Pregnant?"))
    caesarean = yes_no_field(_("If so: by caesarean section?"))
    menstruating_today = yes_no_field(_("Menstruating today?"))
    new_red_flags = forms.MultipleChoiceField(
        label=_("New symptoms since the last visit (tap each that applies)"),
        choices=list(labels.RED_FLAGS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = HealthCheck
        fields = [
            "medication",
            "anticoagulant",
            "surgery",
            "abdominal_surgery_weeks_ago",
            "injury",
            "pregnant",
            "childbirth_weeks_ago",
            "caesarean",
            "new_red_flags",
            "menstruating_today",
            "note",
        ]

    def __init__(self, *args, chart: dict | None = None, no_change: bool = False, **kwargs):
        history = (chart or {}).get("history", {})
        kwargs.setdefault(
            "initial",
            {
                "anticoagulant": yes_no_initial(bool(history.get("anticoagulant_or_bleeding_disorder"))),
                "pregnant": yes_no_initial(bool(history.get("pregnant"))),
                "menstruating_today": "no",
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["childbirth_weeks_ago"].label = _("Gave birth since the last visit: how many weeks ago?")
        self.fields["caesarean"].required = False  # asked only of a birth; no answer is "no"
        self.no_change = no_change
        self.chart_history = history
        # Not asked of a client recorded as male: "no", without a question that does not apply.
        self.asks_menstruation = (chart or {}).get("sex") != "M"
        if not self.asks_menstruation:
            self.fields["menstruating_today"].required = False
        if no_change:
            # One tap: every "since the last visit" answer is the chart's; only today's own answer is asked.
            for name in self.fields:
                if name != "menstruating_today":
                    self.fields[name].required = False

    def answers(self) -> dict:
        """What the service records: on "no change", the chart's answers and today's."""
        if self.no_change:
            return {
                "no_change": True,
                "anticoagulant": bool(self.chart_history.get("anticoagulant_or_bleeding_disorder")),
                "pregnant": bool(self.chart_history.get("pregnant")),
                "menstruating_today": bool(self.cleaned_data.get("menstruating_today")),
            }
        answers = {name: self.cleaned_data[name] for name in self.Meta.fields}
        answers["menstruating_today"] = bool(answers["menstruating_today"])
        answers["caesarean"] = answers["childbirth_weeks_ago"] is not None and bool(answers["caesarean"])
        return answers


class ClinicalJudgementForm(forms.Form):
    """A judgement that differs from the screening's iliopsoas flag: the judgement is the other answer (the page
    says which), the reason is the therapist's own words."""

    judgement = forms.ChoiceField(choices=list(labels.JUDGEMENTS.items()), widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Your reason"),
        min_length=ClinicalJudgement.MIN_REASON_LENGTH,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you found or know that the screening does not weigh: at least 20 characters."),
        error_messages={
            "required": _("Give your reason: a clinical judgement is recorded only with one."),
            "min_length": _("Give your reason in at least %(limit_value)d characters (you wrote %(show_value)d)."),
        },
    )
