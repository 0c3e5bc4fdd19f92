"""The client's word at this visit on each sensitive area before it is treated (OUTCOMES: "confirmed at each visit
before an area is treated"): what the session page and the tablet show, and the one write that records it."""

from dataclasses import dataclass

from django.db import transaction

from clinic.models import User
from notes.models import AreaConfirmation, Consent, SensitiveArea, TreatmentSession
from notes.models.visit_consent import verbal_enough
from notes.services import lock_draft


class AreaNotConsented(Exception):
    """An area confirmed at the visit that no consent in force names: the visit's word never stands for it."""

    def __init__(self, areas):
        self.areas = sorted(areas)
        super().__init__(", ".join(self.areas))


class InitialsNeeded(Exception):
    """An area recorded as agreed out loud where the province's rules ask for the client's initials."""


@dataclass
class AreaToday:
    """One sensitive area on the session page: agreed on the consent or not, and the visit's word on it."""

    code: str
    label: str
    consent: Consent | None
    confirmation: AreaConfirmation | None
    verbal_enough: bool

    @property
    def consented(self) -> bool:
        return self.consent is not None

    @property
    def agreed_today(self) -> bool:
        return self.confirmation is not None and self.confirmation.agreed


def areas_today(
    session: TreatmentSession, *, latest: dict | None = None, consents: dict | None = None
) -> list[AreaToday]:
    """Every sensitive area, with the consent in force naming it and this visit's latest word on it. `latest` (the
    visit's latest word per area) and `consents` (the client's latest of each kind): when the caller has read them.
    Two queries otherwise."""
    in_force = Consent.objects.in_force_per_area(session.client, latest=consents)
    if latest is None:
        latest = AreaConfirmation.objects.latest_per_area(session)
    return [
        AreaToday(code, str(label), in_force.get(code), latest.get(code), verbal_enough(code))
        for code, label in SensitiveArea.choices
    ]


@transaction.atomic
def confirm_areas(*, session: TreatmentSession, by: User, answers: list[dict]) -> list[AreaConfirmation]:
    """Record the client's word at this visit on each area of `answers` (each {"area", "agreed", "method",
    "initials", "drawing"}), against the consent in force that names it. Refused whole when the session is signed
    (SessionSigned), an area is not agreed on a consent in force (AreaNotConsented), or an agreement is recorded
    out loud where the rules ask for initials (InitialsNeeded)."""
    current = lock_draft(session)
    in_force = Consent.objects.in_force_per_area(current.client)
    missing = {answer["area"] for answer in answers} - set(in_force)
    if missing:
        raise AreaNotConsented(missing)
    rows = []
    for answer in answers:
        method = answer["method"]
        if answer["agreed"] and method == AreaConfirmation.Method.VERBAL and not verbal_enough(answer["area"]):
            raise InitialsNeeded(answer["area"])
        row = AreaConfirmation(
            session=current,
            consent=in_force[answer["area"]],
            area=answer["area"],
            agreed=answer["agreed"],
            method=method,
            initials=answer.get("initials", "") if answer["agreed"] else "",
            initials_drawing=answer.get("drawing", "") if answer["agreed"] else "",
            recorded_by=by,
        )
        row.save()
        rows.append(row)
    return rows
