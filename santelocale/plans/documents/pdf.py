"""The plan's documents as PDF: WeasyPrint renders the print templates (``plans/print/*.html``) with
``static/plans/print.css`` inlined; it fetches nothing (only ``data:`` URIs are allowed) and uses the
system's fonts (DejaVu, Liberation).
"""

import datetime
from pathlib import Path

from django.template.loader import render_to_string

from santelocale.plans.documents.model import contract_document

PDF_TYPE = "application/pdf"
#: Tagged PDF (structure for screen readers). It costs about as much as writing the untagged file again
#: (200 fiches: ~8 s more on a 2-core machine), a price worth paying for an accessible public document.
PDF_TAGS = True
PRINT_CSS = Path(__file__).resolve().parents[2] / "static" / "plans" / "print.css"


def print_css() -> str:
    return PRINT_CSS.read_text(encoding="utf-8")


def render_pdf(html: str):
    """The WeasyPrint document of ``html`` (``len(result.pages)`` is its page count): nothing is fetched,
    neither from the network nor from the disk (only ``data:`` URIs)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=False)
    return HTML(string=html, url_fetcher=fetcher).render()


def pdf_bytes(html: str) -> bytes:
    return render_pdf(html).write_pdf(pdf_tags=PDF_TAGS)


def contract_html(contract, user, today: datetime.date | None = None) -> str:
    """The print HTML of the contract document (what the PDF shows)."""
    doc = contract_document(contract, user, today)
    return render_to_string("plans/print/contract.html", {"doc": doc, "css": print_css()})


def contract_pdf(contract, user, today: datetime.date | None = None) -> bytes:
    return pdf_bytes(contract_html(contract, user, today))
