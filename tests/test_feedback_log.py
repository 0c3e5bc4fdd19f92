"""A stretch's feedback entries as the PDF prints them: a line each, in columns under their header."""

from notes.feedback_log import aligned

HEADER = ["Time", "Side", "Technique", "Pressure (1-5)", "Pain", "Response", "Note"]
ROWS = [
    ["14:05:09", "Right", "Sustained pressure", "2", "3", "Comfortable", ""],
    ["14:06:40", "Both", "Pin-and-stretch with active hip extension", "4", "7", "Stop", "Asked to stop"],
]


def test_every_value_starts_where_its_column_header_does():
    log = aligned(HEADER, [(ROWS[0], False), (ROWS[1], True)], width=200)

    starts = [log.header.index(title) for title in HEADER]
    for line, row in zip(log.lines, ROWS, strict=True):
        assert all(line.text[start:].startswith(value) for start, value in zip(starts, row, strict=True)), line
    assert [line.stop for line in log.lines] == [False, True]


def test_a_note_written_on_several_lines_prints_on_one():
    row = ["14:05:09", "Left", "Other", "1", "0", "Tender", "Ticklish;\n\tlaughed"]

    log = aligned(HEADER, [(row, False)], width=80)

    assert log.lines[0].text.endswith("Tender    Ticklish; laughed")
    assert "\n" not in log.lines[0].text


def test_a_note_too_long_for_the_line_goes_under_its_entry():
    note = "Breathing slowed, eased under the hand"

    log = aligned(HEADER, [(["14:05:09", "Left", "Other", "1", "0", "Tender", note], False)], width=60)

    entry, under = log.lines[0].text.split("\n")
    assert entry == "14:05:09  Left  Other      1               0     Tender"
    assert under == f"          {note}"  # under the second column
