"""A stretch's feedback entries as a log of aligned lines, for the PDF export.

WeasyPrint lays out a table cell by cell and sizes its columns from every cell's content: the feedback tables were
most of the time a long record's PDF took (bench/pdf_length.py). One line of text per entry, in a monospaced font
with its columns padded to the widest value, reads as the same table and lays out several times faster; a note too
long for the line goes on the next one.
"""

from dataclasses import dataclass

GAP = "  "


@dataclass(frozen=True)
class LogLine:
    text: str
    stop: bool = False


@dataclass(frozen=True)
class FeedbackLog:
    header: str
    lines: list[LogLine]


def aligned(header: list[str], rows: list[tuple[list[str], bool]], *, width: int) -> FeedbackLog:
    """The header and each row (its cells, and whether it is a stop) as lines whose columns line up; the last
    column (free text, a note) is not padded, and goes under its row (after a line break, under the second column)
    when the line would be longer than `width` characters. The whitespace within a cell is squeezed to single
    spaces."""
    cells = [[" ".join(cell.split()) for cell in row] for row, _stop in rows]
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(len(header) - 1)]

    def line(row: list[str]) -> str:
        columns = GAP.join(cell.ljust(size) for cell, size in zip(row, widths, strict=False))
        if len(columns) + len(GAP) + len(row[-1]) > width and row[-1]:
            return f"{columns.rstrip()}\n{' ' * (widths[0] + len(GAP))}{row[-1]}"
        return f"{columns}{GAP}{row[-1]}".rstrip()

    return FeedbackLog(
        header=line(header), lines=[LogLine(line(row), stop) for row, (_cells, stop) in zip(cells, rows, strict=True)]
    )
