"""Checking, scoring and change of the validated questionnaires the client fills in (each instrument defined in
intake/questionnaire_instruments.py), scored exactly by the instrument's published rule. Pure Python: no Django
here (like intake/screening), so `manage.py questionnaire score -` and the tests check the rules on their own.

`score(code, answers)` checks the answers (a `QuestionnaireInputError` names the field) and returns a `Score`;
`improvement` and `reaches_mcid` judge the change from a baseline, whatever the instrument's direction.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake.questionnaire_instruments import (
    HIGHER_IS_BETTER,
    HIGHER_IS_WORSE,
    HOOS12,
    HOOS12_MIN_ANSWERED,
    HOOS12_SCALES,
    INSTRUMENTS,
    LEFS,
    NPRS,
    PSFS,
    PSFS_MAX_ACTIVITIES,
    PSFS_MIN_ACTIVITIES,
    PSFS_NAME_LENGTH,
    RMDQ,
    STARTBACK,
    STARTBACK_PSYCHOSOCIAL,
    Instrument,
    Mcid,
)

SCORE_DECIMALS = 1  # PSFS means and HOOS-12 scales are shown to one decimal


class QuestionnaireInputError(ValueError):
    """Bad questionnaire input. `field` names the offending field, as `answers.5` or `answers.activities[1].rating`."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Score:
    instrument: str
    score: float | int | None  # None: too few answers to score (or, for HOOS-12, no summary)
    maximum: float
    direction: str
    complete: bool
    subscales: dict[str, float | None] | None = None  # HOOS-12
    psychosocial: int | None = None  # STarT Back
    risk: str | None = None  # STarT Back: low, medium, high

    def as_json(self) -> dict:
        data = {
            "instrument": self.instrument,
            "score": self.score,
            "max": _plain(self.maximum),
            "direction": self.direction,
            "complete": self.complete,
        }
        if self.subscales is not None:
            data["subscales"] = dict(self.subscales)
        if self.instrument == STARTBACK:
            data["psychosocial"] = self.psychosocial
            data["risk"] = self.risk
        return data


def _plain(number: float) -> float | int:
    return int(number) if float(number).is_integer() else number


# -- Checking answers ---------------------------------------------------------------------------------------------


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _item_answers(instrument: Instrument, answers: dict) -> dict[str, int | None]:
    """Each item's answer (None: not answered), after checking every key and value."""
    values: dict[str, int | None] = {item.key: None for item in instrument.items}
    for key, value in answers.items():
        item = instrument.item(str(key))
        if item is None:
            keys = f"{instrument.items[0].key}-{instrument.items[-1].key}" if len(instrument.items) > 1 else "rating"
            raise QuestionnaireInputError(f"answers.{key}", f"not an item of {instrument.code} ({keys})")
        if value is None:
            continue
        if instrument.code == RMDQ and isinstance(value, bool):
            value = int(value)
        if not _is_int(value):
            kind = "true or false" if instrument.code == RMDQ else "a whole number"
            raise QuestionnaireInputError(f"answers.{key}", f"must be {kind}")
        allowed = [choice.value for choice in item.choices]
        if value not in allowed:
            raise QuestionnaireInputError(f"answers.{key}", f"must be {allowed[0]} to {allowed[-1]}, not {value}")
        values[item.key] = value
    return values


def _activities(answers: dict) -> list[tuple[str, int | None]]:
    for key in answers:
        if key != "activities":
            raise QuestionnaireInputError(f"answers.{key}", "not a field of psfs (activities)")
    activities = answers.get("activities", [])
    if not isinstance(activities, list):
        raise QuestionnaireInputError("answers.activities", "must be a list")
    if len(activities) > PSFS_MAX_ACTIVITIES:
        raise QuestionnaireInputError("answers.activities", f"at most {PSFS_MAX_ACTIVITIES} activities")
    result = []
    for index, activity in enumerate(activities):
        where = f"answers.activities[{index}]"
        if not isinstance(activity, dict):
            raise QuestionnaireInputError(where, "must be an object with name and rating")
        for key in activity:
            if key not in ("name", "rating"):
                raise QuestionnaireInputError(f"{where}.{key}", "not a field of an activity (name, rating)")
        name = activity.get("name")
        if not isinstance(name, str) or not name.strip():
            raise QuestionnaireInputError(f"{where}.name", "must name the activity")
        if len(name) > PSFS_NAME_LENGTH:
            raise QuestionnaireInputError(f"{where}.name", f"at most {PSFS_NAME_LENGTH} characters")
        rating = activity.get("rating")
        if rating is not None and not _is_int(rating):
            raise QuestionnaireInputError(f"{where}.rating", "must be a whole number")
        if rating is not None and not 0 <= rating <= 10:
            raise QuestionnaireInputError(f"{where}.rating", f"must be 0 to 10, not {rating}")
        result.append((name.strip(), rating))
    return result


# -- Scoring ------------------------------------------------------------------------------------------------------


