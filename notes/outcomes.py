"""Outcomes per complaint: first and latest pain, the change, and whether it reaches the minimal clinically
important difference (MCID) of the 0-10 numeric pain rating scale. Pure functions: no Django here.

The MCID of the NPRS is commonly given as a drop of 2 points or 30% (Farrar et al., Pain 2001; Childs et al.,
Spine 2005). Which must hold is the clinic's choice: "both" (the default), "either", "points" or "percent".
A change that reaches it is a meaningful improvement in reported pain, never a diagnosis or a cure.
"""

from dataclasses import dataclass
from datetime import datetime

RULES = ("both", "either", "points", "percent")


@dataclass(frozen=True)
class Rating:
    at: datetime
    value: int


@dataclass(frozen=True)
class Outcome:
    first: int | None
    latest: int | None
    change: int | None  # latest - first: negative is less pain
    percent_change: float | None  # relative to the first rating; None when the first was 0
    reaches_mcid: bool
    sessions: int

    @property
    def has_data(self) -> bool:
        return self.first is not None


def reaches_mcid(first: int, latest: int, *, points: float = 2, percent: float = 30, rule: str = "both") -> bool:
    """Whether the drop from `first` to `latest` is clinically meaningful under the clinic's rule."""
    if rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(RULES)}")
    drop = first - latest
    if drop <= 0:
        return False
    by_points = drop >= points
    by_percent = first > 0 and drop * 100 >= percent * first
    return {
        "both": by_points and by_percent,
        "either": by_points or by_percent,
        "points": by_points,
        "percent": by_percent,
    }[rule]


def outcome(
    ratings: list[Rating], *, sessions: int, points: float = 2, percent: float = 30, rule: str = "both"
) -> Outcome:
    """The outcome of one complaint from its ratings (intake, then before/after each session), in any order."""
    known = sorted((r for r in ratings if r.value is not None), key=lambda r: r.at)
    if not known:
        return Outcome(None, None, None, None, False, sessions)
    first, latest = known[0].value, known[-1].value
    change = latest - first
    percent_change = (change * 100 / first) if first else None
    return Outcome(
        first=first,
        latest=latest,
        change=change,
        percent_change=percent_change,
        reaches_mcid=reaches_mcid(first, latest, points=points, percent=percent, rule=rule),
        sessions=sessions,
    )
