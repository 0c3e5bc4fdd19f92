"""Slow work, measured: warnings about how pressure changed during abdominal work. Pure functions."""

from dataclasses import dataclass
from datetime import datetime, timedelta

FAST_RAISE_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class Reading:
    at: datetime
    pressure: int
    response: str


def pacing_warnings(readings: list[Reading]) -> dict[int, list[str]]:
    """Warnings by index of the reading: pressure raised by more than one level in under a minute,
    or raised while the last response was "too much"."""
    warnings: dict[int, list[str]] = {}
    for index in range(1, len(readings)):
        before, now = readings[index - 1], readings[index]
        if now.pressure <= before.pressure:
            continue
        found = []
        if now.pressure - before.pressure > 1 and now.at - before.at < FAST_RAISE_WINDOW:
            found.append(f"Pressure raised from {before.pressure} to {now.pressure} in under a minute: go slower.")
        if before.response == "too_much":
            found.append(f"Pressure raised to {now.pressure} after the client said “too much”.")
        if found:
            warnings[index] = found
    return warnings
