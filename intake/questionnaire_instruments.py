"""The validated questionnaires the client fills in, as published: each instrument's wording, answers, range,
direction, MCID and source. Pure Python: no Django here (like intake/screening); intake/questionnaires.py checks
and scores the answers.

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

`INSTRUMENTS` holds them by code (`NPRS`, `PSFS`, ...); `CHOICES` is the model field's choices.
"""

from __future__ import annotations

from dataclasses import dataclass

HIGHER_IS_BETTER = "higher_is_better"
HIGHER_IS_WORSE = "higher_is_worse"
PSFS_MIN_ACTIVITIES, PSFS_MAX_ACTIVITIES = 3, 5
PSFS_NAME_LENGTH = 200


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
