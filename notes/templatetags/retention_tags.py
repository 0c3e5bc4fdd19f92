"""The retention date of a client's clinical record, shown on the client page, the history page and the PDF."""

from django import template

from notes import disposal

register = template.Library()


@register.simple_tag
def retention_of(client) -> disposal.Retention:
    return disposal.retention_for(client)


@register.inclusion_tag("notes/_retention.html", takes_context=True)
def record_retention(context, client):
    """Until when the record is kept; for clinic admins, its disposal (requested, or the way to request it)."""
    request = context.get("request")
    may_manage = request is not None and request.user.is_clinic_admin
    # Everyone sees that a record was disposed of; only clinic admins see a request waiting for approval.
    kept, latest_disposal = disposal.retention_and_disposal(client)
    return {"client": client, "retention": kept, "may_manage": may_manage, "disposal": latest_disposal}