def score(code, answers) -> Score:
    """Check one filled-in questionnaire and score it by its instrument's published rule."""
    if not isinstance(code, str) or code not in INSTRUMENTS:
        raise QuestionnaireInputError("instrument", f"must be one of {', '.join(INSTRUMENTS)}")
    if not isinstance(answers, dict):
        raise QuestionnaireInputError("answers", "must be an object")
    instrument = INSTRUMENTS[code]
    if code == PSFS:
        return _score_psfs(instrument, _activities(answers))
    values = _item_answers(instrument, answers)
    scorers = {NPRS: _score_nprs, RMDQ: _score_rmdq, LEFS: _score_lefs, HOOS12: _score_hoos12}
    return (scorers | {STARTBACK: _score_startback})[code](instrument, values)


def _result(instrument: Instrument, value, complete: bool, **extra) -> Score:
    return Score(instrument.code, value, instrument.maximum, instrument.direction, complete, **extra)


def _score_nprs(instrument, values) -> Score:
    rating = values["rating"]
    return _result(instrument, rating, rating is not None)


def _score_psfs(instrument, activities) -> Score:
    """The mean of the rated activities (Stratford et al. 1995: "sum of the activity scores / number of activities");
    complete with 3 to 5 activities, all rated."""
    ratings = [rating for _name, rating in activities if rating is not None]
    value = round(sum(ratings) / len(ratings), SCORE_DECIMALS) if ratings else None
    complete = PSFS_MIN_ACTIVITIES <= len(activities) and len(ratings) == len(activities)
    return _result(instrument, value, complete)


def _score_rmdq(instrument, values) -> Score:
    """The count of ticked statements; a statement left blank (or "not applicable") is not ticked, so a form is
    always complete (Roland & Fairbank 2000)."""
    return _result(instrument, sum(v for v in values.values() if v), True)


def _score_lefs(instrument, values) -> Score:
    """The sum of the 20 items (Binkley et al. 1999); no published rule for missing items, so complete forms only."""
    if any(v is None for v in values.values()):
        return _result(instrument, None, False)
    return _result(instrument, sum(values.values()), True)


def hoos12_scale(answered: list[int], items: int = 4) -> float | None:
    """One HOOS-12 scale: None with fewer than 2 of its items answered; a missing item takes the mean of the
    answered ones, so the scale is 100 - mean x 25 (0 extreme problems, 100 none), to one decimal."""
    if len(answered) < HOOS12_MIN_ANSWERED or len(answered) > items:
        return None
    mean = sum(answered) / len(answered)
    return round(100 - mean * 25, SCORE_DECIMALS)


def _score_hoos12(instrument, values) -> Score:
    subscales = {}
    for scale in HOOS12_SCALES:
        answered = [values[item.key] for item in instrument.items if item.scale == scale]
        subscales[scale] = hoos12_scale([v for v in answered if v is not None])
    complete = all(v is not None for v in values.values())
    # No summary score: the rule for it is not in what could be checked of the user's guide.
    return _result(instrument, None, complete, subscales=subscales)


def startback_risk(total: int, psychosocial: int) -> str:
    """Hill et al. 2008: total 0-3 low; total 4 or more with a psychosocial subscale of 4 or 5 high; else medium."""
    if total <= 3:
        return "low"
    return "high" if psychosocial >= 4 else "medium"


def _score_startback(instrument, values) -> Score:
    """Items 1-8: agree 1, disagree 0; item 9 counts 1 only for "very much" or "extremely". Complete forms only."""
    if any(v is None for v in values.values()):
        return _result(instrument, None, False, psychosocial=None, risk=None)
    points = {key: (1 if value >= 3 else 0) if key == "9" else value for key, value in values.items()}
    total = sum(points.values())
    psychosocial = sum(points[key] for key in STARTBACK_PSYCHOSOCIAL)
    return _result(instrument, total, True, psychosocial=psychosocial, risk=startback_risk(total, psychosocial))


# -- Change -------------------------------------------------------------------------------------------------------


def improvement(instrument: Instrument, baseline: float, current: float) -> float:
    """How much better `current` is than `baseline`, in points, whatever the instrument's direction."""
    change = current - baseline
    return change if instrument.direction == HIGHER_IS_BETTER else -change


def reaches_mcid(instrument: Instrument, baseline: float, current: float, mcid: Mcid | None = None) -> bool | None:
    """Whether the change from baseline to current is an improvement of at least the instrument's MCID, direction
    aware; None when the instrument has no MCID (HOOS-12, STarT Back): show the change without a verdict."""
    mcid = mcid or instrument.mcid
    if mcid is None:
        return None
    gain = improvement(instrument, baseline, current)
    if gain <= 0:
        return False
    by_points = gain >= mcid.points
    # The percent is of the baseline's distance from the better end: for higher-is-worse scales, of the baseline.
    room = baseline if instrument.direction == HIGHER_IS_WORSE else instrument.maximum - baseline
    by_percent = mcid.percent is not None and room > 0 and gain * 100 >= mcid.percent * room
    if mcid.rule == "both":
        return by_points and by_percent
    if mcid.rule == "either":
        return by_points or by_percent
    if mcid.rule == "percent":
        return by_percent
    return by_points
