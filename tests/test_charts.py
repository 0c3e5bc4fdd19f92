"""The server-drawn SVG charts, read back as XML: the data they carry, the scale, the text alternative, empty states.

Pure: notes.charts knows nothing of Django, so no database here.
"""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from notes.charts import Moment, Point, Series, feedback_sparkline_svg, pain_trend_svg

SVG = "{http://www.w3.org/2000/svg}"
DAY_ONE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# pain_trend_svg's plot area with its default size: top margin 16, bottom margin 72, height 300.
PLOT_TOP, PLOT_BOTTOM = 16, 300 - 72


def at(days, hours=0):
    return DAY_ONE + timedelta(days=days, hours=hours)


LOW_BACK = Series(
    "Low back (middle)",
    (Point(at(0), 8, "intake"), Point(at(7), 6, "before"), Point(at(7, 1), 3, "after"), Point(at(14), 10, "before")),
)
GROIN = Series("Front of hip / groin (left)", (Point(at(0), 5, "intake"), Point(at(7, 1), 0, "after")))


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it is well-formed XML


def circles(root):
    return root.findall(f".//{SVG}circle")


def points_of(polyline) -> list[tuple[float, float]]:
    return [tuple(map(float, pair.split(","))) for pair in polyline.get("points").split()]


def test_every_point_carries_its_value_kind_and_series():
    root = parse(pain_trend_svg([LOW_BACK, GROIN]))

    found = [(c.get("data-series"), c.get("data-kind"), c.get("data-value")) for c in circles(root)]

    assert found == [
        ("Low back (middle)", "intake", "8"),
        ("Low back (middle)", "before", "6"),
        ("Low back (middle)", "after", "3"),
        ("Low back (middle)", "before", "10"),
        ("Front of hip / groin (left)", "intake", "5"),
        ("Front of hip / groin (left)", "after", "0"),
    ]


def test_points_carry_their_time_in_the_clinic_s_zone(settings):
    settings.TIME_ZONE = "America/Toronto"
    root = parse(pain_trend_svg([GROIN]))

    # 09:00 UTC on 2 March is 04:00 in Toronto (EST); a week later, summer time has begun (EDT).
    assert [c.get("data-at") for c in circles(root)] == ["2026-03-02T04:00:00-05:00", "2026-03-09T06:00:00-04:00"]
    assert [datetime.fromisoformat(c.get("data-at")) for c in circles(root)] == [at(0), at(7, 1)]


def test_pain_ten_is_drawn_at_the_top_of_the_plot_and_zero_at_the_bottom():
    root = parse(pain_trend_svg([LOW_BACK, GROIN]))

    cy = {c.get("data-value"): float(c.get("cy")) for c in circles(root)}

    assert cy["10"] == PLOT_TOP
    assert cy["0"] == PLOT_BOTTOM


def test_higher_pain_is_drawn_higher_up():
    root = parse(pain_trend_svg([LOW_BACK, GROIN]))

    by_value = sorted(circles(root), key=lambda c: int(c.get("data-value")))
    heights = [float(c.get("cy")) for c in by_value]

    assert heights == sorted(heights, reverse=True)
    assert len(set(heights)) == len(heights)


def test_the_y_scale_is_linear():
    root = parse(pain_trend_svg([LOW_BACK, GROIN]))

    for circle in circles(root):
        value = int(circle.get("data-value"))
        expected = PLOT_BOTTOM - value / 10 * (PLOT_BOTTOM - PLOT_TOP)
        assert abs(float(circle.get("cy")) - expected) < 0.1


def test_equal_values_in_different_series_have_equal_heights():
    one = Series("Knee (left)", (Point(at(0), 4, "intake"), Point(at(3), 7, "before")))
    two = Series("Buttock (right)", (Point(at(1), 4, "intake"), Point(at(5), 7, "after")))
    root = parse(pain_trend_svg([one, two]))

    heights: dict[str, set[str]] = {}
    for circle in circles(root):
        heights.setdefault(circle.get("data-value"), set()).add(circle.get("cy"))

    assert {value: len(found) for value, found in heights.items()} == {"4": 1, "7": 1}


