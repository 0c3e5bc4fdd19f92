"""A client's whole course of care: the history page's timeline (events), the pain chart and the outcomes kept
for it (outcome_store), and the few reads and writes that stay SQL, each with its measured reason (sql)."""

from notes.history.events import EVENTS_PER_PAGE, Event, intake_rows, timeline_page
from notes.history.outcome_store import (
    PERIODS,
    clinic_outcome,
    complaint_label,
    complaints_with_outcome_data,
    outcomes_of,
    refresh_outcomes,
)
from notes.history.pain_chart import (
    CHART_EXACT_SESSIONS,
    CHART_MAX_PERIODS,
    _means_by_period,
    _means_in_database,
    _rated_pains,
    pain_series,
)
from notes.history.sql import KINDS

__all__ = [
    "CHART_EXACT_SESSIONS",
    "CHART_MAX_PERIODS",
    "EVENTS_PER_PAGE",
    "KINDS",
    "PERIODS",
    "Event",
    "_means_by_period",
    "_means_in_database",
    "_rated_pains",
    "clinic_outcome",
    "complaint_label",
    "complaints_with_outcome_data",
    "intake_rows",
    "outcomes_of",
    "pain_series",
    "refresh_outcomes",
    "timeline_page",
]
