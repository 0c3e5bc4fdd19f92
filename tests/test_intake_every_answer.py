"""The intake page lists every health and warning-sign question with its answer, "no" included, so a reader sees
what was asked, not only what was said yes to."""

import re

import pytest

from intake import labels
from tests.factories import screened_intake

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<dd class="(answer-row[^"]*)"><span>(.*?)</span><span class="text-nowrap">(.*?)</span>')


def test_every_question_shows_with_its_answer_no_included(as_user, therapist, front_desk, care_client):
    intake = screened_intake(care_client, by=front_desk, history={"iud": True}, red_flags={"iv_drug_use": False})

    page = as_user(therapist).get(intake.get_absolute_url()).content.decode()

    rows = {question: (answer, "answer-notable" in classes) for classes, question, answer in ROW.findall(page)}
    assert len(rows) == len(labels.RED_FLAGS) + len(labels.HISTORY_FLAGS) + len(labels.HISTORY_CHOICES) + len(
        labels.HISTORY_WEEKS
    )
    assert rows["Have you ever injected drugs?"] == ("No", False)
    assert rows["Do you have an IUD (intrauterine device)?"] == ("Yes", True)
    assert rows["A hernia?"] == ("No", False)
    assert rows["Surgery on the belly or pelvis: how many weeks ago? (leave empty if none)"] == ("None", False)