def test_later_points_are_drawn_further_right():
    shuffled = Series("Low back (middle)", tuple(reversed(LOW_BACK.points)))
    root = parse(pain_trend_svg([shuffled]))

    drawn = [(c.get("data-at"), float(c.get("cx"))) for c in circles(root)]
    xs = [x for _, x in sorted(drawn)]

    assert xs == sorted(xs)
    assert len(set(xs)) == len(xs)


def test_each_series_with_several_points_is_one_line_in_time_order():
    root = parse(pain_trend_svg([LOW_BACK, GROIN]))

    lines = root.findall(f".//{SVG}polyline")
    low_back = points_of(lines[0])

    assert len(lines) == 2
    assert len(low_back) == 4
    assert [x for x, _ in low_back] == sorted(x for x, _ in low_back)


def test_before_points_are_hollow_and_others_filled():
    root = parse(pain_trend_svg([LOW_BACK]))

    fills = {c.get("data-kind"): c.get("fill") for c in circles(root)}

    assert fills["before"] == "#fff"
    assert fills["after"] != "#fff" and fills["intake"] != "#fff"


def test_the_legend_has_one_entry_per_series():
    root = parse(pain_trend_svg([LOW_BACK, GROIN]))

    legend = [g.find(f"{SVG}text").text for g in root.iter(f"{SVG}g") if g.get("class") == "legend-item"]

    assert legend == ["Low back (middle)", "Front of hip / groin (left)"]


def test_series_have_distinct_colours():
    root = parse(pain_trend_svg([LOW_BACK, GROIN]))

    colours = [line.get("stroke") for line in root.findall(f".//{SVG}polyline")]

    assert len(set(colours)) == 2


def test_the_chart_has_a_title_and_a_text_description_of_every_reading():
    root = parse(pain_trend_svg([LOW_BACK, GROIN], title="Pain over time: Maya Chen"))

    title = root.find(f"{SVG}title").text
    desc = root.find(f"{SVG}desc").text

    assert title == "Pain over time: Maya Chen"
    assert root.get("role") == "img"
    assert (
        "Low back (middle): 2026-03-02 intake 8, 2026-03-09 before 6, 2026-03-09 after 3, 2026-03-16 before 10." in desc
    )
    assert "Front of hip / groin (left): 2026-03-02 intake 5, 2026-03-09 after 0." in desc


def test_each_point_has_its_own_tooltip():
    root = parse(pain_trend_svg([GROIN]))

    tips = [c.find(f"{SVG}title").text for c in circles(root)]

    assert tips == [
        "Front of hip / groin (left): 5/10 (intake, 2026-03-02)",
        "Front of hip / groin (left): 0/10 (after, 2026-03-09)",
    ]


def test_no_points_shows_an_empty_state():
    root = parse(pain_trend_svg([]))

    text = " ".join(root.itertext())

    assert "No pain ratings" in text
    assert circles(root) == []
    assert root.findall(f".//{SVG}polyline") == []
    assert "empty" in root.get("class")


def test_series_without_points_also_show_the_empty_state():
    root = parse(pain_trend_svg([Series("Knee (left)", ())]))

    assert "No pain ratings" in root.find(f"{SVG}desc").text
    assert circles(root) == []


def test_a_single_point_renders_without_a_line():
    root = parse(pain_trend_svg([Series("Knee (left)", (Point(at(0), 6, "intake"),))]))

    (circle,) = circles(root)

    assert root.findall(f".//{SVG}polyline") == []
    assert circle.get("data-value") == "6"
    assert PLOT_TOP < float(circle.get("cy")) < PLOT_BOTTOM


def test_a_series_with_one_point_beside_a_longer_one_draws_only_the_longer_line():
    single = Series("Knee (left)", (Point(at(3), 2, "after"),))
    root = parse(pain_trend_svg([LOW_BACK, single]))

    assert len(root.findall(f".//{SVG}polyline")) == 1
    assert len(circles(root)) == 5


