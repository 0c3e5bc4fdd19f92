"""Charts drawn as inline SVG on the server: no chart library, no JavaScript; they print and go into the PDF.
Pure functions returning SVG text (escaped here); the template tags mark it safe.

Every point carries data-* attributes (series, value, time) so tests and assistive tools can read the data, and
each chart has a <title> and <desc> with a text alternative.
"""

from dataclasses import dataclass
from datetime import datetime
from html import escape

from clinic import local_time

PALETTE = ("#0d6efd", "#d63384", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#dc3545", "#6c757d")


@dataclass(frozen=True)
class Point:
    at: datetime
    value: int
    kind: str  # "intake", "before" or "after"


@dataclass(frozen=True)
class Series:
    label: str
    points: tuple[Point, ...]


def _attr(value) -> str:
    return escape(str(value), quote=True)


def pain_trend_svg(series: list[Series], *, width: int = 720, height: int = 300, title: str = "Pain over time") -> str:
    """Pain (0-10) over time, one coloured line per complaint; hollow points before a session, filled after.

    `height` holds the plot, its dates and one row of legend; each further row of legend (many complaints, long
    names) makes the chart taller, never the plot smaller nor the legend over it."""
    points = [p for s in series for p in s.points]
    day_of, iso_of = local_time.day_labeller(), local_time.iso_labeller()
    desc = _trend_description(series)
    if not points:
        return (
            f'<svg class="chart pain-trend empty" role="img" viewBox="0 0 {width} 80" width="100%" '
            f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="trend-title trend-desc">'
            f'<title id="trend-title">{_attr(title)}</title><desc id="trend-desc">{_attr(desc)}</desc>'
            f'<text x="{width / 2}" y="45" text-anchor="middle" class="chart-empty">No pain ratings yet.</text></svg>'
        )
    left, right, top, bottom = 48, 16, 16, 72
    plot_w, plot_h = width - left - right, height - top - bottom
    start = min(p.at for p in points).timestamp()
    end = max(p.at for p in points).timestamp()
    span = end - start

    def x_of(at: datetime) -> float:
        return left + (plot_w / 2 if span == 0 else (at.timestamp() - start) / span * plot_w)

    def y_of(value: int) -> float:
        return top + plot_h - value / 10 * plot_h

    # The legend is below the plot and its dates, never over the lines: the chart grows for each row it needs.
    legend, legend_bottom = _legend(series, left=left, right=width - right, top=top + plot_h + LEGEND_GAP)
    full_height = max(height, round(legend_bottom + LEGEND_PADDING))
    parts = [
        f'<svg class="chart pain-trend" role="img" viewBox="0 0 {width} {full_height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="trend-title trend-desc">',
        f'<title id="trend-title">{_attr(title)}</title><desc id="trend-desc">{_attr(desc)}</desc>',
    ]
    for value in range(0, 11, 2):
        y = y_of(value)
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis-label" x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{value}</text>')
    parts.append(
        f'<text class="axis-title" x="14" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">Pain (0-10)</text>'
    )
    first_at, last_at = min(p.at for p in points), max(p.at for p in points)
    shown: list[tuple[float, str]] = []
    for at in sorted({first_at, last_at} | _middle_ticks(points), key=lambda t: (t not in (first_at, last_at), t)):
        label = day_of(at)
        # One label per date, and none crowding another.
        if any(text == label or abs(x - x_of(at)) < 90 for x, text in shown):
            continue
        shown.append((x_of(at), label))
        anchor = "start" if at == first_at and span else "end" if at == last_at and span else "middle"
        parts.append(
            f'<text class="axis-label" x="{x_of(at):.1f}" y="{top + plot_h + 16}" text-anchor="{anchor}">{label}</text>'
        )
    parts.append(
        f'<line class="axis" x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}"/>'
        f'<line class="axis" x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}"/>'
    )
    for index, one in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        label = _attr(one.label)
        ordered = sorted(one.points, key=lambda p: p.at)
        # Each point's place, worked out once for its line and its circle.
        placed = [(p, f"{x_of(p.at):.1f}", f"{y_of(p.value):.1f}") for p in ordered]
        if len(placed) > 1:
            path = " ".join(f"{x},{y}" for _p, x, y in placed)
            parts.append(f'<polyline class="series-line" fill="none" stroke="{colour}" points="{path}"/>')
        for p, x, y in placed:
            fill = "#fff" if p.kind == "before" else colour
            parts.append(
                f'<circle class="point point-{p.kind}" cx="{x}" cy="{y}" r="4.5" '
                f'fill="{fill}" stroke="{colour}" stroke-width="2" data-series="{label}" '
                f'data-value="{p.value}" data-kind="{p.kind}" data-at="{iso_of(p.at)}">'
                f"<title>{label}: {p.value}/10 ({p.kind}, {day_of(p.at)})</title></circle>"
            )
    parts.extend(legend)
    parts.append("</svg>")
    return "".join(parts)


# The legend, laid out in rows below the dates of the x axis. Widths are estimated from the number of characters
# (SVG text does not wrap by itself): 7 units a character is wide enough for the 11px (page) and 9px (PDF) fonts.
LEGEND_GAP = 30  # from the plot's bottom edge to the first legend row, under the dates
LEGEND_ROW = 18
LEGEND_PADDING = 6
LEGEND_CHAR_WIDTH = 7
LEGEND_SWATCH = 12
LEGEND_MAX_CHARS = 40  # a longer label is cut with "…", whole in its <title>, the chart's <desc> and the outcomes
LEGEND_NOTE = "hollow: before session · filled: intake / after session"


def legend_label(label: str) -> str:
    return label if len(label) <= LEGEND_MAX_CHARS else label[: LEGEND_MAX_CHARS - 1].rstrip() + "…"


def legend_item_width(label: str) -> float:
    return LEGEND_SWATCH + 4 + LEGEND_CHAR_WIDTH * len(legend_label(label))


def _legend(series: list[Series], *, left: float, right: float, top: float) -> tuple[list[str], float]:
    """One swatch and label per series, left to right, a new row when the next would pass `right`; then the note on
    the points' fill in a row of its own. Returns the SVG parts and the bottom of the last row."""
    parts = []
    x, row_top = left, top
    for index, one in enumerate(series):
        width = legend_item_width(one.label)
        if x > left and x + width > right:
            x, row_top = left, row_top + LEGEND_ROW
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<g class="legend-item"><title>{_attr(one.label)}</title>'
            f'<rect x="{x:.1f}" y="{row_top:.1f}" width="{LEGEND_SWATCH}" height="{LEGEND_SWATCH}" fill="{colour}"/>'
            f'<text x="{x + LEGEND_SWATCH + 4:.1f}" y="{row_top + 10:.1f}">{_attr(legend_label(one.label))}</text></g>'
        )
        x += width + 16
    note_top = row_top + LEGEND_ROW
    parts.append(f'<text class="legend-note" x="{left}" y="{note_top + 10:.1f}">{LEGEND_NOTE}</text>')
    return parts, note_top + LEGEND_SWATCH


