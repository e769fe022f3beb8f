"""Import of an action plan from a Territoires en Transitions workbook: upload, preview, confirm.

The workbook is read once, at upload; what it holds is kept in the database (``PendingImport``: a random
token, the user, the contract, the parsed content, an expiry) until the user confirms or cancels, so that
any app server can show the preview and apply it. Expired entries are purged at each upload.
"""

import datetime
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from santelocale.contracts.enums import ContractKind
from santelocale.plans import tet
from santelocale.plans.models import Action, PendingImport
from santelocale.plans.services import PlanError
from santelocale.plans.views_common import get_contract, plan_context

#: A preview not confirmed after this long is forgotten.
PENDING_LIFETIME = datetime.timedelta(hours=24)


def _pending(request, contract, token: str, *, lock: bool = False) -> PendingImport:
    """The pending import ``token`` of this user for this contract; 404 when unknown, expired or applied."""
    pending = PendingImport.objects.filter(
        token=token, user=request.user, contract=contract, expires_at__gt=timezone.now()
    )
    if lock:
        pending = pending.select_for_update()
    found = pending.first()
    if found is None:
        raise Http404("Import inconnu, expiré ou déjà effectué.")
    return found


def _upload_page(request, contract, *, errors=None, replace=False, status=200):
    context = plan_context(request, contract, "import")
    context.update(
        {
            "page_heading": "Importer",
            "errors": errors or [],
            "replace": replace,
            "max_megabytes": tet.MAX_BYTES // (1024 * 1024),
            "max_rows": tet.MAX_ROWS,
            "live_count": Action.objects.alive().filter(contract=contract, parent__isnull=True).count(),
        }
    )
    return render(request, "plans/import_upload.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, public_id):
    contract = get_contract(request, public_id, "plans.change_plan")
    if request.method == "GET":
        return _upload_page(request, contract)
    replace = request.POST.get("replace") == "on"
    upload = request.FILES.get("file")
    if upload is None:
        return _upload_page(
            request, contract, errors=["Choisissez un fichier .xlsx à importer."], replace=replace, status=400
        )
    if upload.size > tet.MAX_BYTES:
        return _upload_page(
            request,
            contract,
            errors=[
                f"Le fichier « {upload.name} » pèse {upload.size / (1024 * 1024):.1f} Mo : "
                f"{tet.MAX_BYTES // (1024 * 1024)} Mo au plus."
            ],
            replace=replace,
            status=400,
        )
    data = upload.read()
    preview = tet.parse_workbook(data, filename=upload.name)
    if preview.header_row is None:
        # Not a workbook, or none of TeT's columns: nothing worth a preview.
        return _upload_page(
            request, contract, errors=preview.messages + preview.warnings, replace=replace, status=400
        )
    PendingImport.objects.filter(expires_at__lte=timezone.now()).delete()
    pending = PendingImport.objects.create(
        token=secrets.token_urlsafe(24),
        user=request.user,
        contract=contract,
        filename=upload.name[:255],
        replace=replace,
        content=tet.preview_to_json(preview),
        expires_at=timezone.now() + PENDING_LIFETIME,
    )
    return redirect("plans:import_preview", public_id=contract.public_id, token=pending.token)


def _preview_page(request, contract, pending, preview, *, errors=None, status=200):
    context = plan_context(request, contract, "import")
    offered = preview.suggested_mental_health if contract.kind == ContractKind.CLS else []
    if request.method == "POST":
        ticked = set(request.POST.getlist("mental_health"))
    else:
        ticked = {section.key for section in offered}
    context.update(
        {
            "page_heading": "Importer",
            "token": pending.token,
            "preview": preview,
            "counts": preview.counts,
            "filename": pending.filename,
            "replace": pending.replace,
            "live_count": Action.objects.alive().filter(contract=contract, parent__isnull=True).count(),
            "mental_health_offered": offered,
            "mental_health_ticked": ticked,
            "apply_errors": errors or [],
            "upload_url": reverse("plans:import", args=[contract.public_id]),
        }
    )
    return render(request, "plans/import_preview.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request, public_id, token):
    contract = get_contract(request, public_id, "plans.change_plan")
    pending = _pending(request, contract, token)
    if request.method == "POST" and "cancel" in request.POST:
        pending.delete()
        messages.info(request, "Import abandonné : rien n’a été importé.")
        return redirect("plans:import", public_id=contract.public_id)
    preview = tet.preview_from_json(pending.content)
    if request.method == "GET":
        return _preview_page(request, contract, pending, preview, status=400 if preview.errors else 200)
    keys = {section.key for section in preview.suggested_mental_health}
    marked = set(request.POST.getlist("mental_health")) & keys
    if contract.kind != ContractKind.CLS:
        marked = set()
    try:
        with transaction.atomic():
            # The row lock (and its deletion in the same transaction) makes a second click on « Importer »
            # find nothing: the plan cannot be imported twice.
            claimed = _pending(request, contract, token, lock=True)
            result = tet.apply_import(
                contract, preview, user=request.user, mark_mental_health=marked, replace=claimed.replace
            )
            claimed.delete()
    except PlanError as error:
        return _preview_page(request, contract, pending, preview, errors=error.messages, status=400)
    messages.success(request, f"{result.message} Source : « {pending.filename} ».")
    return redirect("plans:tree", public_id=contract.public_id)
