"""`python manage.py screen FILE|-`: the rules audited outside the web app."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

DANCER = {
    "age": 24,
    "sex": "F",
    "complaints": [{"region": "anterior_hip_groin", "side": "right", "nprs": 6}],
    "aggravating": ["hip_extension", "stairs_leg_lift"],
    "tests": {
        "resisted_hip_flexion": "positive_pain",
        "hip_flexor_stretch_thomas": "positive_pain",
        "internal_snapping": "painful",
    },
    "history": {"athlete_repetitive_hip_flexion": True},
}


def run_screen(*args, stdin: str | None = None):
    # No DEBUG and no SECRET_KEY: the command must run as a plain offline tool.
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "screen", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_screen_reads_a_file_and_prints_the_result_json(tmp_path):
    answers = tmp_path / "dancer.json"
    answers.write_text(json.dumps(DANCER))

    result = run_screen(str(answers))

    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert (output["ruleset"], output["iliopsoas"], output["abdominal_work"], output["refer"], output["score"]) == (
        "2026.12",
        "consider",
        "ok",
        False,
        9,
    )
    assert {"rule", "text", "source"} <= set(output["reasons"][0])


def test_screen_reads_standard_input_with_a_dash():
    result = run_screen("-", stdin=json.dumps({**DANCER, "red_flags": {"saddle_anaesthesia": True}}))

    output = json.loads(result.stdout)
    assert (output["iliopsoas"], output["abdominal_work"], output["refer"]) == (
        "not_indicated",
        "contraindicated",
        True,
    )
    assert "red_flag.saddle_anaesthesia" in [reason["rule"] for reason in output["reasons"]]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({**DANCER, "complaints": [{"region": "tail", "side": "right", "nprs": 6}]}, "complaints[0].region"),
        ({**DANCER, "complaints": [{"region": "knee", "side": "right", "nprs": 11}]}, "complaints[0].nprs"),
        ({**DANCER, "age": 130}, "age"),
        ({**DANCER, "mood": "happy"}, "mood"),
        (
            {**DANCER, "history": {"abdominal_pelvic_surgery_weeks_ago": -3}},
            "history.abdominal_pelvic_surgery_weeks_ago",
        ),
        ({**DANCER, "tests": {"iliopsoas_palpation": "ouch"}}, "tests.iliopsoas_palpation"),
        ({**DANCER, "red_flags": {"saddle_anaesthesia": "yes"}}, "red_flags.saddle_anaesthesia"),
        ({**DANCER, "aggravating": ["hip_extension", "juggling"]}, "aggravating[1]"),
        ([1, 2, 3], "answers"),
    ],
)
def test_bad_answers_exit_2_with_one_line_naming_the_field(answers, field):
    result = run_screen("-", stdin=json.dumps(answers))

    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert field in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("stdin", "args", "message"),
    [
        ("{not json", ("-",), "not valid JSON"),
        ("", ("-",), "not valid JSON"),
        (None, ("/nonexistent/answers.json",), "cannot read"),
        ("[" * 100_000 + "]" * 100_000, ("-",), "JSON nested too deeply"),
        ('{"age": 1' + "0" * 5_000 + "}", ("-",), "a number in it has too many digits"),
    ],
)
def test_unreadable_input_exits_2_with_a_clear_line(stdin, args, message):
    result = run_screen(*args, stdin=stdin)

    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


DANCER_2026_12 = {
    **DANCER,
    "complaints": [*DANCER["complaints"], {"region": "neck", "side": "left", "nprs": 4}],
    "tests": {
        "resisted_hip_flexion": {"result": "positive_pain", "side": "both"},
        "hip_flexor_stretch_thomas": {"result": "positive_pain", "side": "right"},
        "internal_snapping": "painful",
        "slr": {"result": "negative", "side": "left"},
    },
    "history": {
        "athlete_repetitive_hip_flexion": True,
        "childbirth_weeks_ago": 8,
        "caesarean": True,
        "hip_replacement": "none",
        "osteoporosis": False,
    },
}


def test_screen_accepts_a_2026_12_input_with_sides_charted_regions_and_new_health_answers():
    result = run_screen("-", stdin=json.dumps(DANCER_2026_12))

    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert (output["iliopsoas"], output["abdominal_work"], output["refer"], output["score"]) == (
        "consider",
        "contraindicated",
        False,
        9,
    )
    assert "contraindication.caesarean_under_12_weeks" in [reason["rule"] for reason in output["reasons"]]


@pytest.mark.parametrize(
    ("history", "field"),
    [
        ({"kidney_transplant": True, "heart_transplant": True}, "history.heart_transplant"),
        ({"hip_replacement": "lateral"}, "history.hip_replacement"),
    ],
)
def test_screen_still_refuses_an_unknown_2026_12_key_or_value_in_one_line(history, field):
    result = run_screen("-", stdin=json.dumps({**DANCER_2026_12, "history": history}))

    assert (result.returncode, result.stdout) == (2, "")
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0]
