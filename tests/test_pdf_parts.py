"""A long document's PDF laid out in parts at the same time (notes/pdf_parts.py): the parts' pages come back in
order, numbered as one document, with the header of the whole on every page."""

import io
import re

import pytest
from pypdf import PdfReader

from notes import exports, pdf_parts
from tests import history_helpers as h

STYLE = """<style>@page { size: A6; margin: 15mm 10mm;
  @top-center { content: string(title); }
  @bottom-center { content: "Page " counter(page) " of " counter(pages); } }
  body { font: 10pt sans-serif; string-set: title attr(data-title); }</style>"""


def document(paragraphs: int) -> str:
    pieces = [f"<p>Paragraph {n} of the record.</p>" for n in range(paragraphs)]
    body = pdf_parts.PART_BREAK.join(pieces)
    return f'<!doctype html><html><head>{STYLE}</head><body data-title="Maya Chen">{body}</body></html>'


def pages_of(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_document_in_three_parts_is_numbered_as_one_with_every_paragraph_in_order():
    pages = pages_of(pdf_parts.write_pdf(document(60), base_url="http://localhost/", processes=3, weights=[1] * 60))

    assert [re.search(r"Page (\d+) of (\d+)", page).groups() for page in pages] == [
        (str(n), str(len(pages))) for n in range(1, len(pages) + 1)
    ]
    assert all("Maya Chen" in page for page in pages)
    found = [int(n) for page in pages for n in re.findall(r"Paragraph (\d+) of the record", page)]
    assert found == list(range(60))


def test_the_pieces_are_shared_out_by_weight_in_order():
    html = document(6)

    parts = pdf_parts.split(html, 2, weights=[4, 1, 1, 1, 1, 2])

    assert [re.findall(r"Paragraph (\d+)", part) for part in parts] == [["0", "1"], ["2", "3", "4", "5"]]
    assert all(part.startswith("<!doctype html><html><head><style>") for part in parts)
    assert all(part.endswith("</body></html>") for part in parts)


def test_more_parts_than_pieces_gives_a_part_a_piece():
    parts = pdf_parts.split(document(2), 4, weights=[1, 1])

    assert [re.findall(r"Paragraph (\d+)", part) for part in parts] == [["0"], ["1"]]


def test_weights_must_match_the_pieces():
    with pytest.raises(ValueError, match="3 weights for 2 pieces"):
        pdf_parts.split(document(2), 2, weights=[1, 1, 1])


def test_a_part_that_cannot_be_laid_out_fails_the_export_instead_of_waiting(monkeypatch):
    # The second part reaches its helper as a document WeasyPrint refuses.
    first, _second = pdf_parts.split(document(40), 2, weights=[1] * 40)
    monkeypatch.setattr(pdf_parts, "split", lambda html, count, weights: [first, None])

    with pytest.raises(pdf_parts.PartFailed, match="TypeError"):
        pdf_parts.write_pdf(document(40), base_url="http://localhost/", processes=2, weights=[1] * 40)


def test_without_helpers_the_document_is_laid_out_in_this_process(monkeypatch):
    def refused(count):
        raise OSError("no processes here")

    monkeypatch.setattr(pdf_parts._Helper, "take", refused)

    pages = pages_of(pdf_parts.write_pdf(document(60), base_url="http://localhost/", processes=3, weights=[1] * 60))

    assert [re.search(r"Page (\d+) of (\d+)", page).groups() for page in pages] == [
        (str(n), str(len(pages))) for n in range(1, len(pages) + 1)
    ]
    assert [int(n) for page in pages for n in re.findall(r"Paragraph (\d+) of", page)] == list(range(60))


@pytest.mark.django_db
def test_a_long_record_in_parts_holds_what_one_process_lays_out_numbered_as_one(
    settings, care_client, therapist, front_desk
):
    h.complete_chart(care_client, therapist=therapist, desk=front_desk)
    intakes = list(care_client.intakes.all())
    h.bulk_signed_sessions(care_client, therapist=therapist, intakes=intakes, count=exports.PARTS_FROM_SESSIONS)
    settings.EXPORT_PDF_PROCESSES = 1
    whole = pages_of(exports.client_record_pdf(care_client, base_url="http://localhost/"))
    settings.EXPORT_PDF_PROCESSES = 2

    pages = pages_of(exports.client_record_pdf(care_client, base_url="http://localhost/"))

    assert [re.search(r"Page (\d+) of (\d+)", page).groups() for page in pages] == [
        (str(n), str(len(pages))) for n in range(1, len(pages) + 1)
    ]
    assert body_text(pages) == body_text(whole)
    assert body_text(pages).count("Session of ") == exports.PARTS_FROM_SESSIONS + 1


def body_text(pages: list[str]) -> str:
    """The pages' text without their header and footer, nor the moment of the export."""
    margins = r"Clinic records \S.*? Exported [\d-]+ [\d:]+ Page \d+ of \d+ Confidential health record"
    text = " ".join(re.sub(margins, "", page).strip() for page in pages)
    return re.sub(r"this export was made at \S+", "", text)
