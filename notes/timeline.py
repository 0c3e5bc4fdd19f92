"""The session page's timeline, a window at a time: the newest entries first, earlier ones a page away, with the
re-confirmations, the "pulse felt, hands moved" events and the stops between them.

A session of slow abdominal work can gather hundreds of feedback entries. The page shows the latest
`WINDOW` of them with the re-confirmations and stops between them, so the page costs the same for a session of
ten entries or of a thousand; the sparkline draws the latest `SPARKLINE_MAX` entries from a narrow query.
"""

from dataclasses import dataclass, field
from datetime import datetime

from notes.charts import Moment
from notes.models import ComplaintPain, FeedbackEntry, TreatmentSession
from notes.pacing import Reading, pacing_warnings

WINDOW = 50
SPARKLINE_MAX = 240
# What the timeline shows of an entry (not its token or public id).
ENTRY_ROW_FIELDS = (
    "session_id",
    "segment_id",
    "at",
    "side",
    "technique",
    "pressure",
    "pain",
    "response",
    "note",
    "breath_phase",
    "hold_seconds",
)


@dataclass
class Timeline:
    # (moment, kind, record, warnings) in the order things happened; kind: "entry", "opened", "pulse", "~closed"
    events: list[tuple]
    entry_count: int
    page: int
    pages: int
    newest_entry: FeedbackEntry | None  # the session's latest entry, whatever page is shown
    moments: list[Moment] = field(default_factory=list)
    last_moment: datetime | None = None

    @property
    def has_earlier(self) -> bool:
        return self.page < self.pages

    @property
    def has_later(self) -> bool:
        return self.page > 1

    @property
    def entries(self) -> list[FeedbackEntry]:
        return [record for _at, kind, record, _warnings in self.events if kind == "entry"]


def page_number(value) -> int:
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1


def session_timeline(session: TreatmentSession, *, page: int = 1, segments=None) -> Timeline:
    """Page `page` of the timeline (1: the newest `WINDOW` entries), with its pacing warnings. One query for the
    first page of a session of up to SPARKLINE_MAX entries; one more for a longer one's count, one more for a later
    page."""
    # The newest entries, as the rows show them: the sparkline's points, and the first page's rows.
    newest_first = session.entries.order_by("-at", "-id").only(*ENTRY_ROW_FIELDS)
    recent = list(newest_first[: SPARKLINE_MAX + 1])
    entry_count = len(recent) if len(recent) <= SPARKLINE_MAX else session.entries.count()
    pages = max((entry_count + WINDOW - 1) // WINDOW, 1)
    page = min(page, pages)
    offset = (page - 1) * WINDOW
    # One entry either side of the window: the one before gives the first shown entry its pacing context,
    # the one after bounds which re-confirmations and stops belong to this page.
    start = max(offset - 1, 0)
    if offset + WINDOW + 1 <= len(recent) or len(recent) == entry_count:  # among those read already
        rows = recent[start : offset + WINDOW + 1]
    else:
        rows = list(newest_first[start : offset + WINDOW + 1])
    newer = rows[0] if offset > 0 and rows else None
    shown = rows[1 if newer else 0 :][:WINDOW]
    older = rows[(1 if newer else 0) + WINDOW :]
    chronological = list(reversed(shown + older))
    warnings = pacing_warnings([Reading(e.at, e.pressure, e.response) for e in chronological])
    skip = len(older)
    events = [(e.at, "entry", e, warnings.get(i + skip, [])) for i, e in enumerate(chronological[skip:])]
    low = shown[-1].at if shown and older else None
    high = newer.at if newer else None
    segments = list(session.segments.all()) if segments is None else segments  # read by the caller, if given
    for segment in segments:
        for moment, kind in ((segment.reconfirmed_at, "opened"), (segment.ended_at, "~closed")):
            # A stop closes at the same moment as its entry: "~closed" sorts after "entry".
            if moment and (low is None or moment >= low) and (high is None or moment < high):
                events.append((moment, kind, segment, []))
    # A pulse is felt only within a stretch: none to read for a session without one, or whose stretches were
    # counted with none (`pulse_count`, by the session page).
    if any(getattr(segment, "pulse_count", 1) for segment in segments):
        pulses = session.pulses.only("session_id", "segment_id", "at")
        if low is not None:
            pulses = pulses.filter(at__gte=low)
        if high is not None:
            pulses = pulses.filter(at__lt=high)
        events += [(pulse.at, "pulse", pulse, []) for pulse in pulses]
    events.sort(key=lambda event: (event[0], event[1]))
    moments_at = [entry.at for entry in recent[:SPARKLINE_MAX]]
    opened = [s.reconfirmed_at for s in segments]
    origin = min(opened + moments_at[-1:]) if moments_at else None
    moments = [
        Moment((entry.at - origin).total_seconds() / 60, entry.pressure, entry.pain)
        for entry in reversed(recent[:SPARKLINE_MAX])
    ]
    ends = moments_at[:1] + [s.ended_at or s.reconfirmed_at for s in segments]
    return Timeline(
        events=events,
        entry_count=entry_count,
        page=page,
        pages=pages,
        newest_entry=(shown[0] if page == 1 and shown else None) or _newest(session, page),
        moments=moments,
        last_moment=max(ends) if ends else None,
    )


def _newest(session: TreatmentSession, page: int) -> FeedbackEntry | None:
    """The latest entry, for the feedback form's sticky settings, when the page shown is not the first."""
    if page == 1:
        return None
    return session.entries.order_by("-at", "-id").first()


def session_pains(session: TreatmentSession) -> list[ComplaintPain]:
    """The session's pain ratings, each with its complaint's region and side, in the complaints' order."""
    # Read through the session's related manager, each rating names this session without a query.
    return list(session.pains.select_related("complaint").only("session_id", "before", "after", *COMPLAINT_SHOWN))


# What a pain rating's row shows of its complaint.
COMPLAINT_SHOWN = ("complaint__region", "complaint__side", "complaint__position")
