"""Checking one intake's answers against the vocabulary: every error names the field. Pure Python."""

from __future__ import annotations

import math
from typing import Any

from intake.screening.vocabulary import (
    AGGRAVATING,
    COMPLAINT_KEYS,
    HISTORY_CHOICES,
    HISTORY_FLAGS,
    HISTORY_WEEKS,
    NOT_TESTED,
    RED_FLAGS,
    REGIONS,
    SEXES,
    SIDES,
    TEST_OBJECT_KEYS,
    TEST_SIDES,
    TESTS,
    TOP_LEVEL,
)


class ScreeningInputError(ValueError):
    """Bad intake answers. `field` names the offending field, as `complaints[0].nprs` or `history.ibd`."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# -- Validation ---------------------------------------------------------------------------------------------------


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


def _choices(values) -> str:
    return ", ".join(str(v) for v in values)


def _mapping(answers: dict, key: str) -> dict:
    value = answers.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ScreeningInputError(key, "must be an object")
    return value


def _check_known_keys(where: str, given: dict, known) -> None:
    for key in given:
        if key not in known:
            raise ScreeningInputError(f"{where}.{key}" if where else str(key), "unknown field")


def _test(name: str, value, allowed) -> tuple[str, str | None]:
    """One test's answer: a result, or (from 2026.12) an object with its result and side. Returns (result, side)."""
    results = f"must be one of {_choices((*allowed, NOT_TESTED))}"
    if isinstance(value, dict):
        _check_known_keys(f"tests.{name}", value, TEST_OBJECT_KEYS)
        result, side = value.get("result", NOT_TESTED), value.get("side")
        if result != NOT_TESTED and result not in allowed:
            raise ScreeningInputError(f"tests.{name}.result", results)
        if side is not None and side not in TEST_SIDES:
            raise ScreeningInputError(f"tests.{name}.side", f"must be one of {_choices(TEST_SIDES)}, or null")
        return result, side
    if value != NOT_TESTED and value not in allowed:
        raise ScreeningInputError(f"tests.{name}", results)
    return value, None


def validate(answers: Any) -> dict:
    """Check the answers against the vocabulary of docs/screening.md; return them complete, with defaults filled in."""
    if not isinstance(answers, dict):
        raise ScreeningInputError("answers", "must be a JSON object")
    _check_known_keys("", answers, TOP_LEVEL)

    age = answers.get("age")
    if age is None:
        raise ScreeningInputError("age", "is required (0-120)")
    if not _is_int(age) or not 0 <= age <= 120:
        raise ScreeningInputError("age", "must be a whole number from 0 to 120")
    sex = answers.get("sex")
    if sex is not None and sex not in SEXES:
        raise ScreeningInputError("sex", f"must be one of {_choices(SEXES)}")

    complaints_in = answers.get("complaints", [])
    if not isinstance(complaints_in, list):
        raise ScreeningInputError("complaints", "must be a list")
    complaints = []
    for i, complaint in enumerate(complaints_in):
        where = f"complaints[{i}]"
        if not isinstance(complaint, dict):
            raise ScreeningInputError(where, "must be an object with region, side and nprs")
        _check_known_keys(where, complaint, COMPLAINT_KEYS)
        if complaint.get("region") not in REGIONS:
            raise ScreeningInputError(f"{where}.region", f"must be one of {_choices(REGIONS)}")
        if complaint.get("side") not in SIDES:
            raise ScreeningInputError(f"{where}.side", f"must be one of {_choices(SIDES)}")
        nprs = complaint.get("nprs")
        if not _is_int(nprs) or not 0 <= nprs <= 10:
            raise ScreeningInputError(f"{where}.nprs", "pain must be a whole number from 0 to 10")
        complaints.append({"region": complaint["region"], "side": complaint["side"], "nprs": nprs})

    aggravating_in = answers.get("aggravating", [])
    if not isinstance(aggravating_in, list):
        raise ScreeningInputError("aggravating", "must be a list")
    for i, movement in enumerate(aggravating_in):
        if movement not in AGGRAVATING:
            raise ScreeningInputError(f"aggravating[{i}]", f"must be one of {_choices(AGGRAVATING)}")

    tests_in = _mapping(answers, "tests")
    _check_known_keys("tests", tests_in, TESTS)
    tests, test_sides = {}, {}
    for name, allowed in TESTS.items():
        tests[name], side = _test(name, tests_in.get(name, NOT_TESTED), allowed)
        if side is not None:
            test_sides[name] = side

    history_in = _mapping(answers, "history")
    _check_known_keys("history", history_in, (*HISTORY_FLAGS, *HISTORY_CHOICES, *HISTORY_WEEKS))
    history: dict[str, Any] = {}
    for name in HISTORY_FLAGS:
        value = history_in.get(name, False)
        if not isinstance(value, bool):
            raise ScreeningInputError(f"history.{name}", "must be true or false")
        history[name] = value
    for name, allowed in HISTORY_CHOICES.items():
        value = history_in.get(name, "none")
        if value not in allowed:
            raise ScreeningInputError(f"history.{name}", f"must be one of {_choices(allowed)}")
        history[name] = value
    for name in HISTORY_WEEKS:
        weeks = history_in.get(name)
        if weeks is not None and (not _is_number(weeks) or weeks < 0):
            raise ScreeningInputError(f"history.{name}", "must be a number of weeks, 0 or more, or null")
        history[name] = weeks

    flags_in = _mapping(answers, "red_flags")
    _check_known_keys("red_flags", flags_in, RED_FLAGS)
    red_flags = {}
    for name in RED_FLAGS:
        value = flags_in.get(name, False)
        if not isinstance(value, bool):
            raise ScreeningInputError(f"red_flags.{name}", "must be true or false")
        red_flags[name] = value

    return {
        "age": age,
        "sex": sex,
        "complaints": complaints,
        "aggravating": sorted(set(aggravating_in)),
        "tests": tests,
        "test_sides": test_sides,
        "history": history,
        "red_flags": red_flags,
    }
