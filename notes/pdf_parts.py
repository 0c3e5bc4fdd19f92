"""A long document's PDF laid out in parts at the same time, each part in a process of its own, then joined.

WeasyPrint lays out one page after another, on one core. No change to the client record's layout brought a record
of a hundred sessions under three times the time of a record of one (bench/pdf_length.py): with every session cut
down to bare lines of text, a session would still cost 0.063 G instructions where three times allows 0.060 G. So a
long record is cut where its template marks that a part may begin (`PART_BREAK`, before each session and before the
outcomes) into parts of about the same cost, each a whole HTML document that starts a page. The first part is laid
out in the calling process, each other one at the same time by a helper process, and their PDFs are joined with
pypdf.

A helper is `python -c "from notes.pdf_parts import serve; ..."`: a fresh interpreter that imports WeasyPrint and
this module only (not the app, nor the caller's main script as multiprocessing's start methods would, and it is no
fork of an app server running threads), then lays out one part after another for as long as its caller lives.
Helpers are kept between exports: starting one (importing WeasyPrint, over half a second) would take most of what
laying a part out elsewhere saves.

Page numbers run on across the parts ("Page 12 of 45"). WeasyPrint lays out a document's margin boxes (the page
header and footer) once all its pages are made: there each part says how many pages it has and waits to hear where
they fall among all, and its footers count from there. The waiting is a hook on `weasyprint.layout.
make_margin_boxes`, a private function: WeasyPrint is pinned in requirements.txt and tests/test_pdf_parts.py reads
every page number back. The hook changes nothing outside a part.

Knows nothing of Django: the document comes as HTML text.
"""

import logging
import os
import subprocess  # nosec B404 - helper processes of this interpreter, no shell
import sys
import threading
from io import BytesIO
from itertools import accumulate
from multiprocessing.connection import Connection
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from weasyprint import HTML
from weasyprint import layout as weasyprint_layout

logger = logging.getLogger(__name__)

PART_BREAK = "<!-- a part may begin here -->"
PART_TIMEOUT = 600  # seconds to wait for a helper's answer before giving the export up
ROOT = Path(__file__).resolve().parent.parent


class PartFailed(RuntimeError):
    """A part could not be laid out by its helper."""


# -- Page numbers across the parts -------------------------------------------------------------------------------

_laying_out = threading.local()  # `.numbers` while this thread lays out a part: its pages -> (offset, total)
_make_margin_boxes = weasyprint_layout.make_margin_boxes


def _margin_boxes_numbered_across_parts(context, page, state):
    numbers = getattr(_laying_out, "numbers", None)
    if numbers is not None:
        quote_depth, counters, scopes, groups = state
        offset, total = numbers(counters["pages"][-1])
        counters = {**counters, "page": [value + offset for value in counters["page"]], "pages": [total]}
        state = (quote_depth, counters, scopes, groups)
    return _make_margin_boxes(context, page, state)


weasyprint_layout.make_margin_boxes = _margin_boxes_numbered_across_parts


def _part_pdf(html: str, base_url: str, numbers) -> bytes:
    """The part's PDF, its pages numbered by `numbers` (its page count -> where they start, how many in all),
    asked once, when its pages are made."""
    asked = []

    def once(pages: int) -> tuple[int, int]:
        if not asked:
            asked.append(numbers(pages))
        return asked[0]

    _laying_out.numbers = once
    try:
        pdf = HTML(string=html, base_url=base_url).write_pdf()
    finally:
        _laying_out.numbers = None
    if not asked:
        raise PartFailed("WeasyPrint laid out no margin boxes through the hook: the pages could not be numbered.")
    return pdf


# -- The parts ---------------------------------------------------------------------------------------------------


def split(html: str, count: int, *, weights: list[float]) -> list[str]:
    """The document cut at its part breaks into at most `count` parts, in order, each a whole document (the head,
    up to the opening <body> tag, repeated), the pieces between the breaks shared out by their `weights` (what each
    costs to lay out, roughly)."""
    body_starts = html.index(">", html.index("<body")) + 1
    body_ends = html.rindex("</body>")
    head, pieces, foot = html[:body_starts], html[body_starts:body_ends].split(PART_BREAK), html[body_ends:]
    if len(weights) != len(pieces):
        raise ValueError(f"{len(weights)} weights for {len(pieces)} pieces between the part breaks")
    ends = list(accumulate(weights))
    parts, start = [], 0
    for n in range(1, count + 1):
        # Up to the piece that reaches this part's share of the whole (at least one piece a part).
        end = next((i + 1 for i in range(start, len(pieces)) if ends[i] >= ends[-1] * n / count), len(pieces))
        if end > start:
            parts.append(head + "".join(pieces[start:end]) + foot)
        start = end
    return parts


