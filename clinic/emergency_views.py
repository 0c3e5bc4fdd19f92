"""Emergency access ("break the glass"): a therapist outside the care team opens a client's record for a reason."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clinic import services
from clinic.access import active_emergency_access, get_client_for_emergency_access
from clinic.forms import EmergencyAccessForm


@require_http_methods(["GET", "HEAD", "POST"])
def emergency_access(request, public_id):
    """GET asks for the reason; POST records the grant and opens the client's history (the clinical record)."""
    client = get_client_for_emergency_access(request.user, public_id)
    history_url = reverse("notes:client-history", kwargs={"public_id": client.public_id})
    if request.user.is_clinic_admin or client.care_team.filter(pk=request.user.pk).exists():
        messages.info(request, _("You can already read this client's record."))
        return redirect(history_url)
    form = EmergencyAccessForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # The history page says for how long, and that it is read-only and recorded.
        services.grant_emergency_access(client=client, user=request.user, reason=form.cleaned_data["reason"])
        return redirect(history_url)
    hours = settings.EMERGENCY_ACCESS_DURATION.total_seconds() / 3600
    return render(request, "clinic/emergency_access.html", {"client": client, "form": form, "hours": f"{hours:g}"})


def emergency_access_offer(user, client) -> dict:
    """For the client page: a therapist outside the care team is offered emergency access, or sees their grant."""
    if not user.is_therapist or user.is_clinic_admin or client.has_on_care_team(user):
        return {"offers_emergency_access": False, "emergency_access": None}
    grant = active_emergency_access(user, client) if client.last_emergency_access_at is not None else None
    return {"offers_emergency_access": True, "emergency_access": grant}