def test_labels_and_titles_are_escaped_and_the_svg_still_parses():
    evil = '<script>alert("x")</script> & "quotes"'
    svg = pain_trend_svg([Series(evil, (Point(at(0), 3, "intake"), Point(at(1), 2, "after")))], title=evil)
    root = parse(svg)

    assert "<script>" not in svg
    assert root.findall(f".//{SVG}script") == []
    assert root.find(f"{SVG}title").text == evil
    assert {c.get("data-series") for c in circles(root)} == {evil}
    legend = [g.find(f"{SVG}text").text for g in root.iter(f"{SVG}g") if g.get("class") == "legend-item"]
    assert legend == [evil]


def test_the_empty_chart_escapes_its_title_too():
    svg = pain_trend_svg([], title="<script>x</script>")

    assert "<script>" not in svg
    assert parse(svg).find(f"{SVG}title").text == "<script>x</script>"


def test_the_sparkline_draws_pressure_and_pain_with_a_point_per_moment():
    moments = [Moment(0, 2, 3), Moment(1.5, 3, 4), Moment(3, 2, 2), Moment(4.5, 1, 0)]
    root = parse(feedback_sparkline_svg(moments))

    lines = {line.get("class"): points_of(line) for line in root.findall(f"{SVG}polyline")}

    assert set(lines) == {"spark-pressure", "spark-pain"}
    assert all(len(points) == len(moments) for points in lines.values())
    assert [x for x, _ in lines["spark-pain"]] == sorted(x for x, _ in lines["spark-pain"])


def test_the_sparkline_scales_pain_out_of_ten_and_pressure_out_of_five():
    root = parse(feedback_sparkline_svg([Moment(0, 5, 10), Moment(2, 1, 0)]))

    lines = {line.get("class"): points_of(line) for line in root.findall(f"{SVG}polyline")}

    # Pressure 5 and pain 10 are both the top of the chart.
    assert lines["spark-pressure"][0][1] == lines["spark-pain"][0][1]
    assert lines["spark-pain"][1][1] > lines["spark-pain"][0][1]


def test_the_sparkline_describes_each_moment():
    root = parse(feedback_sparkline_svg([Moment(0, 2, 3), Moment(1.5, 3, 4)]))

    assert root.find(f"{SVG}title").text
    assert root.find(f"{SVG}desc").text == "minute 0.0: pressure 2, pain 3; minute 1.5: pressure 3, pain 4"


def test_a_single_moment_at_minute_zero_still_draws():
    root = parse(feedback_sparkline_svg([Moment(0, 2, 3)]))

    assert [len(points_of(line)) for line in root.findall(f"{SVG}polyline")] == [1, 1]


def test_the_sparkline_without_entries_says_so():
    root = parse(feedback_sparkline_svg([]))

    assert root.findall(f"{SVG}polyline") == []
    assert root.find(f"{SVG}desc").text == "No feedback entries."
    assert "No entries" in " ".join(root.itertext())


# -- The legend, clear of the plot ------------------------------------------------------------------------------

# Conservative sizes of the legend's text (11px on the page, 9px in the PDF), for its boxes' extent.
CHAR_WIDTH, TEXT_HEIGHT = 7, 12
EIGHT_COMPLAINTS = [
    "Low back (middle)",
    "Front of hip / groin (left)",
    "Front of hip / groin (right)",
    "Buttock (right)",
    "Knee (left)",
    "Upper back between the shoulder blades, worse when sitting at a desk all day",
    "Neck (right)",
    "Shoulder (left)",
]


def with_ratings(labels) -> list[Series]:
    return [
        Series(label, (Point(at(0), index % 11, "intake"), Point(at(7), 10 - index % 11, "before")))
        for index, label in enumerate(labels)
    ]


