"""Scoring of the validated questionnaires (intake/questionnaires.py), each against its publication's rule and worked
examples. Pure Python: no database."""

import pytest

from intake.questionnaire_instruments import (
    HIGHER_IS_BETTER,
    HIGHER_IS_WORSE,
    HOOS12,
    INSTRUMENTS,
    LEFS,
    NPRS,
    PSFS,
    RMDQ,
    STARTBACK,
)
from intake.questionnaires import QuestionnaireInputError, reaches_mcid, score, startback_risk


def psfs(*ratings, names=None):
    names = names or [f"activity {n}" for n in range(len(ratings))]
    return {"activities": [{"name": name, "rating": rating} for name, rating in zip(names, ratings, strict=True)]}


# -- Roland-Morris (Roland & Fairbank, Spine 2000; Ostelo et al., Spine 2008) ------------------------------------


def test_rmdq_has_the_24_statements_of_the_published_form():
    rmdq = INSTRUMENTS[RMDQ]
    assert len(rmdq.items) == 24
    assert rmdq.items[0].text == "I stay at home most of the time because of my back."
    assert rmdq.items[23].text == "I stay in bed most of the time because of my back."
    assert (rmdq.minimum, rmdq.maximum, rmdq.direction) == (0, 24, HIGHER_IS_WORSE)


def test_rmdq_is_the_count_of_ticked_statements():
    # Roland & Fairbank 2000, "Scoring": the score is the number of statements ticked, 0 to 24.
    answers = {str(n): True for n in (1, 3, 5, 7, 9, 11, 13)} | {"2": False}
    assert score(RMDQ, answers).as_json() == {
        "instrument": "rmdq",
        "score": 7,
        "max": 24,
        "direction": "higher_is_worse",
        "complete": True,
    }


def test_rmdq_statements_left_blank_count_as_not_ticked():
    # Roland & Fairbank 2000: a statement marked "not applicable" (or left blank) is scored as not ticked.
    result = score(RMDQ, {"4": True, "5": None})
    assert (result.score, result.complete) == (1, True)


def test_rmdq_all_ticked_is_24():
    assert score(RMDQ, {str(n): True for n in range(1, 25)}).score == 24


@pytest.mark.parametrize(
    ("baseline", "current", "reaches"),
    [
        (12, 7, True),  # 5 points (and 42 %)
        (12, 9, False),  # 3 points, 25 %
        (6, 4, True),  # 2 points but 33 %: Ostelo 2008's "5 points or 30 %"
        (12, 2, True),  # the 10-point improvement of the RMDQ's worked example (83 %)
        (7, 12, False),  # worse is never an improvement
    ],
)
def test_rmdq_mcid_is_5_points_or_30_percent_of_the_baseline(baseline, current, reaches):
    assert reaches_mcid(INSTRUMENTS[RMDQ], baseline, current) is reaches


# -- PSFS (Stratford et al., Physiotherapy Canada 1995; Abbott & Schmitt, JOSPT 2014) ------------------------------


def test_psfs_is_the_mean_of_the_rated_activities():
    # The form of Stratford et al. 1995: "Total score = sum of the activity scores / number of activities".
    result = score(PSFS, psfs(4, 5, 7))
    assert result.as_json() == {
        "instrument": "psfs",
        "score": 5.3,
        "max": 10,
        "direction": "higher_is_better",
        "complete": True,
    }


def test_psfs_with_five_activities():
    assert score(PSFS, psfs(2, 4, 6, 8, 10)).score == 6


def test_psfs_with_fewer_than_three_activities_is_scored_but_incomplete():
    result = score(PSFS, psfs(3, 5))
    assert (result.score, result.complete) == (4, False)


def test_psfs_an_unrated_activity_is_left_out_of_the_mean():
    result = score(PSFS, psfs(2, None, 6))
    assert (result.score, result.complete) == (4, False)


def test_psfs_with_no_rating_has_no_score():
    assert score(PSFS, {"activities": []}).score is None


@pytest.mark.parametrize(("baseline", "current", "reaches"), [(3, 5, True), (3, 4.7, False), (6, 3, False)])
def test_psfs_mcid_is_2_points_on_the_mean_and_higher_is_better(baseline, current, reaches):
    # Abbott & Schmitt 2014: 1.3 / 2.3 / 2.7 points for a small / medium / large change; the clinic uses 2 on the mean.
    assert reaches_mcid(INSTRUMENTS[PSFS], baseline, current) is reaches


def test_psfs_refuses_more_than_five_activities():
    with pytest.raises(QuestionnaireInputError) as error:
        score(PSFS, psfs(1, 2, 3, 4, 5, 6))
    assert error.value.field == "answers.activities"


# -- HOOS-12 (Gandek et al., Osteoarthritis Cartilage 2019; koos.nu HOOS-12 scoring) -------------------------------


def test_hoos12_has_four_items_per_scale():
    items = INSTRUMENTS[HOOS12].items
    assert [sum(1 for i in items if i.scale == s) for s in ("pain", "function", "qol")] == [4, 4, 4]
    assert items[0].text == "How often is your hip painful?"


