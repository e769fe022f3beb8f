"""Downloads of a plan (contract in Word and PDF, the plan's workbook, the Territoires en Transitions file)
and the COPIL report (page, Word, PDF). Whoever reads the contract may download them; each document holds
only the fiches the user may see (confidential ones for the contract's parties only).

A HEAD request is answered after the same access check with the same headers and no body, without building
the document (link checkers and the rights walks of the tests ask who may download, not the content).
"""

import io
from functools import partial

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_safe

from santelocale.plans import documents
from santelocale.plans.views_common import get_contract, plan_context


def _attachment(request, build, content_type: str, filename: str) -> HttpResponse:
    """The download built by ``build()`` — not built at all for a HEAD request."""
    response = HttpResponse(b"" if request.method == "HEAD" else build(), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # The content depends on who asks (confidential fiches): no shared cache may keep it.
    patch_cache_control(response, private=True, no_store=True)
    return response


def _name(prefix: str, contract, extension: str, *, dated: bool = False) -> str:
    suffix = f"-{timezone.localdate().isoformat()}" if dated else ""
    return f"{prefix}-{documents.filename_slug(contract)}{suffix}.{extension}"


@require_safe
def export_tet(request, public_id):
    from santelocale.plans.tet import export_plan

    contract = get_contract(request, public_id)

    def build():
        content = export_plan(contract, request.user)
        if hasattr(content, "save"):  # an openpyxl workbook
            out = io.BytesIO()
            content.save(out)
            content = out.getvalue()
        return content

    return _attachment(
        request, build, documents.XLSX_TYPE, _name("territoires-en-transitions", contract, "xlsx")
    )


@require_safe
def export_workbook(request, public_id):
    contract = get_contract(request, public_id)
    build = partial(documents.plan_workbook, contract, request.user)
    return _attachment(request, build, documents.XLSX_TYPE, _name("plan", contract, "xlsx"))


@require_safe
def export_docx(request, public_id):
    contract = get_contract(request, public_id)
    build = partial(documents.contract_docx, contract, request.user)
    return _attachment(request, build, documents.DOCX_TYPE, _name("contrat", contract, "docx"))


@require_safe
def export_pdf(request, public_id):
    contract = get_contract(request, public_id)
    build = partial(documents.contract_pdf, contract, request.user)
    return _attachment(request, build, documents.PDF_TYPE, _name("contrat", contract, "pdf"))


@require_GET
def copil_report(request, public_id):
    contract = get_contract(request, public_id)
    context = plan_context(request, contract, "copil")
    context.update(page_heading="Rapport COPIL", data=documents.copil_data(contract, request.user))
    return render(request, "plans/copil.html", context)


@require_safe
def copil_docx(request, public_id):
    contract = get_contract(request, public_id)
    build = partial(documents.copil_docx, contract, request.user)
    return _attachment(
        request, build, documents.DOCX_TYPE, _name("rapport-copil", contract, "docx", dated=True)
    )


@require_safe
def copil_pdf(request, public_id):
    contract = get_contract(request, public_id)
    build = partial(documents.copil_pdf, contract, request.user)
    return _attachment(
        request, build, documents.PDF_TYPE, _name("rapport-copil", contract, "pdf", dated=True)
    )
