"""Outcomes per complaint: the baseline pain, the current pain, the change, and whether it reaches the minimal
clinically important difference (MCID) of the 0-10 numeric pain rating scale (NPRS). Pure functions: no Django
here; the clinic's time zone is a parameter.

An outcome compares visits, never the minutes after treatment:
- the **baseline** is the complaint's first rating taken before any treatment: the intake's "pain now", or a
  session's rating before treatment, whichever came first;
- the **current** rating is its latest rating taken before treatment on a *later calendar day* (in the clinic's
  time zone) than the baseline's: a session's rating before treatment, a new intake's rating of the same
  complaint, or the client's own questionnaire. None while there is no such day ("no later visit yet");
- a rating taken after treatment ("post") is never a baseline or a current rating. A session's change from before
  to after treatment is its **within-session change**, shown with the session as "immediately after treatment",
  never reported as an outcome.

The MCID of the NPRS is commonly given as a drop of 2 points or 30% (Farrar et al., Pain 2001; Childs et al.,
Spine 2005). Which must hold is the clinic's choice: "both" (the default), "either", "points" or "percent". An
increase never reaches it. A change that reaches it is a meaningful improvement in reported pain, never a diagnosis
or a cure.

`ratings_from_json` and `as_json` are the JSON of `manage.py outcomes -` (notes/management/commands/outcomes.py).
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

RULES = ("both", "either", "points", "percent")
# intake: the intake's "pain now"; pre / post: a session's rating before / after treatment; questionnaire: the
# client's own report between visits (the NPRS questionnaires of intake.QuestionnaireResponse are trended on their
# own on the history page and do not feed this rule yet: this is where they would come in).
KINDS = ("intake", "pre", "post", "questionnaire")
BEFORE_TREATMENT = frozenset({"intake", "pre", "questionnaire"})  # the kinds an outcome compares


@dataclass(frozen=True)
class Rating:
    at: datetime  # aware
    value: int | None  # 0-10; None: not rated, left out
    kind: str  # one of KINDS


@dataclass(frozen=True)
class WithinSession:
    """A session's ratings before and after treatment (either may be missing), on the clinic's `day`."""

    day: date
    pre: int | None
    post: int | None

    @property
    def change(self) -> int | None:
        return within_session_change(self.pre, self.post)


@dataclass(frozen=True)
class Outcome:
    baseline_rating: Rating | None
    current_rating: Rating | None  # None: no rating before treatment on a later day than the baseline's
    change: int | None  # current - baseline: negative is less pain
    percent_change: float | None  # of the baseline, to one decimal; None when the baseline is 0 or no current
    reaches_mcid: bool
    sessions: int = 0
    within_session: tuple[WithinSession, ...] = ()  # shown per session, never an outcome

    @property
    def baseline(self) -> int | None:
        return self.baseline_rating.value if self.baseline_rating else None

    @property
    def current(self) -> int | None:
        return self.current_rating.value if self.current_rating else None

    @property
    def baseline_at(self) -> datetime | None:
        return self.baseline_rating.at if self.baseline_rating else None

    @property
    def current_at(self) -> datetime | None:
        return self.current_rating.at if self.current_rating else None

    @property
    def has_data(self) -> bool:
        return self.baseline_rating is not None


def reaches_mcid(baseline: int, current: int, *, points: float = 2, percent: float = 30, rule: str = "both") -> bool:
    """Whether the drop from `baseline` to `current` is clinically meaningful under the clinic's rule."""
    if rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(RULES)}")
    drop = baseline - current
    if drop <= 0:
        return False
    by_points = drop >= points
    by_percent = baseline > 0 and drop * 100 >= percent * baseline
    return {
        "both": by_points and by_percent,
        "either": by_points or by_percent,
        "points": by_points,
        "percent": by_percent,
    }[rule]


def within_session_change(pre: int | None, post: int | None) -> int | None:
    """A session's change immediately after treatment (post - pre), or None when either is missing."""
    return None if pre is None or post is None else post - pre


