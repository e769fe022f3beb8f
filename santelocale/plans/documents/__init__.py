"""Documents of an action plan: the contract (« la convention ») in Word and PDF, the Excel workbook of the
plan, and the COPIL progress report (HTML page, Word and PDF). Builders only, no HTTP.

- ``model``: the document model (what the contract document says, for one user) and its builders;
- ``word``: the Word layout (on the model-free ``santelocale.utils.word.WordWriter``);
- ``pdf``: the print HTML and its PDF (WeasyPrint);
- ``workbook``: the plan as an Excel workbook;
- ``copil``: the COPIL report's figures and their HTML, Word and PDF.
"""

from santelocale.plans.documents.copil import CopilData, copil_data, copil_docx, copil_html, copil_pdf
from santelocale.plans.documents.model import (
    ContractDoc,
    FicheDoc,
    Field,
    SectionDoc,
    Table,
    contract_document,
    filename_slug,
    funding_amount,
    kind_label,
    progress_text,
)
from santelocale.plans.documents.pdf import PDF_TYPE, contract_html, contract_pdf, pdf_bytes, render_pdf
from santelocale.plans.documents.word import DOCX_TYPE, contract_docx, contract_word
from santelocale.plans.documents.workbook import XLSX_TYPE, plan_workbook
from santelocale.utils.text import clean

__all__ = [
    "DOCX_TYPE",
    "PDF_TYPE",
    "XLSX_TYPE",
    "ContractDoc",
    "CopilData",
    "FicheDoc",
    "Field",
    "SectionDoc",
    "Table",
    "funding_amount",
    "clean",
    "contract_docx",
    "contract_document",
    "contract_html",
    "contract_pdf",
    "contract_word",
    "copil_data",
    "copil_docx",
    "copil_html",
    "copil_pdf",
    "filename_slug",
    "kind_label",
    "pdf_bytes",
    "progress_text",
    "plan_workbook",
    "render_pdf",
]
