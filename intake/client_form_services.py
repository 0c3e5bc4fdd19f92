"""Writes about the client's own forms: making a link, sending it, what the client sends, and its review.

Nothing a client sends changes the chart by itself: it waits as a submission until a staff member accepts it (then,
in one transaction, the client's details are updated through the clinic's service and the answers become an intake
through `record_intake`, screened like any other) or declines it with a reason.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic import local_time
from clinic import services as clinic_services
from clinic.models import Client, User
from intake import services
from intake.models import ClientLink, ClientSubmission, Intake

# The client's own fields a submission may change (Client.PERSONAL_FIELDS), in the order the form asks them.
CONTACT_FIELDS = (
    "phone",
    "email",
    "address",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
)
MIN_DECLINE_REASON = 5


class LinkUnusable(Exception):
    """The link was used already, or has expired."""


class LinkNotSent(Exception):
    """The e-mail could not be sent (or e-mail is not configured)."""


class AlreadyReviewed(Exception):
    """The submission was accepted or declined already."""


class DeclineRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@transaction.atomic
def create_link(*, client: Client, by: User, via: str = ClientLink.Via.LINK, instruments=()) -> tuple[ClientLink, str]:
    """A new link for the client's forms, and its token (shown once: only its SHA-256 is stored)."""
    token = ClientLink.new_token()
    now = timezone.now()
    link = ClientLink(
        client=client,
        token_hash=ClientLink.hash_of(token),
        via=via,
        created_by=by,
        created_at=now,
        expires_at=now + timedelta(days=settings.CLIENT_FORM_LINK_DAYS),
        instruments=list(instruments),
    )
    link.save()
    return link, token


@transaction.atomic
def email_link(*, link: ClientLink, url: str, to: str) -> ClientLink:
    """Send the link to the client's address and record that it was sent (and where). The message holds the
    link and its expiry, nothing of the chart. LinkNotSent when e-mail is not configured or the server refused."""
    if not settings.EMAIL_CONFIGURED:
        raise LinkNotSent
    body = _(
        "Hello,\n\nPlease fill in your forms before your visit to %(clinic)s:\n\n%(url)s\n\n"
        "The link works once, until %(until)s. If you did not expect this message, ignore it.\n"
    ) % {"clinic": settings.CLINIC_NAME, "url": url, "until": local_time.minute(link.expires_at)}
    try:
        send_mail(_("Your forms before your visit"), body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
    except OSError as error:  # smtplib's errors are OSErrors
        raise LinkNotSent from error
    link.emailed_to = to
    link.emailed_at = timezone.now()
    link.save(update_fields=["emailed_to", "emailed_at"])
    return link


@transaction.atomic
def submit(*, link: ClientLink, data: dict) -> ClientSubmission:
    """Keep what the client sent, and use the link up (locked first: two sends at once make one submission)."""
    link = ClientLink.objects.select_for_update().select_related("client").get(pk=link.pk)
    if not link.is_usable:
        raise LinkUnusable
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    submission = ClientSubmission(client=link.client, link=link, data=data, submitted_at=link.used_at)
    submission.save()
    return submission


def _locked_pending(submission: ClientSubmission) -> ClientSubmission:
    locked = ClientSubmission.objects.select_for_update().select_related("client").get(pk=submission.pk)
    if not locked.is_pending:
        raise AlreadyReviewed
    return locked


def contact_changes(client: Client, contact: dict) -> dict:
    """The details the client gave that differ from the chart's (a field left empty keeps the chart's)."""
    return {
        name: contact[name].strip()
        for name in CONTACT_FIELDS
        if isinstance(contact.get(name), str)
        and contact[name].strip()
        and contact[name].strip() != getattr(client, name)
    }


@transaction.atomic
def accept_submission(*, submission: ClientSubmission, by: User) -> Intake:
    """Accept what the client sent: their changed details update the client (clinic.services.update_client), their
    answers become a new intake, screened like any other, taken by the reviewer, and their questionnaires are
    recorded as the client's own (scored by their published rules), when they sent them. All of it, or nothing."""
    submission = _locked_pending(submission)
    client = submission.client
    changes = contact_changes(client, submission.data.get("contact", {}))
    if changes:
        clinic_services.update_client(client=client, **changes)
    answers = submission.data["intake"]
    intake = services.record_intake(
        client=client,
        taken_by=by,
        complaints=answers["complaints"],
        sex=answers.get("sex", ""),
        aggravating=answers.get("aggravating", []),
        history=answers.get("history", {}),
        red_flags=answers.get("red_flags", {}),
        health_history=answers.get("health_history"),
        notes=answers.get("notes", ""),
    )
    for instrument, given in submission.data.get("questionnaires", {}).items():  # the client's own, as answered
        services.record_questionnaire(
            client=client,
            by=None,
            instrument=instrument,
            answers=given,
            taken_at=submission.submitted_at,
            source="client",
        )
    submission.status = ClientSubmission.Status.ACCEPTED
    submission.reviewed_by = by
    submission.reviewed_at = timezone.now()
    submission.intake = intake
    submission.save(update_fields=["status", "reviewed_by", "reviewed_at", "intake"])
    return intake


@transaction.atomic
def decline_submission(*, submission: ClientSubmission, by: User, reason: str) -> ClientSubmission:
    """Decline what the client sent, with the reviewer's reason: the chart stays as it was, the submission stays
    in the record, marked declined."""
    reason = reason.strip()
    if len(reason) < MIN_DECLINE_REASON:
        raise DeclineRefused(_("Say why the client's forms are declined."))
    submission = _locked_pending(submission)
    submission.status = ClientSubmission.Status.DECLINED
    submission.reviewed_by = by
    submission.reviewed_at = timezone.now()
    submission.decline_reason = reason
    submission.save(update_fields=["status", "reviewed_by", "reviewed_at", "decline_reason"])
    return submission
