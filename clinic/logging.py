"""Rate-limited logging: an outage must not fill the disk with the same traceback a thousand times a second.

`RateLimitFilter` goes on a handler (see LOGGING in clinic/settings.py). It lets through `limit` records with the
same logger, message template and exception type per `window` seconds, drops the rest, and when the window is
over logs one summary through the same logger: "suppressed N similar messages ...".
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

SUMMARY = "suppressed %d similar messages in %d s (logger %s, exception %s): %s"
# Past this many distinct kinds of message, finished windows are forgotten (after their summary).
MAX_KEYS = 1000


@dataclass
class _Window:
    started: float
    passed: int = 0
    suppressed: int = 0


class RateLimitFilter(logging.Filter):
    def __init__(self, limit: int = 10, window: float = 60, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.limit = limit
        self.window = window
        self.clock = clock
        self._windows: dict[tuple, _Window] = {}
        self._lock = threading.Lock()
        self._last_sweep = clock()

    @staticmethod
    def key(record: logging.LogRecord) -> tuple:
        template = record.msg if isinstance(record.msg, str) else type(record.msg).__name__
        exc_type = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else None
        return (record.name, template, exc_type)

    def filter(self, record: logging.LogRecord) -> bool:
        if self.limit <= 0:
            return True
        now = self.clock()
        key = self.key(record)
        with self._lock:
            finished = self._sweep(now) if now - self._last_sweep >= 1 else []
            window = self._windows.get(key)
            if window is not None and now - window.started >= self.window:
                finished.append((key, window))
                window = None
            if window is None:
                window = self._windows[key] = _Window(started=now)
            if window.passed < self.limit:
                window.passed += 1
                allowed = True
            else:
                window.suppressed += 1
                allowed = False
        # Outside the lock: the summary goes through the loggers and handlers again, and so through this filter.
        for finished_key, finished_window in finished:
            self._summarise(finished_key, finished_window)
        return allowed

    def flush(self) -> None:
        """Log the summaries of every window with suppressed records, finished or not (at shutdown, in tests)."""
        with self._lock:
            pending = [(key, window) for key, window in self._windows.items() if window.suppressed]
            self._windows.clear()
        for key, window in pending:
            self._summarise(key, window)

    def _sweep(self, now: float) -> list[tuple[tuple, _Window]]:
        """Close windows that ran out; forget them (the caller logs their summaries)."""
        self._last_sweep = now
        finished = [(key, w) for key, w in self._windows.items() if now - w.started >= self.window]
        for key, _window in finished:
            del self._windows[key]
        if len(self._windows) > MAX_KEYS:
            self._windows.clear()
        return [(key, w) for key, w in finished if w.suppressed]

    def _summarise(self, key: tuple, window: _Window) -> None:
        if not window.suppressed:
            return
        name, template, exc_type = key
        logging.getLogger(name).warning(
            SUMMARY, window.suppressed, self.window, name, exc_type or "none", str(template)[:200]
        )
