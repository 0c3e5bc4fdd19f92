from django import template

from clinic.audit import describe_changes

register = template.Library()


@register.filter
def change_lines(entry) -> list[str]:
    return describe_changes(entry.changes_dict, entry.content_type.model_class())
