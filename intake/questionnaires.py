"""Validated questionnaires the client fills in, scored exactly by each instrument's published rule. Pure Python: no
Django here (like intake/screening), so `manage.py questionnaire score -` and the tests check the rules on their own.

Six instruments: five that an open-source app may reproduce, one scored from the clinic's printed form (their
terms in docs/questionnaires.md):
- **NPRS**: one 0-10 pain rating; higher is worse; MCID a drop of 2 points and/or 30 % (Farrar et al., Pain 2001),
  judged by the clinic's rule like the pain outcome.
- **PSFS**: 3 to 5 activities the client names, each rated 0 (unable) to 10 (able as before the problem); the score
  is the mean of the rated activities (Stratford et al., Physiotherapy Canada 1995); higher is better; MCID 2 points
  on the mean (Abbott & Schmitt, JOSPT 2014).
- **RMDQ-24**: 24 statements; the score is the count of those ticked, not applicable counting as not ticked (Roland
  & Fairbank, Spine 2000); higher is worse; MCID 5 points or 30 % (Ostelo et al., Spine 2008).
- **HOOS-12**: pain, function and quality of life, 4 items each scored 0 (none) to 4 (extreme) (Gandek et al.,
  Osteoarthritis Cartilage 2019); per scale, at least 2 of its 4 items answered, a missing item taking the mean of
  the answered ones, 100 - mean x 25 (koos.nu). No summary score: its rule could not be checked in the user's
  guide. No MCID: a change is shown without a verdict.
- **Keele STarT Back**: 9 items; total 0-9 and psychosocial subscale (items 5-9) 0-5, complete forms only; low risk
  when the total is 3 or less, high when the total is 4 or more and the subscale 4 or more, otherwise medium (Hill et
  al., Arthritis Rheum 2008). A risk group, not an outcome: no MCID.

- **LEFS**: 20 activities, each 0 (extreme difficulty or unable) to 4 (no difficulty); the score is the sum, 0-80,
  higher is better; MCID 9 points (Binkley et al., Phys Ther 1999). No published rule for missing items: complete
  forms only. Its form is reprinted "with permission of APTA", terms that could not be verified, so its wording is
  not reproduced here: staff copy the answers from the clinic's own printed form, item by item (`paper_only`), and
  the client's own forms do not offer it.

`score(code, answers)` checks the answers (a `QuestionnaireInputError` names the field) and returns a `Score`.
"""

from __future__ import annotations

from dataclasses import dataclass

HIGHER_IS_BETTER = "higher_is_better"
HIGHER_IS_WORSE = "higher_is_worse"
SCORE_DECIMALS = 1  # PSFS means and HOOS-12 scales are shown to one decimal
PSFS_MIN_ACTIVITIES, PSFS_MAX_ACTIVITIES = 3, 5
PSFS_NAME_LENGTH = 200


