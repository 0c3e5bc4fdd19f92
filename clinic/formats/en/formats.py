"""What Django writes of a date or a moment by itself (the admin's lists and read-only fields, a value a template
shows without a filter): the clinic's day and minute of clinic/local_time.py ("2026-12-03", "2026-12-03 14:05"),
not "Dec. 3, 2026, 2:05 p.m.". For English and its variants (LANGUAGE_CODE "en-ca"); tests/test_local_time.py
holds the two to the same text."""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
# A typed day is read only as the app writes it: "03/04/2026" is refused, not taken as 4 March or 3 April.
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
