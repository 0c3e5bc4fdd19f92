"""The notes app's records, one module per kind: consents, sessions (and what is recorded in them), the summaries
kept for the history page, and what is done to a client's whole record (disposal, exports)."""

from notes.models.consents import (
    ClientAssent,
    Consent,
    ConsentKind,
    ConsentQuerySet,
    ConsentText,
    ConsentTextQuerySet,
    SdmAuthority,
    SensitiveArea,
    SignedBy,
)
from notes.models.kept import ComplaintOutcome, ComplaintPeriodMean
from notes.models.plans import TreatmentPlan, TreatmentPlanQuerySet
from notes.models.sessions import (
    PAIN,
    PRESSURE,
    AbdominalSegment,
    Addendum,
    ComplaintPain,
    FeedbackEntry,
    PartOfSession,
    SessionQuerySet,
    SignedSessionIsReadOnly,
    TreatmentSession,
)
from notes.models.treatment import AdverseEffect, AreaTreated, PulseEvent, Technique
from notes.models.visit_consent import AreaConfirmation, AreaConfirmationQuerySet
from notes.models.whole_record import RecordDisposal, RecordExport

__all__ = [
    "PAIN",
    "PRESSURE",
    "AbdominalSegment",
    "Addendum",
    "AdverseEffect",
    "AreaConfirmation",
    "AreaConfirmationQuerySet",
    "AreaTreated",
    "ComplaintOutcome",
    "ComplaintPain",
    "ComplaintPeriodMean",
    "ClientAssent",
    "Consent",
    "ConsentKind",
    "ConsentQuerySet",
    "ConsentText",
    "ConsentTextQuerySet",
    "SdmAuthority",
    "SensitiveArea",
    "SignedBy",
    "FeedbackEntry",
    "PartOfSession",
    "PulseEvent",
    "RecordDisposal",
    "RecordExport",
    "SessionQuerySet",
    "SignedSessionIsReadOnly",
    "Technique",
    "TreatmentPlan",
    "TreatmentPlanQuerySet",
    "TreatmentSession",
]
