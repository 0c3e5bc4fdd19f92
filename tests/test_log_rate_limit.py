"""Error logging is rate-limited: an outage of 10,000 failing requests writes a bounded, small log."""

import io
import logging
import re

import pytest
from django.conf import settings
from django.db import OperationalError

from clinic.logging import RateLimitFilter


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


def outage_log(filter_=None):
    """A logger writing to memory, like the console handler in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    if filter_ is not None:
        handler.addFilter(filter_)
    logger = logging.getLogger("tests.outage")
    logger.handlers, logger.propagate, logger.level = [handler], False, logging.INFO
    return logger, stream


def fail_many_times(logger, clock, times, seconds_between=0.01):
    for number in range(times):
        clock.now += seconds_between
        try:
            raise OperationalError("connection refused: is the server running on host 127.0.0.1?")
        except OperationalError:
            logger.exception("Database unavailable, incident %s: %s %s", f"{number:010X}", "GET", "/")


def suppressed_counts(text):
    return [int(n) for n in re.findall(r"suppressed (\d+) similar messages", text)]


def test_ten_thousand_identical_errors_produce_a_bounded_log(clock):
    unlimited_logger, unlimited = outage_log()
    fail_many_times(unlimited_logger, clock, 10_000)
    limit = RateLimitFilter(limit=10, window=60, clock=clock)
    logger, limited = outage_log(limit)

    fail_many_times(logger, clock, 10_000)  # 100 seconds of outage: two windows
    limit.flush()

    unlimited_bytes, limited_bytes = len(unlimited.getvalue().encode()), len(limited.getvalue().encode())
    one_record = unlimited_bytes / 10_000
    assert len(re.findall(r"^Database unavailable, incident [0-9A-F]{10}", limited.getvalue(), re.M)) == 20
    assert sum(suppressed_counts(limited.getvalue())) == 10_000 - 20
    assert limited_bytes < 25 * one_record
    assert unlimited_bytes > 400 * limited_bytes


def test_the_summary_comes_when_the_window_is_over(clock):
    limit = RateLimitFilter(limit=3, window=60, clock=clock)
    logger, stream = outage_log(limit)
    fail_many_times(logger, clock, 50, seconds_between=0.1)
    assert suppressed_counts(stream.getvalue()) == []

    clock.now += 60
    logger.error("Something else entirely")

    assert suppressed_counts(stream.getvalue()) == [47]
    assert "Something else entirely" in stream.getvalue()


def test_different_messages_and_exception_types_are_counted_apart(clock):
    limit = RateLimitFilter(limit=2, window=60, clock=clock)
    logger, stream = outage_log(limit)
    for _ in range(5):
        logger.warning("Slow page %s", "/clients/")
        logger.warning("Lock-out for %s", "someone")
        for error in (OperationalError("down"), ValueError("bad")):
            try:
                raise error
            except Exception:
                logger.exception("Request failed")

    text = stream.getvalue()
    assert text.count("Slow page") == 2 and text.count("Lock-out") == 2
    assert text.count("Request failed") == 4
    assert text.count("django.db.utils.OperationalError") == 2 and text.count("ValueError: bad") == 2


def test_the_console_handler_of_the_settings_is_rate_limited():
    config = settings.LOGGING
    assert "rate_limit" in config["handlers"]["console"]["filters"]
    assert config["filters"]["rate_limit"]["()"] == "clinic.logging.RateLimitFilter"
    assert any(isinstance(f, RateLimitFilter) for h in logging.getLogger().handlers for f in h.filters)
