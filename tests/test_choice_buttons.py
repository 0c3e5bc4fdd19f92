"""The choice buttons (intake_tags.choice_buttons) write each radio option as Django's own widget templates would,
escaped, with the state a re-displayed form needs: the chosen option checked, the errors shown."""

import pytest
from django import forms

from intake.templatetags.intake_tags import choice_buttons


class Question(forms.Form):
    answer = forms.ChoiceField(
        label='Pain "now" <0-10>',
        choices=[(1, "one"), ("2", "two & <more>")],
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )


@pytest.mark.parametrize("data", [None, {"answer": "2"}, {"answer": "<script>"}, {}])
def test_each_option_is_the_markup_of_django_s_own_radio_widget(data):
    form = Question(data)
    if data is not None:
        form.is_valid()  # bound: errors and the posted choice
    field = form["answer"]

    html = choice_buttons(field, colour="danger", compact=True)

    for option in field:
        tag = str(option.tag())  # the input exactly as django/forms/widgets/radio_option.html writes it
        if field.errors:  # with the message named, so a screen reader reads it with the option
            tag = tag.replace(' aria-invalid="true"', f' aria-invalid="true" aria-describedby="{field.auto_id}_error"')
        assert tag in html
        assert f'<label class="btn btn-outline-danger" for="{option.id_for_label}">' in html
    assert 'aria-label="Pain &quot;now&quot; &lt;0-10&gt;"' in html and "two &amp; &lt;more&gt;" in html
    assert "choice-buttons-compact" in html
    assert (f'<div class="invalid-feedback d-block" id="{field.auto_id}_error">' in html) == bool(field.errors)
    assert ("invalid-feedback" in html) == bool(data is not None and form.errors)
    assert "<script>" not in html


def test_the_chosen_option_stays_checked_when_the_form_comes_back():
    html = choice_buttons(Question({"answer": "2"})["answer"])

    assert 'value="2" class="btn-check" id="id_answer_1" required checked>' in html
    assert 'value="1" class="btn-check" id="id_answer_0" required>' in html
    assert "btn-outline-primary" in html
