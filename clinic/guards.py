"""The one answer a view gives when it is asked to add to a record that is closed to additions: a message saying
why and what to do, and back to the record's page. Views call these first, before any form is read."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def refuse_if_archived(request, client, *, doing: str):
    """None for an active client; for an archived one, the redirect to their page with the reason."""
    if not client.is_archived:
        return None
    messages.error(request, _("This client is archived. Restore them before %(doing)s.") % {"doing": doing})
    return redirect(client)


def refuse_unless(request, record, *, allowed: bool, message: str):
    """None when `allowed`; otherwise the redirect to the record's page with `message` (a signed session asked to
    change, a draft asked for an addendum)."""
    if allowed:
        return None
    messages.info(request, message)
    return redirect(record)