def plot_rect(root) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of the plot, from its two axes."""
    x_axis, y_axis = sorted((line for line in root.iter(f"{SVG}line") if line.get("class") == "axis"), key=is_y_axis)
    return float(x_axis.get("x1")), float(y_axis.get("y1")), float(x_axis.get("x2")), float(x_axis.get("y1"))


def is_y_axis(line) -> bool:
    return line.get("x1") == line.get("x2")


def text_box(text) -> tuple[float, float, float, float]:
    x, baseline = float(text.get("x")), float(text.get("y"))
    width = CHAR_WIDTH * len(text.text)
    if text.get("text-anchor") == "end":
        x -= width
    elif text.get("text-anchor") == "middle":
        x -= width / 2
    return x, baseline - TEXT_HEIGHT + 2, x + width, baseline + 3


def legend_boxes(root) -> list[tuple[float, float, float, float]]:
    boxes = []
    for item in root.iter(f"{SVG}g"):
        if item.get("class") == "legend-item":
            rect, text = item.find(f"{SVG}rect"), item.find(f"{SVG}text")
            x, y = float(rect.get("x")), float(rect.get("y"))
            boxes.append((x, y, x + float(rect.get("width")), y + float(rect.get("height"))))
            boxes.append(text_box(text))
    notes = [t for t in root.iter(f"{SVG}text") if t.get("class") == "legend-note"]
    return boxes + [text_box(note) for note in notes]


def intersect(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("labels", [EIGHT_COMPLAINTS[:1], EIGHT_COMPLAINTS], ids=["one series", "eight series"])
@pytest.mark.parametrize("size", [{}, {"width": 680, "height": 280}], ids=["page", "pdf"])
def test_the_legend_lies_below_the_plot_and_its_dates_never_over_a_line(labels, size):
    root = parse(pain_trend_svg(with_ratings(labels), **size))
    left, top, right, bottom = plot_rect(root)
    # The plot with its points' radius and stroke, and the dates under the x axis.
    drawn = (left - 7, top - 7, right + 7, bottom + 7)
    dates = [
        text_box(t) for t in root.iter(f"{SVG}text") if t.get("class") == "axis-label" and float(t.get("y")) > bottom
    ]
    _, _, view_width, view_height = map(float, root.get("viewBox").split())

    boxes = legend_boxes(root)

    assert len(boxes) == 2 * len(labels) + 1
    for box in boxes:
        assert not intersect(box, drawn), (box, drawn)
        assert not any(intersect(box, date) for date in dates), box
        assert box[1] > bottom and box[3] <= view_height
        assert 0 <= box[0] and box[2] <= view_width
    items = boxes[0::2][: len(labels)]  # each item's swatch...
    labels_drawn = boxes[1::2][: len(labels)]  # ...and its label
    for one, other in ((a, b) for i, a in enumerate(items + labels_drawn) for b in (items + labels_drawn)[i + 1 :]):
        assert not intersect(one, other), (one, other)
    for circle in circles(root):
        assert top <= float(circle.get("cy")) <= bottom


def test_more_series_make_the_chart_taller_not_the_plot_smaller():
    one, eight = (parse(pain_trend_svg(with_ratings(labels))) for labels in (EIGHT_COMPLAINTS[:1], EIGHT_COMPLAINTS))

    assert plot_rect(one) == plot_rect(eight) == (48, PLOT_TOP, 720 - 16, PLOT_BOTTOM)
    assert one.get("viewBox") == "0 0 720 300"
    assert float(eight.get("viewBox").split()[3]) > 300


def test_a_long_label_is_cut_in_the_legend_and_whole_in_its_title():
    root = parse(pain_trend_svg(with_ratings(EIGHT_COMPLAINTS)))

    (item,) = [
        g for g in root.iter(f"{SVG}g") if g.get("class") == "legend-item" and "Upper back" in g.findtext(f"{SVG}text")
    ]

    assert item.findtext(f"{SVG}text") == "Upper back between the shoulder blades,…"
    assert item.findtext(f"{SVG}title") == EIGHT_COMPLAINTS[5]
    assert EIGHT_COMPLAINTS[5] in root.find(f"{SVG}desc").text
