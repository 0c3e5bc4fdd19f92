"""The long-course demo's hands-on work at each visit: the stretches of abdominal work with every feedback entry
(a stop at one visit, a pulse felt at another) and the areas treated (notes/demo_long_course.py)."""

from dataclasses import dataclass

from notes.models import AbdominalSegment

STOP_VISIT, NAUSEA_VISIT, PULSE_VISIT = 2, 3, 4  # indexes into the demo's VISITS


@dataclass
class Stretch:
    approach: str
    landmark: str
    # Each (side, technique, pressure, pain, response, breath phase, hold seconds, note).
    entries: list[tuple]
    position: str = AbdominalSegment.Position.SUPINE_KNEES_BENT
    pulse_after: int | None = None  # "pulse felt, hands moved" after this entry


def stretches(visit: int, groin: int) -> list[Stretch]:
    """The abdominal work of a visit, its pain following the groin's before treatment."""
    if visit == STOP_VISIT:
        return [
            Stretch(
                "psoas_abdominal_wall",
                "lateral_rectus",
                [
                    ("right", "breathing_release", 2, groin, "tender", "exhale", 45, ""),
                    ("right", "sustained_pressure", 3, 6, "referred", "exhale", 30, "Ache into the right groin"),
                    ("right", "sustained_pressure", 3, 6, "stop", "hold", None, "Asked to stop: the groin ache again"),
                ],
            ),
            # Re-confirmed a few minutes later for lighter work along the iliac fossa.
            Stretch(
                "iliacus_iliac_fossa",
                "asis_iliac_fossa",
                [
                    ("left", "breathing_release", 1, 2, "comfortable", "exhale", 60, "Lighter, as agreed"),
                    ("right", "breathing_release", 1, 3, "comfortable", "exhale", 60, ""),
                ],
                position=AbdominalSegment.Position.SIDE_LYING,
            ),
        ]
    if visit == PULSE_VISIT:
        return [
            Stretch(
                "psoas_abdominal_wall",
                "umbilicus_level",
                [
                    ("right", "sustained_pressure", 2, groin, "tender", "exhale", 45, ""),
                    ("right", "sustained_pressure", 2, groin - 1, "comfortable", "exhale", 60, "Lateral to the pulse"),
                    ("left", "breathing_release", 2, 1, "comfortable", "exhale", 45, ""),
                ],
                pulse_after=0,
            )
        ]
    psoas = visit % 2 == 1
    late = visit >= 7
    return [
        Stretch(
            "psoas_abdominal_wall" if psoas else "iliacus_iliac_fossa",
            "lateral_rectus" if psoas else "asis_iliac_fossa",
            [
                ("right", "breathing_release", 2, min(groin + 1, 10), "tender", "exhale", 45, ""),
                ("right", "sustained_pressure", 3, groin, "comfortable" if groin < 3 else "tender", "exhale", 60, ""),
                ("left", "sustained_pressure", 2, max(groin - 2, 0), "comfortable", "exhale", 45, ""),
            ]
            + (
                [("right", "pin_and_stretch", 3, groin, "comfortable", "inhale", None, "Active hip extension x 5")]
                if late
                else []
            ),
        )
    ]


def areas(visit: int) -> list[dict]:
    both_sides = visit == STOP_VISIT
    return [
        {"area": "low_back", "side": "both", "techniques": ["swedish", "myofascial"]},
        {"area": "gluteals", "side": "right", "techniques": ["trigger_point", "petrissage"]},
        {"area": "abdomen", "side": "both" if both_sides else "right", "techniques": ["iliopsoas_release"]},
        {"area": "hip", "side": "right", "techniques": ["muscle_energy", "stretching"]},
        {"area": "shoulder", "side": "left", "techniques": ["trigger_point"], "note": "Infraspinatus"},
    ]
