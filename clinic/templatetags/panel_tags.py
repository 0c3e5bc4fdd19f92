"""Rendering a panel another app gathered for a clinic page (clinic/panels.py): its template, with its context."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context, panel):
    with context.push(**panel.context):
        return context.template.engine.get_template(panel.template_name).render(context)
