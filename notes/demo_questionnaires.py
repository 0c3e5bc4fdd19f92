"""The long-course client's questionnaires (notes/demo_long_course.py): RMDQ, PSFS and STarT Back for her low back
at the intake, halfway and near the end, and HOOS-12 for her right hip at the intake and near the end, so the
history page shows each trend beside pain."""

from intake.services import record_questionnaire

# Days ago (the course's own days), and what she answered.
PSFS_ACTIVITIES = ("Sitting at the ledger for an hour", "Weeding the garden", "Climbing the stairs to bed")
COURSE = [
    # (days ago, RMDQ statements ticked, PSFS ratings, STarT Back items agreed, bothersomeness 0-4)
    (98, (2, 3, 6, 9, 10, 11, 12, 13, 16, 18, 21, 23), (3, 2, 4), (3, 4, 6), 3),
    (49, (2, 3, 11, 13, 16, 18, 21, 23, 12), (6, 5, 7), (4,), 2),
    (7, (2, 11, 21, 13), (8, 7, 9), (), 1),
]
HOOS12 = [  # (days ago, items 1-12: 0 none ... 4 extreme)
    (98, (2, 2, 2, 1, 1, 1, 2, 1, 3, 2, 2, 2)),
    (7, (1, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 1)),
]


def answer_questionnaires(client, *, desk, therapist, at) -> int:
    """Record her questionnaires on their days (`at(days_ago, hour, minute)`); return how many."""
    count = 0
    for days_ago, ticked, ratings, agreed, bother in COURSE:
        by = desk if days_ago == COURSE[0][0] else therapist
        when = at(days_ago, 10, 30)
        record_questionnaire(
            client=client, by=by, instrument="rmdq", answers={str(n): n in ticked for n in range(1, 25)}, taken_at=when
        )
        activities = [{"name": name, "rating": rating} for name, rating in zip(PSFS_ACTIVITIES, ratings, strict=True)]
        record_questionnaire(client=client, by=by, instrument="psfs", answers={"activities": activities}, taken_at=when)
        startback = {str(n): int(n in agreed) for n in range(1, 9)} | {"9": bother}
        record_questionnaire(client=client, by=by, instrument="startback", answers=startback, taken_at=when)
        count += 3
    for days_ago, items in HOOS12:
        answers = {str(n): value for n, value in enumerate(items, start=1)}
        record_questionnaire(
            client=client, by=therapist, instrument="hoos12", answers=answers, taken_at=at(days_ago, 10, 40)
        )
        count += 1
    return count
