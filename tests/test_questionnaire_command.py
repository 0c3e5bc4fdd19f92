"""`python manage.py questionnaire score -`: a questionnaire scored outside the web app by intake/questionnaires.py.
Run as a separate process, as a clinic would, with no database, DEBUG or secret."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_questionnaire(*args, stdin: str | None = None):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "questionnaire", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def scored(data) -> dict:
    result = run_questionnaire("score", "-", stdin=json.dumps(data))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_psfs_example_of_the_design():
    data = {
        "instrument": "psfs",
        "answers": {
            "activities": [
                {"name": "climbing stairs", "rating": 4},
                {"name": "getting out of the car", "rating": 5},
                {"name": "gardening", "rating": 7},
            ]
        },
    }
    assert scored(data) == {
        "instrument": "psfs",
        "score": 5.3,
        "max": 10,
        "direction": "higher_is_better",
        "complete": True,
    }


def test_hoos12_adds_its_subscales():
    answers = {str(n): 1 for n in range(1, 13)}
    output = scored({"instrument": "hoos12", "answers": answers})
    assert output["subscales"] == {"pain": 75, "function": 75, "qol": 75}
    assert output["score"] is None


def test_startback_adds_its_psychosocial_subscale_and_risk():
    answers = {"1": 1, "2": 0, "3": 1, "4": 1, "5": 1, "6": 1, "7": 1, "8": 0, "9": 3}
    output = scored({"instrument": "startback", "answers": answers})
    assert (output["score"], output["psychosocial"], output["risk"]) == (7, 4, "high")


def test_rmdq_and_nprs():
    assert scored({"instrument": "rmdq", "answers": {"1": True, "2": True, "24": False}})["score"] == 2
    assert scored({"instrument": "nprs", "answers": {"rating": 7}})["score"] == 7


def test_a_file_is_read_too(tmp_path):
    path = tmp_path / "rmdq.json"
    path.write_text(json.dumps({"instrument": "rmdq", "answers": {"3": True}}))
    result = run_questionnaire("score", str(path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["score"] == 1


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("not json", "questionnaire: file: not valid JSON"),
        ("[1, 2]", "questionnaire: file: must be a JSON object"),
        ('{"instrument": "odi", "answers": {}}', "questionnaire: instrument: must be one of nprs, psfs, rmdq, lefs"),
        ('{"instrument": "hoos12", "answers": {"3": 7}}', "questionnaire: answers.3: must be 0 to 4, not 7"),
        ('{"instrument": "rmdq", "answers": {"30": true}}', "questionnaire: answers.30: not an item of rmdq"),
        ('{"instrument": "nprs", "answers": {"rating": "6"}}', "questionnaire: answers.rating: must be a whole number"),
        ('{"instrument": "rmdq", "answers": {}, "extra": 1}', "questionnaire: extra: not a field"),
        ('{"instrument": "rmdq", "answers": [1]}', "questionnaire: answers: must be an object"),
        (
            '{"instrument": "psfs", "answers": {"activities": [{"name": "run", "rating": -1}]}}',
            "questionnaire: answers.activities[0].rating: must be 0 to 10",
        ),
        ("[" * 100_000 + "]" * 100_000, "questionnaire: file: JSON nested too deeply"),
        (
            '{"instrument": "nprs", "answers": {"rating": 6' + "0" * 5_000 + "}}",
            "questionnaire: file: a number in it has too many digits",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(stdin, message):
    result = run_questionnaire("score", "-", stdin=stdin)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "Traceback" not in result.stderr


def test_an_unreadable_file_exits_2(tmp_path):
    result = run_questionnaire("score", str(tmp_path / "missing.json"))
    assert result.returncode == 2
    assert result.stderr.startswith("questionnaire: file: cannot read")
