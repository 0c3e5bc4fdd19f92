"""Each questionnaire's trend on the history page, by the outcome rule: baseline the first score, current the
latest score on a later day in the clinic's time zone, the change judged against the instrument's own MCID in its
own direction."""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from intake.questionnaire_instruments import Mcid
from notes.questionnaire_trends import trends
from tests.factories import ClientFactory

TORONTO = ZoneInfo("America/Toronto")


@dataclass
class Row:
    instrument: str
    at: str
    score: float | None
    subscales: dict = field(default_factory=dict)

    @property
    def taken_at(self):
        return datetime.fromisoformat(self.at)

    @property
    def risk(self):
        return self.subscales.get("risk", "")


def only(rows, **kwargs):
    (trend,) = trends(rows, zone=TORONTO, **kwargs)
    return trend


def test_psfs_rising_by_2_points_is_a_meaningful_improvement():
    trend = only([Row("psfs", "2026-11-02T10:00-05:00", 3.3), Row("psfs", "2026-11-30T10:00-05:00", 6)])

    assert (trend.baseline, trend.current, trend.change, trend.reaches_mcid, trend.improved) == (
        3.3,
        6,
        2.7,
        True,
        True,
    )


def test_rmdq_falling_is_better_and_rising_is_never_meaningful():
    better = only([Row("rmdq", "2026-11-02T10:00-05:00", 14), Row("rmdq", "2026-12-01T10:00-05:00", 8)])
    worse = only([Row("rmdq", "2026-11-02T10:00-05:00", 8), Row("rmdq", "2026-12-01T10:00-05:00", 14)])

    assert (better.change, better.reaches_mcid, better.improved) == (-6, True, True)
    assert (worse.change, worse.reaches_mcid, worse.improved) == (6, False, False)


def test_a_later_response_on_the_same_clinic_day_is_not_a_current_score():
    # 23:30 in Toronto on 2 November is already 3 November in UTC: still the baseline's day in the clinic.
    trend = only([Row("rmdq", "2026-11-02T10:00-05:00", 14), Row("rmdq", "2026-11-02T23:30-05:00", 4)])

    assert (trend.current, trend.change, trend.reaches_mcid) == (None, None, None)


def test_the_current_score_is_the_latest_on_a_later_day():
    rows = [
        Row("rmdq", "2026-11-02T10:00-05:00", 14),
        Row("rmdq", "2026-11-09T10:00-05:00", 6),
        Row("rmdq", "2026-11-16T10:00-05:00", 12),
    ]
    trend = only(rows)

    assert (trend.current, trend.change, trend.reaches_mcid) == (12, -2, False)


def test_hoos12_is_trended_per_scale_without_a_verdict():
    rows = [
        Row("hoos12", "2026-11-02T10:00-05:00", None, {"pain": 50, "function": 62.5, "qol": None}),
        Row("hoos12", "2026-11-30T10:00-05:00", None, {"pain": 75, "function": 62.5, "qol": 25}),
    ]
    found = trends(rows, zone=TORONTO)

    assert [(t.label, t.baseline, t.current, t.change, t.reaches_mcid) for t in found] == [
        ("HOOS-12 pain", 50, 75, 25, None),
        ("HOOS-12 function", 62.5, 62.5, 0, None),
        ("HOOS-12 quality of life", 25, None, None, None),
    ]


def test_startback_shows_its_risk_groups_and_no_verdict():
    rows = [
        Row("startback", "2026-11-02T10:00-05:00", 7, {"psychosocial": 4, "risk": "high"}),
        Row("startback", "2026-11-30T10:00-05:00", 2, {"psychosocial": 1, "risk": "low"}),
    ]
    trend = only(rows)

    assert (trend.baseline_risk, trend.current_risk, trend.reaches_mcid, trend.has_mcid) == ("high", "low", None, False)


@pytest.mark.parametrize(("rule", "reaches"), [("both", False), ("points", True)])
def test_nprs_follows_the_clinics_pain_mcid(rule, reaches):
    rows = [Row("nprs", "2026-11-02T10:00-05:00", 10), Row("nprs", "2026-11-30T10:00-05:00", 8)]  # 2 points, 20 %

    assert only(rows, nprs_mcid=Mcid(points=2, percent=30, rule=rule)).reaches_mcid is reaches


def test_an_unscored_response_is_left_out():
    rows = [Row("startback", "2026-11-02T10:00-05:00", None), Row("psfs", "2026-11-02T10:00-05:00", 4)]

    assert [t.label for t in trends(rows, zone=TORONTO)] == ["PSFS"]


@pytest.mark.django_db
def test_the_history_page_shows_each_trend_and_the_list(as_user, therapist, front_desk, care_client):
    from datetime import timedelta

    from django.utils import timezone

    from intake.services import record_questionnaire

    now = timezone.now()
    record_questionnaire(
        client=care_client,
        by=front_desk,
        instrument="rmdq",
        answers={str(n): True for n in range(1, 15)},
        taken_at=now - timedelta(days=28),
    )
    record_questionnaire(
        client=care_client, by=therapist, instrument="rmdq", answers={str(n): True for n in range(1, 9)}, taken_at=now
    )
    other = ClientFactory(care_team=[therapist])
    record_questionnaire(client=other, by=therapist, instrument="psfs", answers={"activities": []}, taken_at=now)

    page = as_user(therapist).get(f"/clients/{care_client.public_id}/history/").content.decode()

    assert "RMDQ-24" in page and "questionnaire-spark" in page
    assert "-6" in page and "(better)" in page
    assert "8 of 24" in page and "14 of 24" in page
    assert "PSFS" not in page.split('id="questionnaire-heading"')[1].split("</section>")[0]