def write_pdf(html: str, *, base_url: str, processes: int = 1, weights: list[float] | None = None) -> bytes:
    """The document's PDF. With `processes` over 1: cut at its part breaks into that many parts (`weights`: see
    `split`), the first laid out in this process and each other one at the same time by a helper, their pages
    numbered as one document; in this process alone when no helper can be started."""
    parts = split(html, processes, weights=weights) if processes > 1 else [html]
    if len(parts) == 1:
        return HTML(string=html, base_url=base_url).write_pdf()
    try:
        helpers = _Helper.take(len(parts) - 1)
    except OSError:
        logger.exception("No helper process could be started: the PDF is laid out in this process alone.")
        return HTML(string=html, base_url=base_url).write_pdf()
    try:
        for helper, part in zip(helpers, parts[1:], strict=True):
            helper.send(("part", part, base_url))

        def numbers(pages: int) -> tuple[int, int]:
            counts = [pages, *(helper.receive("pages") for helper in helpers)]
            total = sum(counts)
            for helper, offset in zip(helpers, accumulate(counts[:-1]), strict=True):
                helper.send((offset, total))
            return 0, total

        pdfs = [_part_pdf(parts[0], base_url, numbers), *(helper.receive("pdf") for helper in helpers)]
    except BaseException:
        for helper in helpers:  # one may still be waiting for its numbers, or laying its part out
            helper.stop()
        raise
    _Helper.give_back(helpers)
    return _joined(pdfs)


def _joined(pdfs: list[bytes]) -> bytes:
    """The parts' PDFs as one, with the first one's document information (title, producer)."""
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(BytesIO(pdf)))
    writer.add_metadata(PdfReader(BytesIO(pdfs[0])).metadata or {})
    joined = BytesIO()
    writer.write(joined)
    return joined.getvalue()


# -- The helpers -------------------------------------------------------------------------------------------------


class _Helper:
    """A helper process and the two pipes to it; the idle ones are kept for the next export."""

    _idle: list["_Helper"] = []
    _idle_lock = threading.Lock()

    def __init__(self):
        self.owner = os.getpid()  # a process forked from this one must start helpers of its own
        to_helper_r, self._to_helper_w = os.pipe()
        self._from_helper_r, from_helper_w = os.pipe()
        command = f"from notes.pdf_parts import serve; serve({to_helper_r}, {from_helper_w})"
        self.process = subprocess.Popen(  # noqa: S603  # nosec B603 - this interpreter, this module: no outside input
            [sys.executable, "-c", command], cwd=ROOT, pass_fds=(to_helper_r, from_helper_w), stdin=subprocess.DEVNULL
        )
        os.close(to_helper_r)
        os.close(from_helper_w)
        self._requests = Connection(self._to_helper_w, readable=False)
        self._answers = Connection(self._from_helper_r, writable=False)

    @classmethod
    def take(cls, count: int) -> list["_Helper"]:
        with cls._idle_lock:
            alive = [helper for helper in cls._idle if helper.owner == os.getpid() and helper.process.poll() is None]
            taken, cls._idle[:] = alive[:count], alive[count:]
        return taken + [cls() for _ in range(count - len(taken))]

    @classmethod
    def give_back(cls, helpers: list["_Helper"]) -> None:
        with cls._idle_lock:
            cls._idle.extend(helpers)

    def send(self, message) -> None:
        try:
            self._requests.send(message)
        except OSError:
            raise PartFailed("A helper laying out a part of the PDF has ended.") from None

    def receive(self, kind: str):
        if not self._answers.poll(PART_TIMEOUT):
            raise PartFailed(f"A helper laying out a part of the PDF did not answer in {PART_TIMEOUT} s.")
        try:
            got, value = self._answers.recv()
        except EOFError:
            raise PartFailed("A helper laying out a part of the PDF ended without an answer.") from None
        if got != kind:
            raise PartFailed(value if got == "error" else f"A helper sent {got!r}, not {kind!r}.")
        return value

    def stop(self) -> None:
        self._requests.close()
        self._answers.close()
        self.process.kill()
        self.process.wait()


def serve(requests_fd: int, answers_fd: int) -> None:
    """A helper's life: lay out each part it is sent, until its caller closes the pipe (or ends)."""
    requests, answers = Connection(requests_fd, writable=False), Connection(answers_fd, readable=False)

    def numbers(pages: int) -> tuple[int, int]:
        answers.send(("pages", pages))
        return requests.recv()

    while True:
        try:
            _kind, html, base_url = requests.recv()
        except EOFError:
            return
        try:
            answer = ("pdf", _part_pdf(html, base_url, numbers))
        except EOFError:
            return
        except Exception as error:  # noqa: BLE001 - sent to the caller, which raises it
            answer = ("error", f"{type(error).__name__}: {error}")
        answers.send(answer)