def clinic_day(moment: datetime, zone: tzinfo) -> date:
    """The calendar day of an aware moment in the clinic's time zone `zone`."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a rating's moment must be aware (with a time zone)")
    return moment.astimezone(zone).date()


def outcome(
    ratings: list[Rating],
    *,
    zone: tzinfo,
    sessions: int = 0,
    points: float = 2,
    percent: float = 30,
    rule: str = "both",
) -> Outcome:
    """The outcome of one complaint from its ratings of every kind, in any order; `zone` is the clinic's time zone,
    in which "a later day" is judged. Ratings at the same moment keep the order given."""
    if rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(RULES)}")
    for rating in ratings:
        if rating.kind not in KINDS:
            raise ValueError(f"a rating's kind must be one of {', '.join(KINDS)}")
        clinic_day(rating.at, zone)  # refuses a naive moment
    known = sorted((r for r in ratings if r.value is not None), key=lambda r: r.at)
    within = within_sessions(known, zone=zone)
    before = [r for r in known if r.kind in BEFORE_TREATMENT]
    if not before:
        return Outcome(None, None, None, None, False, sessions, within)
    baseline = before[0]
    baseline_day = clinic_day(baseline.at, zone)
    later = [r for r in before if clinic_day(r.at, zone) > baseline_day]
    if not later:
        return Outcome(baseline, None, None, None, False, sessions, within)
    current = later[-1]
    change = current.value - baseline.value
    percent_change = round(change * 100 / baseline.value, 1) if baseline.value else None
    meaningful = reaches_mcid(baseline.value, current.value, points=points, percent=percent, rule=rule)
    return Outcome(baseline, current, change, percent_change, meaningful, sessions, within)


def within_sessions(ratings: list[Rating], *, zone: tzinfo) -> tuple[WithinSession, ...]:
    """Each session's change immediately after treatment, from ratings that carry no session: in time order, a
    "post" rating pairs with the "pre" rating before it on the same clinic day. A "pre" with no "post" after it
    that day stands alone (post None), as does a "post" with no "pre" before it that day (pre None): one item per
    session, so one per day unless a client had two sessions that day. Intake and questionnaire ratings are not
    sessions' and take no part."""
    rated = [r for r in ratings if r.value is not None and r.kind in ("pre", "post")]
    rated.sort(key=lambda r: (r.at, r.kind == "post"))  # at the same moment, before treatment comes first
    items: list[WithinSession] = []
    open_pre: tuple[date, int] | None = None
    for rating in rated:
        day = clinic_day(rating.at, zone)
        if rating.kind == "pre":
            if open_pre is not None:
                items.append(WithinSession(open_pre[0], open_pre[1], None))
            open_pre = (day, rating.value)
        elif open_pre is not None and open_pre[0] == day:
            items.append(WithinSession(day, open_pre[1], rating.value))
            open_pre = None
        else:
            if open_pre is not None:
                items.append(WithinSession(open_pre[0], open_pre[1], None))
                open_pre = None
            items.append(WithinSession(day, None, rating.value))
    if open_pre is not None:
        items.append(WithinSession(open_pre[0], open_pre[1], None))
    return tuple(items)


# -- The JSON of `manage.py outcomes -` ----------------------------------------------------------------------------

REQUEST_KEYS = ("ratings", "rule")
RATING_KEYS = ("at", "kind", "value")


class OutcomeInputError(ValueError):
    """Bad input to `manage.py outcomes`. `field` names the offending field, as `ratings[2].value` or `rule`."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _name(key: str) -> str:
    """A key as a field's name on one line: as written when it is a plain name, else quoted as JSON."""
    return key if key.isidentifier() else json.dumps(key)


def _moment(text, where: str) -> datetime:
    wanted = "must be an ISO 8601 date and time with its UTC offset, as 2026-11-02T10:00:00-05:00"
    if not isinstance(text, str):
        raise OutcomeInputError(where, wanted)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise OutcomeInputError(where, wanted) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise OutcomeInputError(where, f"{wanted} (this one has no offset)")
    return moment


def _rating(item, where: str) -> Rating:
    if not isinstance(item, dict):
        raise OutcomeInputError(where, "must be an object with at, kind and value")
    for key in item:
        if key not in RATING_KEYS:
            raise OutcomeInputError(f"{where}.{_name(key)}", "unknown field (a rating has at, kind and value)")
    kind = item.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise OutcomeInputError(f"{where}.kind", f"must be one of {', '.join(KINDS)}")
    value = item.get("value")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise OutcomeInputError(f"{where}.value", "must be an integer from 0 to 10")
    return Rating(_moment(item.get("at"), f"{where}.at"), value, kind)


def ratings_from_json(data) -> tuple[list[Rating], str]:
    """The ratings and the rule of `{"ratings": [{"at", "kind", "value"}, ...], "rule": ...}`, checked: any
    fault raises OutcomeInputError naming its field. `rule` may be left out ("both")."""
    if not isinstance(data, dict):
        raise OutcomeInputError("input", "must be a JSON object with ratings and, optionally, rule")
    for key in data:
        if key not in REQUEST_KEYS:
            raise OutcomeInputError(_name(key), "unknown field (the input has ratings and, optionally, rule)")
    if "ratings" not in data:
        raise OutcomeInputError("ratings", "is required: a list of ratings")
    if not isinstance(data["ratings"], list):
        raise OutcomeInputError("ratings", "must be a list of ratings")
    ratings = [_rating(item, f"ratings[{n}]") for n, item in enumerate(data["ratings"])]
    rule = data.get("rule", "both")
    if not isinstance(rule, str) or rule not in RULES:
        raise OutcomeInputError("rule", f"must be one of {', '.join(RULES)}")
    return ratings, rule


def as_json(result: Outcome) -> dict:
    """An outcome as `manage.py outcomes` prints it."""
    return {
        "baseline": result.baseline,
        "current": result.current,
        "change": result.change,
        "percent_change": result.percent_change,
        "reaches_mcid": result.reaches_mcid,
        "within_session": [
            {"date": item.day.isoformat(), "pre": item.pre, "post": item.post} for item in result.within_session
        ],
    }