def test_hoos12_no_problems_is_100_and_extreme_problems_is_0():
    # koos.nu: each item 0 (no problems) to 4 (extreme); scales transformed so 0 is worst and 100 best.
    best = score(HOOS12, {str(n): 0 for n in range(1, 13)})
    worst = score(HOOS12, {str(n): 4 for n in range(1, 13)})
    assert best.subscales == {"pain": 100, "function": 100, "qol": 100}
    assert worst.subscales == {"pain": 0, "function": 0, "qol": 0}
    assert best.complete is True


def test_hoos12_scale_is_100_minus_the_mean_times_25():
    # pain 1, 2, 2, 3: mean 2 -> 50; function 0, 1, 0, 1: mean 0.5 -> 87.5; qol 4, 3, 3, 3: mean 3.25 -> 18.75
    answers = dict(zip([str(n) for n in range(1, 13)], [1, 2, 2, 3, 0, 1, 0, 1, 4, 3, 3, 3], strict=True))
    result = score(HOOS12, answers)
    assert result.as_json() == {
        "instrument": "hoos12",
        "score": None,  # no summary: its rule could not be checked in the user's guide
        "max": 100,
        "direction": "higher_is_better",
        "complete": True,
        "subscales": {"pain": 50, "function": 87.5, "qol": 18.8},
    }


def test_hoos12_missing_items_take_the_mean_of_the_answered_ones():
    # koos.nu: at least half of a scale's items (2 of 4) answered; a person-specific estimate for the missing ones.
    # Pain answered 1 and 2 only: mean 1.5 -> 62.5, the same as 1, 2, 1.5, 1.5.
    result = score(HOOS12, {"1": 1, "2": 2, "5": 0, "6": 0, "7": 0, "8": 0, "9": 2, "10": 2, "11": 2, "12": 2})
    assert result.subscales == {"pain": 62.5, "function": 100, "qol": 50}
    assert result.complete is False


def test_hoos12_a_scale_with_one_item_answered_is_not_scored():
    result = score(HOOS12, {"1": 3, "5": 1, "6": 1})
    assert result.subscales == {"pain": None, "function": 75, "qol": None}


def test_hoos12_has_no_mcid_verdict():
    assert reaches_mcid(INSTRUMENTS[HOOS12], 40, 70) is None


# -- Keele STarT Back (Hill et al., Arthritis Rheum 2008; Keele scoring flowchart) ---------------------------------


def startback(agree: set[int], bother: int) -> dict:
    return {str(n): int(n in agree) for n in range(1, 9)} | {"9": bother}


@pytest.mark.parametrize(
    ("agree", "bother", "total", "psychosocial", "risk"),
    [
        (set(), 0, 0, 0, "low"),
        ({1, 2, 3}, 2, 3, 0, "low"),  # total 3: low, whatever the subscale
        ({5, 6, 7}, 4, 4, 4, "high"),  # total 4 and subscale 4: high
        ({1, 2, 5, 6}, 1, 4, 2, "medium"),  # total 4, subscale 2: medium
        ({1, 2, 3, 4, 5, 6, 7, 8}, 4, 9, 5, "high"),
        ({1, 2, 3, 4, 5, 6}, 2, 6, 2, "medium"),
        ({1, 5, 6, 7}, 3, 5, 4, "high"),  # "very much" bothersome counts in both scores
    ],
)
def test_startback_totals_and_risk_groups(agree, bother, total, psychosocial, risk):
    # Hill et al. 2008: overall 0-3 low risk; 4-9 with a psychosocial subscale (items 5-9) of 4-5 high, else medium.
    result = score(STARTBACK, startback(agree, bother))
    assert (result.score, result.psychosocial, result.risk, result.complete) == (total, psychosocial, risk, True)


@pytest.mark.parametrize(("bother", "point"), [(0, 0), (1, 0), (2, 0), (3, 1), (4, 1)])
def test_startback_bothersomeness_counts_only_very_much_or_extremely(bother, point):
    assert score(STARTBACK, startback(set(), bother)).score == point


def test_startback_scores_complete_forms_only():
    answers = startback({1, 2, 3, 4, 5}, 4)
    del answers["6"]
    result = score(STARTBACK, answers)
    assert result.as_json() == {
        "instrument": "startback",
        "score": None,
        "max": 9,
        "direction": "higher_is_worse",
        "complete": False,
        "psychosocial": None,
        "risk": None,
    }


def test_startback_is_a_risk_group_not_an_outcome():
    assert INSTRUMENTS[STARTBACK].mcid is None
    assert reaches_mcid(INSTRUMENTS[STARTBACK], 7, 2) is None
    assert startback_risk(3, 3) == "low"


# -- NPRS (Farrar et al., Pain 2001) -------------------------------------------------------------------------------