class QuestionnaireInputError(ValueError):
    """Bad questionnaire input. `field` names the offending field, as `answers.5` or `answers.activities[1].rating`."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Choice:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    key: str  # "1".."24": the item's number on the published form
    text: str
    choices: tuple[Choice, ...]
    scale: str = ""  # HOOS-12: pain, function or qol
    group: str = ""  # the published form's heading above the item, when it has one


@dataclass(frozen=True)
class Mcid:
    """The smallest improvement that matters: `points` and/or `percent` of the baseline."""

    points: float
    percent: float | None = None
    rule: str = "points"  # points, either, both: as notes.outcomes.reaches_mcid


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    short_name: str
    region: str
    instructions: str
    items: tuple[Item, ...]
    minimum: float
    maximum: float
    direction: str
    mcid: Mcid | None
    source: str
    licence: str
    copyright: str = ""
    # Scored here from the clinic's own printed form, its wording not reproduced: staff enter it item by item, and
    # the client's own forms (on their phone) do not offer it.
    paper_only: bool = False

    def item(self, key: str) -> Item | None:
        return next((item for item in self.items if item.key == key), None)


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


NPRS, PSFS, RMDQ, LEFS, HOOS12, STARTBACK = "nprs", "psfs", "rmdq", "lefs", "hoos12", "startback"

_NONE_TO_EXTREME = tuple(Choice(v, t) for v, t in enumerate(("None", "Mild", "Moderate", "Severe", "Extreme")))
_TICKED = (Choice(0, "Not ticked"), Choice(1, "Ticked"))
_AGREE = (Choice(0, "Disagree"), Choice(1, "Agree"))

_RMDQ_STATEMENTS = (
    "I stay at home most of the time because of my back.",
    "I change position frequently to try and get my back comfortable.",
    "I walk more slowly than usual because of my back.",
    "Because of my back I am not doing any of the jobs that I usually do around the house.",
    "Because of my back, I use a handrail to get upstairs.",
    "Because of my back, I lie down to rest more often.",
    "Because of my back, I have to hold on to something to get out of an easy chair.",
    "Because of my back, I try to get other people to do things for me.",
    "I get dressed more slowly than usual because of my back.",
    "I only stand for short periods of time because of my back.",
    "Because of my back, I try not to bend or kneel down.",
    "I find it difficult to get out of a chair because of my back.",
    "My back is painful almost all the time.",
    "I find it difficult to turn over in bed because of my back.",
    "My appetite is not very good because of my back pain.",
    "I have trouble putting on my socks (or stockings) because of the pain in my back.",
    "I only walk short distances because of my back.",
    "I sleep less well because of my back.",
    "Because of my back pain, I get dressed with help from someone else.",
    "I sit down for most of the day because of my back.",
    "I avoid heavy jobs around the house because of my back.",
    "Because of my back pain, I am more irritable and bad tempered with people than usual.",
    "Because of my back, I go upstairs more slowly than usual.",
    "I stay in bed most of the time because of my back.",
)

_STARTBACK_STATEMENTS = (
    "My back pain has spread down my leg(s) at some time in the last 2 weeks",
    "I have had pain in the shoulder or neck at some time in the last 2 weeks",
    "I have only walked short distances because of my back pain",
    "In the last 2 weeks, I have dressed more slowly than usual because of back pain",
    "It's not really safe for a person with a condition like mine to be physically active",
    "Worrying thoughts have been going through my mind a lot of the time",
    "I feel that my back pain is terrible and it's never going to get any better",
    "In general I have not enjoyed all the things I used to enjoy",
)
_BOTHERSOME = tuple(
    Choice(v, t) for v, t in enumerate(("Not at all", "Slightly", "Moderately", "Very much", "Extremely"))
)
STARTBACK_PSYCHOSOCIAL = ("5", "6", "7", "8", "9")

_HOOS_PAIN_HEADING = "What amount of hip pain have you experienced the last week during the following activities?"
_HOOS_FUNCTION_HEADING = (
    "For each of the following activities, please indicate the degree of difficulty you have experienced in the "
    "last week due to your hip."
)
_HOOS12_ITEMS = (
    # Gandek et al. 2019: a pain-frequency item and pain sitting or lying, walking, up or down stairs; function
    # standing, rising from sitting, getting in or out of a car, walking on an uneven surface; the 4 HOOS QOL items.
    # Wording and answers as on the HOOS 2.0 form (koos.nu).
    Item(
        "1",
        "How often is your hip painful?",
        tuple(Choice(v, t) for v, t in enumerate(("Never", "Monthly", "Weekly", "Daily", "Always"))),
        "pain",
    ),
    Item("2", "Walking on flat surface", _NONE_TO_EXTREME, "pain", _HOOS_PAIN_HEADING),
    Item("3", "Going up or down stairs", _NONE_TO_EXTREME, "pain", _HOOS_PAIN_HEADING),
    Item("4", "Sitting or lying", _NONE_TO_EXTREME, "pain", _HOOS_PAIN_HEADING),
    Item("5", "Rising from sitting", _NONE_TO_EXTREME, "function", _HOOS_FUNCTION_HEADING),
    Item("6", "Standing", _NONE_TO_EXTREME, "function", _HOOS_FUNCTION_HEADING),
    Item("7", "Getting in/out of car", _NONE_TO_EXTREME, "function", _HOOS_FUNCTION_HEADING),
    Item("8", "Walking on uneven surface", _NONE_TO_EXTREME, "function", _HOOS_FUNCTION_HEADING),
    Item(
        "9",
        "How often are you aware of your hip problem?",
        tuple(Choice(v, t) for v, t in enumerate(("Never", "Monthly", "Weekly", "Daily", "Constantly"))),
        "qol",
    ),
    Item(
        "10",
        "Have you modified your life style to avoid activities potentially damaging to your hip?",
        tuple(Choice(v, t) for v, t in enumerate(("Not at all", "Mildly", "Moderately", "Severely", "Totally"))),
        "qol",
    ),
    Item(
        "11",
        "How much are you troubled with lack of confidence in your hip?",
        tuple(Choice(v, t) for v, t in enumerate(("Not at all", "Mildly", "Moderately", "Severely", "Extremely"))),
        "qol",
    ),
    Item("12", "In general, how much difficulty do you have with your hip?", _NONE_TO_EXTREME, "qol"),
)
_LEFS_ANSWERS = (
    Choice(0, "0: extreme difficulty or unable"),
    *(Choice(v, str(v)) for v in (1, 2, 3)),
    Choice(4, "4: no difficulty"),
)

HOOS12_SCALES = ("pain", "function", "qol")
HOOS12_SCALE_NAMES = {"pain": "Pain", "function": "Function", "qol": "Quality of life"}
HOOS12_MIN_ANSWERED = 2  # of a scale's 4 items

INSTRUMENTS: dict[str, Instrument] = {
    NPRS: Instrument(
        code=NPRS,
        name="Numeric Pain Rating Scale",
        short_name="NPRS",
        region="any complaint",
        instructions="Rate your pain right now, from 0 (no pain) to 10 (worst possible pain).",
        items=(Item("rating", "Pain now", tuple(Choice(v, str(v)) for v in range(11))),),
        minimum=0,
        maximum=10,
        direction=HIGHER_IS_WORSE,
        mcid=Mcid(points=2, percent=30, rule="both"),  # the clinic's PAIN_MCID_* settings take its place in the app
        source="Farrar et al., Pain 2001; Ostelo et al., Spine 2008",
        licence="A numeric rating scale: free to use.",
    ),
    PSFS: Instrument(
        code=PSFS,
        name="Patient-Specific Functional Scale",
        short_name="PSFS",
        region="any region",
        instructions=(
            "Today, are there any activities that you are unable to do or having difficulty with because of your "
            "problem? Name 3 to 5 and rate each from 0 (unable to perform the activity) to 10 (able to perform the "
            "activity at the same level as before the injury or problem)."
        ),
        items=(),
        minimum=0,
        maximum=10,
        direction=HIGHER_IS_BETTER,
        mcid=Mcid(points=2),
        source="Stratford et al., Physiotherapy Canada 1995; Abbott & Schmitt, JOSPT 2014",
        licence='The form is "reproduced with the permission of the authors"; no formal licence is known.',
    ),
    RMDQ: Instrument(
        code=RMDQ,
        name="Roland-Morris Disability Questionnaire",
        short_name="RMDQ-24",
        region="low back",
        instructions=(
            "When your back hurts, you may find it difficult to do some of the things you normally do. When you "
            "read a sentence that describes you today, put a tick against it. If the sentence does not describe "
            "you, then leave the space blank and go on to the next one. Remember, only tick the sentence if you "
            "are sure it describes you today."
        ),
        items=tuple(Item(str(n), text, _TICKED) for n, text in enumerate(_RMDQ_STATEMENTS, start=1)),
        minimum=0,
        maximum=24,
        direction=HIGHER_IS_WORSE,
        mcid=Mcid(points=5, percent=30, rule="either"),
        source="Roland & Morris, Spine 1983; Roland & Fairbank, Spine 2000; Ostelo et al., Spine 2008",
        licence="No permission is needed to use the form as printed in Roland & Fairbank, Spine 2000.",
    ),
    LEFS: Instrument(
        code=LEFS,
        name="Lower Extremity Functional Scale",
        short_name="LEFS",
        region="hip, thigh, leg",
        instructions=(
            "From the client's printed LEFS form: each item's answer as the client marked it, 0 (extreme difficulty "
            "or unable) to 4 (no difficulty), by the item's number on the form."
        ),
        items=tuple(Item(str(n), f"Item {n} of the printed form", _LEFS_ANSWERS) for n in range(1, 21)),
        minimum=0,
        maximum=80,
        direction=HIGHER_IS_BETTER,
        mcid=Mcid(points=9),
        source="Binkley et al., Phys Ther 1999",
        licence=(
            "Reprinted with permission of the APTA; those terms could not be verified, so the form's wording is not "
            "reproduced: answers are copied from the clinic's own printed form."
        ),
        paper_only=True,
    ),
    HOOS12: Instrument(
        code=HOOS12,
        name="Hip disability and Osteoarthritis Outcome Score, 12 items",
        short_name="HOOS-12",
        region="hip",
        instructions=(
            "This survey asks for your view about your hip. Answer every question by ticking the appropriate box, "
            "thinking of your hip during the last week. If you are unsure, give the best answer you can."
        ),
        items=_HOOS12_ITEMS,
        minimum=0,
        maximum=100,
        direction=HIGHER_IS_BETTER,
        mcid=None,
        source="Gandek et al., Osteoarthritis Cartilage 2019; koos.nu",
        licence="Free to use (koos.nu); believed free for clinical use.",
    ),
    STARTBACK: Instrument(
        code=STARTBACK,
        name="Keele STarT Back Screening Tool",
        short_name="STarT Back",
        region="low back",
        instructions="Thinking about the last 2 weeks tick your response to the following questions.",
        items=(
            *(Item(str(n), text, _AGREE) for n, text in enumerate(_STARTBACK_STATEMENTS, start=1)),
            Item("9", "Overall, how bothersome has your back pain been in the last 2 weeks?", _BOTHERSOME),
        ),
        minimum=0,
        maximum=9,
        direction=HIGHER_IS_WORSE,
        mcid=None,
        source="Hill et al., Arthritis Rheum 2008",
        licence=(
            "Free for non-commercial use (Keele University) with its copyright and funding statement kept; "
            "commercial products need Keele's permission."
        ),
        copyright="© Keele University 01/08/07. Funded by Arthritis Research UK.",
    ),
}


CHOICES = [(code, instrument.short_name) for code, instrument in INSTRUMENTS.items()]


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
