from django import template

from clinic.audit_wording import Change, action_words, describe_changes

register = template.Library()


@register.filter
def change_lines(entry) -> list[Change]:
    return describe_changes(entry.changes_dict, entry.content_type.model_class(), action=entry.action)


@register.filter
def action_in_words(entry) -> str:
    return action_words(entry.action, entry.changes_dict)