def test_nprs_is_the_rating():
    assert score(NPRS, {"rating": 6}).as_json() == {
        "instrument": "nprs",
        "score": 6,
        "max": 10,
        "direction": "higher_is_worse",
        "complete": True,
    }
    assert score(NPRS, {}).complete is False


@pytest.mark.parametrize(
    ("baseline", "current", "reaches"), [(6, 4, True), (10, 8, False), (3, 1, True), (4, 6, False)]
)
def test_nprs_mcid_is_2_points_and_30_percent_by_default(baseline, current, reaches):
    # Farrar et al. 2001: a reduction of about 2 points or 30 % is clinically important; the clinic default is both.
    assert reaches_mcid(INSTRUMENTS[NPRS], baseline, current) is reaches


# -- LEFS ---------------------------------------------------------------------------------------------------------
# Binkley JM et al., Phys Ther 1999;79:371-383: 20 items, each 0 (extreme difficulty or unable) to 4 (no difficulty);
# "the total score is the sum of the item scores", 0-80, higher is better; MCID 9 points. The paper gives no rule for
# items left blank, so only a complete form is scored.


def test_lefs_is_the_sum_of_its_20_items():
    answers = {str(n): value for n, value in enumerate([4, 3, 3, 2, 3, 2, 3, 3, 2, 3, 3, 2, 3, 2, 3, 2, 2, 2, 2, 3], 1)}

    assert score(LEFS, answers).as_json() == {
        "instrument": "lefs",
        "score": 52,
        "max": 80,
        "direction": "higher_is_better",
        "complete": True,
    }
    assert score(LEFS, {str(n): 4 for n in range(1, 21)}).score == 80
    assert score(LEFS, {str(n): 0 for n in range(1, 21)}).score == 0


def test_lefs_with_an_item_left_blank_is_not_scored():
    answers = {str(n): 3 for n in range(1, 20)}

    result = score(LEFS, answers)

    assert (result.score, result.complete) == (None, False)


@pytest.mark.parametrize(("baseline", "current", "reaches"), [(40, 49, True), (40, 48, False), (49, 40, False)])
def test_lefs_mcid_is_9_points_higher_is_better(baseline, current, reaches):
    assert reaches_mcid(INSTRUMENTS[LEFS], baseline, current) is reaches


def test_lefs_wording_is_not_reproduced_and_the_clients_own_forms_do_not_offer_it():
    from intake.client_form_forms import INSTRUMENTS as OFFERED_TO_CLIENTS

    lefs = INSTRUMENTS[LEFS]
    assert lefs.paper_only and len(lefs.items) == 20
    assert all(item.text == f"Item {item.key} of the printed form" for item in lefs.items)
    assert LEFS not in OFFERED_TO_CLIENTS and set(OFFERED_TO_CLIENTS) == set(INSTRUMENTS) - {LEFS}


# -- Bad input -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "answers", "field"),
    [
        ("koos", {}, "instrument"),
        ("lefs", {"21": 4}, "answers.21"),
        ("lefs", {"3": 5}, "answers.3"),
        (None, {}, "instrument"),
        (RMDQ, [], "answers"),
        (RMDQ, {"25": True}, "answers.25"),
        (RMDQ, {"3": "yes"}, "answers.3"),
        (HOOS12, {"4": 5}, "answers.4"),
        (HOOS12, {"4": 2.0}, "answers.4"),
        (HOOS12, {"4": True}, "answers.4"),
        (STARTBACK, {"1": 2}, "answers.1"),
        (NPRS, {"rating": 11}, "answers.rating"),
        (NPRS, {"pain": 3}, "answers.pain"),
        (PSFS, {"activities": "stairs"}, "answers.activities"),
        (PSFS, {"activities": [{"name": "", "rating": 3}]}, "answers.activities[0].name"),
        (PSFS, {"activities": [{"name": "x", "rating": 11}]}, "answers.activities[0].rating"),
        (PSFS, {"activities": [{"name": "x", "rating": 3, "notes": "?"}]}, "answers.activities[0].notes"),
        (PSFS, {"items": []}, "answers.items"),
    ],
)
def test_bad_input_names_the_field(instrument, answers, field):
    with pytest.raises(QuestionnaireInputError) as error:
        score(instrument, answers)
    assert error.value.field == field


def test_every_instrument_states_its_range_direction_and_source():
    for instrument in INSTRUMENTS.values():
        assert instrument.direction in (HIGHER_IS_BETTER, HIGHER_IS_WORSE)
        assert instrument.minimum < instrument.maximum
        assert instrument.source and instrument.licence


def test_the_docs_page_lists_every_instrument_and_says_what_was_left_out():
    from pathlib import Path

    page = (Path(__file__).resolve().parent.parent / "docs" / "questionnaires.md").read_text()

    for code, instrument in INSTRUMENTS.items():
        assert f"| `{code}` |" in page, code
        assert instrument.source.split()[0] in page, code  # the first author
    assert "**LEFS**" in page and "not bundled" in page and "HOOS-12 summary score" in page
