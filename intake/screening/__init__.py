"""The iliopsoas screening engine, ruleset 2026.12 (section 2 reported under red flags too; whole-body regions
charted, not scored; more health answers; tests with a side). Pure Python, no Django.

vocabulary (the words of the answers), rules (the rules as data), validation (every error names its field) and
engine (`screen`).

`screen(answers)` takes one intake's answers as plain data (the JSON of docs/screening.md), checks them, and returns
three outputs (`iliopsoas`, `abdominal_work`, `refer`), the score, and one reason per rule that fired.
The rules are data: RULES in rules.py, each with its text and source. It supports a therapist's judgement; it never
diagnoses.

Precedence: red flags, then abdominal contraindications, then the iliopsoas indication.
"""

from intake.screening.engine import screen
from intake.screening.rules import (
    ABDOMINAL,
    B1_RULE_ID,
    CAUDA_EQUINA,
    CAUTION,
    CONSIDER_THRESHOLD,
    CONTRAINDICATION,
    GROIN,
    INFECTION,
    MAJOR,
    MALIGNANCY,
    MINOR,
    MINOR_SOURCE,
    RED_FLAG,
    RULES,
    Rule,
)
from intake.screening.validation import ScreeningInputError, validate
from intake.screening.vocabulary import (
    AGGRAVATING,
    CHARTED_REGIONS,
    CHILDBIRTH_WEEKS,
    COMPLAINT_KEYS,
    HISTORY_CHOICES,
    HISTORY_FLAGS,
    HISTORY_WEEKS,
    NOT_TESTED,
    RED_FLAGS,
    REGIONS,
    RULESET_VERSION,
    SCORED_REGIONS,
    SEXES,
    SIDES,
    SURGERY_6_TO_26_WEEKS,
    SURGERY_UNDER_6_WEEKS,
    SURGERY_WEEKS,
    TEST_SIDES,
    TESTS,
    TOP_LEVEL,
)

__all__ = [
    "ABDOMINAL",
    "AGGRAVATING",
    "B1_RULE_ID",
    "CAUDA_EQUINA",
    "CAUTION",
    "CHARTED_REGIONS",
    "CHILDBIRTH_WEEKS",
    "COMPLAINT_KEYS",
    "CONSIDER_THRESHOLD",
    "CONTRAINDICATION",
    "GROIN",
    "HISTORY_CHOICES",
    "HISTORY_FLAGS",
    "HISTORY_WEEKS",
    "INFECTION",
    "MAJOR",
    "MALIGNANCY",
    "MINOR",
    "MINOR_SOURCE",
    "NOT_TESTED",
    "RED_FLAG",
    "RED_FLAGS",
    "REGIONS",
    "RULES",
    "RULESET_VERSION",
    "Rule",
    "SCORED_REGIONS",
    "SEXES",
    "SIDES",
    "SURGERY_6_TO_26_WEEKS",
    "SURGERY_UNDER_6_WEEKS",
    "SURGERY_WEEKS",
    "ScreeningInputError",
    "TEST_SIDES",
    "TESTS",
    "TOP_LEVEL",
    "screen",
    "validate",
]
