"""Handing a clinic tablet to a client: to sign a consent, to fill in their forms before the visit.

One mechanism for every purpose. A staff member starts a hand-over from a page of theirs (`start`); the session then
holds what the tablet shows (the hand-over page's URL name, and the few views it may post to) and where to go back.
Until the staff member types their password again (`exit_handover`), every other page of the app answers with a
redirect to the hand-over page (`HandoverMiddleware`), so the client reaches nothing else of the staff member's
session. The state lives in the session (in the database), so any app server enforces it.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

HANDOVER_KEY = "handover"
EXIT_VIEW = "clinic:handover-exit"


def start(request, *, page: str, return_to: str, exit_message: str, reachable=(), **state) -> None:
    """Hand the tablet over: from now on only `page` (a URL name without arguments) and `reachable` answer.
    `return_to` and `exit_message`: where the staff member lands, and what they are told, once they leave."""
    request.session[HANDOVER_KEY] = {
        "page": page,
        "reachable": list(reachable),
        "return_to": return_to,
        "exit_message": str(exit_message),
        **state,
    }


def current(request) -> dict | None:
    """The hand-over under way in this session, if any."""
    return request.session.get(HANDOVER_KEY) if hasattr(request, "session") else None


def update(request, **changes) -> None:
    """Change what the hand-over keeps (the consent signed, the forms sent, where to return and what to say)."""
    state = current(request) or {}
    request.session[HANDOVER_KEY] = {**state, **{k: str(v) if k == "exit_message" else v for k, v in changes.items()}}


class HandoverMiddleware:
    """While a tablet is handed to a client, every page but the hand-over's own goes back to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        state = current(request)
        if not state:
            return None
        allowed = {state.get("page"), EXIT_VIEW, *state.get("reachable", ())}
        if request.resolver_match and request.resolver_match.view_name in allowed:
            return None
        return redirect(state.get("page") or "clinic:home")


class HandoverExitForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Staff password"), max_length=4096, widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )


@require_POST
def exit_handover(request):
    """Leave the hand-over: only with the password of the staff member who started it (through authenticate(),
    so django-axes counts wrong passwords here too)."""
    state = current(request)
    if not state:
        return redirect("clinic:home")
    form = HandoverExitForm(request.POST)
    user = None
    if form.is_valid():
        user = authenticate(request, username=request.user.get_username(), password=form.cleaned_data["password"])
    if user is None or user.pk != request.user.pk:
        messages.error(request, _("That is not the password of the staff member who handed over the tablet."))
        return redirect(state.get("page") or "clinic:home")
    del request.session[HANDOVER_KEY]
    messages.info(request, state.get("exit_message") or _("Hand-over ended."))
    return redirect(state.get("return_to") or "clinic:home")
