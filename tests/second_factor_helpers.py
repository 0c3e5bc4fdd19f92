"""Passing the second factor in tests: through the verify page (a browser), or as django-otp's middleware marks the
signed-in user of a request (for a service called directly)."""

from django.test import Client as Browser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

VERIFY = "/account/two-factor/verify/"


def device_of(user) -> TOTPDevice:
    """The user's confirmed authenticator app, made now if they have none (its age counts: see notes/disposal)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def pass_second_factor(browser: Browser, user) -> Browser:
    """Enter the code the user's app shows now on the verify page, in this browser's session."""
    response = browser.post(VERIFY, {"code": code_of(device_of(user))})
    assert response.status_code == 302, response.content.decode()[:500]
    return browser


def verified_browser(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return pass_second_factor(browser, user)


def verified(user):
    """`user` as request.user is once they passed the second factor (django-otp's OTPMiddleware sets these)."""
    user.otp_device = device_of(user)
    user.is_verified = lambda: True
    return user