def _middle_ticks(points: list[Point]) -> set[datetime]:
    moments = sorted({p.at for p in points})
    if len(moments) <= 2:
        return set()
    return {moments[len(moments) // 2]}


def _trend_description(series: list[Series]) -> str:
    if not any(s.points for s in series):
        return "No pain ratings recorded yet."
    day_of = local_time.day_labeller()
    lines = []
    for one in series:
        ordered = sorted(one.points, key=lambda p: p.at)
        if not ordered:
            continue
        readings = ", ".join(f"{day_of(p.at)} {p.kind} {p.value}" for p in ordered)
        lines.append(f"{one.label}: {readings}.")
    return " ".join(lines)


@dataclass(frozen=True)
class Moment:
    minutes: float
    pressure: int
    pain: int


def feedback_sparkline_svg(moments: list[Moment], *, width: int = 320, height: int = 80) -> str:
    """Pressure (1-5) and client pain (0-10) over the minutes of abdominal work, as two small lines."""
    desc = "; ".join(f"minute {m.minutes:.1f}: pressure {m.pressure}, pain {m.pain}" for m in moments)
    head = (
        f'<svg class="chart sparkline" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>Pressure and pain over the abdominal work</title>'
        f"<desc>{_attr(desc or 'No feedback entries.')}</desc>"
    )
    if not moments:
        return head + f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">No entries</text></svg>'
    pad = 6
    longest = max(m.minutes for m in moments) or 1

    def x_of(minutes: float) -> float:
        return pad + minutes / longest * (width - 2 * pad)

    def y_pain(value: int) -> float:
        return height - pad - value / 10 * (height - 2 * pad)

    def y_pressure(value: int) -> float:
        return height - pad - value / 5 * (height - 2 * pad)

    pain_line = " ".join(f"{x_of(m.minutes):.1f},{y_pain(m.pain):.1f}" for m in moments)
    pressure_line = " ".join(f"{x_of(m.minutes):.1f},{y_pressure(m.pressure):.1f}" for m in moments)
    return (
        head
        + f'<polyline class="spark-pressure" fill="none" stroke="#0d6efd" stroke-width="2" points="{pressure_line}"/>'
        + f'<polyline class="spark-pain" fill="none" stroke="#dc3545" stroke-width="2" points="{pain_line}"/>'
        + "</svg>"
    )


def questionnaire_sparkline_svg(trend, *, width: int = 160, height: int = 40) -> str:
    """One questionnaire's scores over time as a small line on its own range (higher up is a higher score)."""
    points = trend.points
    instrument = trend.instrument
    desc = "; ".join(f"{local_time.day(at)}: {value:g}" for at, value in points)
    head = (
        f'<svg class="chart sparkline questionnaire-spark" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{_attr(trend.label)} over time'
        f"</title><desc>{_attr(desc)}</desc>"
    )
    pad = 5
    low, high = instrument.minimum, instrument.maximum
    start, end = points[0][0].timestamp(), points[-1][0].timestamp()
    span = end - start

    def x_of(at: datetime) -> float:
        return width / 2 if span == 0 else pad + (at.timestamp() - start) / span * (width - 2 * pad)

    def y_of(value: float) -> float:
        return height - pad - (value - low) / (high - low) * (height - 2 * pad)

    line = " ".join(f"{x_of(at):.1f},{y_of(value):.1f}" for at, value in points)
    dots = "".join(
        f'<circle cx="{x_of(at):.1f}" cy="{y_of(value):.1f}" r="2.5" fill="#0d6efd" data-value="{value:g}" '
        f'data-time="{_attr(local_time.iso(at))}"/>'
        for at, value in points
    )
    return (
        head
        + f'<line class="grid" x1="{pad}" x2="{width - pad}" y1="{height - pad}" y2="{height - pad}"/>'
        + f'<polyline fill="none" stroke="#0d6efd" stroke-width="2" points="{line}"/>'
        + dots
        + "</svg>"
    )
