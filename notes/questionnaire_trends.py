"""Each questionnaire's trend beside pain, by the outcome rule (notes/outcomes.py): the baseline is an instrument's
first scored response, the current its latest scored response on a *later calendar day* in the clinic's time zone,
the change current - baseline, judged against that instrument's own MCID in its own direction
(intake/questionnaires.py). HOOS-12 is trended per scale, without an MCID verdict; STarT Back is a risk group,
shown over time, never an outcome. NPRS questionnaires are their own trend: they do not change a complaint's pain
outcome. `trends` is a pure function over plain rows; `questionnaire_context` reads a client's (one query) for the
history page and the exports."""

from dataclasses import dataclass
from datetime import datetime, tzinfo

from django.conf import settings
from django.utils import timezone
from django.utils.safestring import mark_safe

from intake import questionnaires
from intake.models import QuestionnaireResponse
from intake.questionnaire_instruments import (
    HOOS12,
    HOOS12_SCALE_NAMES,
    HOOS12_SCALES,
    INSTRUMENTS,
    NPRS,
    STARTBACK,
    Instrument,
    Mcid,
)
from notes.charts import questionnaire_sparkline_svg
from notes.outcomes import clinic_day


@dataclass(frozen=True)
class Trend:
    instrument: Instrument
    label: str  # "RMDQ-24", "HOOS-12 pain"
    points: tuple[tuple[datetime, float], ...]  # (taken at, value), oldest first
    baseline: float | None
    baseline_at: datetime | None
    current: float | None  # None: no scored response on a later day than the baseline's
    current_at: datetime | None
    reaches_mcid: bool | None  # None: no verdict (no MCID, or no current yet)
    baseline_risk: str = ""  # STarT Back
    current_risk: str = ""

    @property
    def change(self) -> float | None:
        if self.current is None or self.baseline is None:
            return None
        return round(self.current - self.baseline, questionnaires.SCORE_DECIMALS)

    @property
    def has_mcid(self) -> bool:
        return self.instrument.mcid is not None

    @property
    def improved(self) -> bool | None:
        """Whether the change is in the better direction (for higher-is-better scales an increase); None for no
        change, and for STarT Back, whose score places the client in a risk group rather than measuring an outcome."""
        if self.change is None or self.change == 0 or self.instrument.code == STARTBACK:
            return None
        return questionnaires.improvement(self.instrument, self.baseline, self.current) > 0


def _series(responses, code: str, scale: str = ""):
    """(taken at, value, response) of the responses of one instrument (one HOOS-12 scale) that have a value."""
    rows = []
    for response in responses:
        if response.instrument != code:
            continue
        value = response.subscales.get(scale) if scale else response.score
        if value is not None:
            rows.append((response.taken_at, value, response))
    return sorted(rows, key=lambda row: row[0])


def _trend(instrument: Instrument, label: str, rows, *, zone: tzinfo, mcid: Mcid | None) -> Trend | None:
    if not rows:
        return None
    first_at, first, first_response = rows[0]
    baseline_day = clinic_day(first_at, zone)
    later = [row for row in rows if clinic_day(row[0], zone) > baseline_day]
    current_at, current, current_response = later[-1] if later else (None, None, None)
    reaches = None
    if current is not None and instrument.mcid is not None:
        reaches = questionnaires.reaches_mcid(instrument, first, current, mcid)
    risky = instrument.code == STARTBACK
    return Trend(
        instrument=instrument,
        label=label,
        points=tuple((at, value) for at, value, _response in rows),
        baseline=first,
        baseline_at=first_at,
        current=current,
        current_at=current_at,
        reaches_mcid=reaches,
        baseline_risk=first_response.risk if risky else "",
        current_risk=current_response.risk if risky and current_response is not None else "",
    )


def trends(responses, *, zone: tzinfo, nprs_mcid: Mcid | None = None) -> list[Trend]:
    """One trend per instrument the client answered (per scale for HOOS-12), in the instruments' order.
    `nprs_mcid`: the clinic's pain MCID (PAIN_MCID_*), used for NPRS in place of the published default."""
    found = []
    for code, instrument in INSTRUMENTS.items():
        mcid = nprs_mcid if code == NPRS else None
        if code == HOOS12:
            for scale in HOOS12_SCALES:
                name = HOOS12_SCALE_NAMES[scale].lower()
                label = f"{instrument.short_name} {name}"
                found.append(_trend(instrument, label, _series(responses, code, scale), zone=zone, mcid=mcid))
        else:
            found.append(_trend(instrument, instrument.short_name, _series(responses, code), zone=zone, mcid=mcid))
    return [trend for trend in found if trend is not None]


QUESTIONNAIRES_LISTED = 20


def questionnaire_context(client) -> dict:
    """The client's questionnaires (one query): each instrument's trend by the outcome rule, and the latest."""
    responses = list(QuestionnaireResponse.objects.for_client(client).select_related("recorded_by").oldest_first())
    nprs_mcid = Mcid(points=settings.PAIN_MCID_POINTS, percent=settings.PAIN_MCID_PERCENT, rule=settings.PAIN_MCID_RULE)
    found = trends(responses, zone=timezone.get_default_timezone(), nprs_mcid=nprs_mcid)
    return {
        "questionnaire_trends": [(trend, mark_safe(questionnaire_sparkline_svg(trend))) for trend in found],  # noqa: S308  # nosec B308 B703
        "questionnaire_list": responses[::-1][:QUESTIONNAIRES_LISTED],
        "questionnaires": responses,  # oldest first: the exports show every one
    }
