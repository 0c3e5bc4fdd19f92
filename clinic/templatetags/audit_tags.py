from django import template

from clinic import security_events
from clinic.audit_wording import Change, action_words, describe_changes

register = template.Library()


@register.filter
def change_lines(entry) -> list[Change]:
    if security_events.says_it_all(entry):
        return []
    return describe_changes(entry.changes_dict, entry.content_type.model_class(), action=entry.action)


@register.filter
def action_in_words(entry, client=None) -> str:
    """What was done: a security event in one sentence ("granted the clinic admin role to Dana"), else a verb."""
    return security_events.sentence(entry, client) or action_words(entry.action, entry.changes_dict)
