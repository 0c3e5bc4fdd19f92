from django.shortcuts import redirect

from notes.consent_views import HANDOVER_KEY

HANDOVER_VIEWS = {"notes:handover", "notes:handover-exit"}


class ConsentHandoverMiddleware:
    """While a tablet is handed to a client to sign consent, every other page of the app is out of reach:
    any request goes back to the consent screen until the staff member types their password."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not hasattr(request, "session") or not request.session.get(HANDOVER_KEY):
            return None
        if request.resolver_match and request.resolver_match.view_name in HANDOVER_VIEWS:
            return None
        return redirect("notes:handover")
