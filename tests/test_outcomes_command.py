"""`python manage.py outcomes -`: a complaint's outcome from ratings given as JSON, outside the web app, by the rule of
notes/outcomes.py. Run as a separate process, as a clinic would, with no database, DEBUG or secret."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SPEC_EXAMPLE = {
    "ratings": [
        {"at": "2026-11-02T10:00:00-05:00", "kind": "intake", "value": 6},
        {"at": "2026-11-09T10:00:00-05:00", "kind": "pre", "value": 5},
        {"at": "2026-11-09T11:00:00-05:00", "kind": "post", "value": 2},
    ],
    "rule": "both",
}
GOOD = {"at": "2026-11-02T10:00:00-05:00", "kind": "pre", "value": 4}


def run_outcomes(*args, stdin: str | None = None, time_zone="America/Toronto"):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    env["TIME_ZONE"] = time_zone
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "outcomes", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def outcomes_of(data, **kwargs) -> dict:
    result = run_outcomes("-", stdin=json.dumps(data), **kwargs)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def weekly(*visits, first_day=2):
    """A session a week from 2026-11-02 (10:00 and 11:00 in Toronto) for each (pre, post)."""
    ratings = []
    for week, (pre, post) in enumerate(visits):
        day = f"2026-11-{first_day + 7 * week:02d}"
        ratings += [
            {"at": f"{day}T10:00:00-05:00", "kind": "pre", "value": pre},
            {"at": f"{day}T11:00:00-05:00", "kind": "post", "value": post},
        ]
    return ratings


def test_the_example_of_the_design_exactly():
    assert outcomes_of(SPEC_EXAMPLE) == {
        "baseline": 6,
        "current": 5,
        "change": -1,
        "percent_change": -16.7,
        "reaches_mcid": False,
        "within_session": [{"date": "2026-11-09", "pre": 5, "post": 2}],
    }


def test_a_file_is_read_too(tmp_path):
    path = tmp_path / "ratings.json"
    path.write_text(json.dumps(SPEC_EXAMPLE))

    result = run_outcomes(str(path))

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["change"] == -1


def test_coming_in_at_6_and_leaving_at_2_every_week_is_no_change():
    output = outcomes_of({"ratings": weekly((6, 2), (6, 2), (6, 2), (6, 2))})

    assert {k: output[k] for k in ("baseline", "current", "change", "percent_change", "reaches_mcid")} == {
        "baseline": 6,
        "current": 6,
        "change": 0,
        "percent_change": 0.0,
        "reaches_mcid": False,
    }
    assert [(i["pre"], i["post"]) for i in output["within_session"]] == [(6, 2)] * 4


@pytest.mark.parametrize(
    ("rule", "reaches"),
    [("both", False), ("either", True), ("points", True), ("percent", False)],
)
def test_the_rule_is_the_inputs_choice(rule, reaches):
    # 10 -> 8: two points, but only 20%.
    output = outcomes_of({"ratings": weekly((10, 5), (8, 5)), "rule": rule})

    assert (output["change"], output["percent_change"], output["reaches_mcid"]) == (-2, -20.0, reaches)


def test_the_rule_defaults_to_both():
    output = outcomes_of({"ratings": weekly((6, 3), (4, 2), (3, 1))})

    assert (output["baseline"], output["current"], output["change"], output["percent_change"]) == (6, 3, -3, -50.0)
    assert output["reaches_mcid"] is True


def test_no_later_visit_leaves_current_change_and_percent_empty():
    same_day = {"at": "2026-11-02T09:00:00-05:00", "kind": "intake", "value": 7}
    output = outcomes_of({"ratings": [same_day, *weekly((5, 2))]})

    assert output == {
        "baseline": 7,
        "current": None,
        "change": None,
        "percent_change": None,
        "reaches_mcid": False,
        "within_session": [{"date": "2026-11-02", "pre": 5, "post": 2}],
    }


def test_no_rating_before_treatment_leaves_everything_empty():
    only_after = [{"at": "2026-11-02T11:00:00-05:00", "kind": "post", "value": 2}]

    assert outcomes_of({"ratings": only_after}) == {
        "baseline": None,
        "current": None,
        "change": None,
        "percent_change": None,
        "reaches_mcid": False,
        "within_session": [{"date": "2026-11-02", "pre": None, "post": 2}],
    }
    assert outcomes_of({"ratings": []})["baseline"] is None


def test_a_later_day_is_the_clinics_day_not_utcs():
    # 23:30 on 3 December in Toronto is already 4 December in UTC: the same clinic day as the intake.
    ratings = [
        {"at": "2026-12-03T09:00:00-05:00", "kind": "intake", "value": 6},
        {"at": "2026-12-04T04:30:00+00:00", "kind": "questionnaire", "value": 3},
    ]

    assert outcomes_of({"ratings": ratings})["current"] is None
    assert outcomes_of({"ratings": ratings}, time_zone="UTC")["current"] == 3


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([1, 2, 3], "input"),
        ({"ratings": "6 then 5"}, "ratings"),
        ({}, "ratings"),
        ({"ratings": [GOOD, GOOD, {**GOOD, "kind": "later"}]}, "ratings[2].kind"),
        ({"ratings": [GOOD, GOOD, {**GOOD, "value": 11}]}, "ratings[2].value"),
        ({"ratings": [{**GOOD, "value": 5.5}]}, "ratings[0].value"),
        ({"ratings": [{**GOOD, "value": False}]}, "ratings[0].value"),
        ({"ratings": [{**GOOD, "value": "5"}]}, "ratings[0].value"),
        ({"ratings": [{"kind": "pre", "value": 4}]}, "ratings[0].at"),
        ({"ratings": [{**GOOD, "at": "2026-11-02T10:00:00"}]}, "ratings[0].at"),
        ({"ratings": [{**GOOD, "at": "2026-13-45T10:00:00-05:00"}]}, "ratings[0].at"),
        ({"ratings": [GOOD], "rule": "majority"}, "rule"),
        ({"ratings": [GOOD], "points": 3}, "points"),
        ({"ratings": [{**GOOD, "session": 1}]}, "ratings[0].session"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(data, field):
    result = run_outcomes("-", stdin=json.dumps(data))

    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"outcomes: {field}: ")
    assert "Traceback" not in result.stderr


def test_the_message_of_a_value_out_of_range_says_what_is_wanted():
    result = run_outcomes("-", stdin=json.dumps({"ratings": [GOOD, GOOD, {**GOOD, "value": 12}]}))

    assert result.stderr.strip() == "outcomes: ratings[2].value: must be an integer from 0 to 10"


@pytest.mark.parametrize(
    ("stdin", "args", "message"),
    [
        ("{not json", ("-",), "not valid JSON"),
        ("", ("-",), "not valid JSON"),
        (None, ("/nonexistent/ratings.json",), "cannot read"),
        ("[" * 100_000 + "]" * 100_000, ("-",), "JSON nested too deeply"),
        ('{"ratings": [], "rule": 1' + "0" * 5_000 + "}", ("-",), "a number in it has too many digits"),
    ],
)
def test_unreadable_input_exits_2_with_a_clear_line(stdin, args, message):
    result = run_outcomes(*args, stdin=stdin)

    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
