"""A second factor (TOTP via django-otp) for the admin and audit pages, when the clinic requires it.

Required when `settings.REQUIRE_2FA_FOR_ADMIN` is on (the default unless DEBUG), or when a clinic admin turned on the
clinic-wide switch (`SecurityPolicy`). A signed-in user who has not passed the factor in this session is sent to
"verify" (enter a code), or to "enrol" (scan a QR code, confirm with one code) when they have no device yet.
Enrolment is only for someone without a confirmed device: a second device needs the first one, or an emergency
superuser who removes the lost one in /admin/.
"""

from base64 import b32encode
from functools import wraps
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.forms import SecondFactorForm, SecurityPolicyForm
from clinic.models import SecurityPolicy

DEVICE_NAME = "Authenticator app"


def is_required() -> bool:
    return settings.REQUIRE_2FA_FOR_ADMIN or SecurityPolicy.current().require_2fa_for_admin


def needs_second_factor(request) -> bool:
    user = request.user
    return user.is_authenticated and not user.is_verified() and is_required()


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def redirect_for_second_factor(request, next_url: str | None = None):
    """To verify (or enrol), then back to `next_url` (this page unless given: a POST-only page gives its form's)."""
    name = "clinic:two-factor-verify" if confirmed_device(request.user) else "clinic:two-factor-enrol"
    return redirect(f"{reverse(name)}?{urlencode({'next': next_url or request.get_full_path()})}")


def second_factor_required(view):
    """Send a user who has not passed the second factor in this session to verify (or enrol) first, when required.

    Put it inside the role check, so that other roles still get their 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if needs_second_factor(request):
            return redirect_for_second_factor(request)
        return view(request, *args, **kwargs)

    return wrapped


def audit_verify_url(request) -> str | None:
    """None when the user may see audit entries now; else where to pass the second factor first (and come back).

    The rule of /audit/ (`second_factor_required`), for every page that shows audit entries beside other things
    (the clinic admin's home page, a client's history): those show this link in place of the entries."""
    if not needs_second_factor(request):
        return None
    return f"{reverse('clinic:two-factor-verify')}?{urlencode({'next': request.get_full_path()})}"


def _next_url(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse("clinic:two-factor")


def _passed(request, device: TOTPDevice) -> None:
    # A new session key for the raised privilege, as at sign-in.
    request.session.cycle_key()
    otp_login(request, device)


def _check_code(request, device: TOTPDevice, code: str) -> str | None:
    """None when the code is right (and the session has passed the factor), else what to tell the user."""
    # django-otp doubles the wait after each wrong code (1 s, 2 s, 4 s...), so guessing goes nowhere.
    allowed, _data = device.verify_is_allowed()
    if not allowed:
        return _("Too many wrong codes. Wait a little, then enter the code your app shows next.")
    if not device.verify_token(code):
        return _("That code is not right, or was already used. Enter the code your app shows now.")
    if not device.confirmed:
        device.confirmed = True
        device.save()  # clinic.security_events records the enrolment
    _passed(request, device)
    return None


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    device = confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('clinic:two-factor-enrol')}?{urlencode({'next': _next_url(request)})}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refusal = _check_code(request, device, form.cleaned_data["code"])
        if refusal is None:
            return redirect(_next_url(request))
        form.add_error("code", refusal)
    return render(request, "clinic/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@require_http_methods(["GET", "HEAD", "POST"])
def enrol(request):
    if confirmed_device(request.user) is not None:
        messages.info(request, _("You already have an authenticator app set up: enter its code."))
        return redirect(f"{reverse('clinic:two-factor-verify')}?{urlencode({'next': _next_url(request)})}")
    # The same secret across reloads, until one code confirms it.
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refusal = _check_code(request, device, form.cleaned_data["code"])
        if refusal is None:
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(_next_url(request))
        form.add_error("code", refusal)
    uri = device.config_url
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff", title=_("QR code to scan"))
    return render(
        request,
        "clinic/two_factor_enrol.html",
        {
            "form": form,
            "next": _next_url(request),
            "secret": b32encode(device.bin_key).decode(),
            "otpauth_uri": uri,
            "qr_svg": mark_safe(qr_svg),  # noqa: S308 (segno escapes the title and draws only paths)  # nosec B308 B703
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def overview(request):
    """Your second factor, and for clinic admins the clinic-wide switch."""
    user = request.user
    policy = SecurityPolicy.current()
    data = request.POST if request.method == "POST" else None
    form = SecurityPolicyForm(data, instance=policy) if user.is_clinic_admin else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if needs_second_factor(request):
            # Changing the rule is itself an admin action: it needs the factor whenever the factor is required.
            return redirect_for_second_factor(request)
        if form.is_valid():
            form.save()
            messages.success(request, _("Security settings saved."))
            return redirect("clinic:two-factor")
    return render(
        request,
        "clinic/two_factor.html",
        {
            "form": form,
            "device": confirmed_device(user),
            "verified": user.is_verified(),
            "required": is_required(),
            "forced_by_settings": settings.REQUIRE_2FA_FOR_ADMIN,
        },
    )
