"""The history page's filter fields, written in Python (notes/templatetags/history_tags.py), give the markup the
template wrote with Django's checkbox widget and crispy-forms' bootstrap5 field (whitespace aside)."""

import re

import pytest
from django.template import engines

from notes.history_views import HistoryFilterForm

TEMPLATE_WAY = engines["django"].from_string(
    "{% load crispy_forms_tags %}"
    '{% for choice in form.kind %}<div class="form-check">{{ choice.tag }}'
    '<label class="form-check-label" for="{{ choice.id_for_label }}">{{ choice.choice_label }}</label></div>'
    "{% endfor %}|{{ form.start|as_crispy_field }}|{{ form.end|as_crispy_field }}"
)
TAG_WAY = engines["django"].from_string(
    "{% load history_tags %}{% kind_checkboxes form.kind %}|{% date_field form.start %}|{% date_field form.end %}"
)


def squeezed(html: str) -> str:
    """Markup with the whitespace between and inside tags taken out, as a browser would read it."""
    html = re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html.strip()))
    return re.sub(r"\s+", " ", re.sub(r"<label\s+", "<label ", html))


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"kind": ["intake", "session"]},
        {"kind": ["bogus"], "start": "2026-02-30"},
        {"kind": ["intake", "bogus"]},
        {"start": "2026-03-01", "end": "2026-02-01"},
        {"start": "2026-03-01", "end": "not a date"},
        {"start": '"><script>alert(1)</script>'},
        {"kind": ["clearance", "consent", "withdrawal", "intake", "session"], "start": "", "end": "2026-12-31"},
    ],
)
def test_the_filter_fields_read_as_the_widgets_and_crispy_wrote_them(data):
    form = HistoryFilterForm(data)
    form.is_valid()

    mine, theirs = TAG_WAY.render({"form": form}), TEMPLATE_WAY.render({"form": form})

    assert squeezed(mine) == squeezed(theirs)
    assert "<script>" not in mine


def test_an_unbound_form_reads_the_same_too():
    form = HistoryFilterForm()
    assert squeezed(TAG_WAY.render({"form": form})) == squeezed(TEMPLATE_WAY.render({"form": form}))
