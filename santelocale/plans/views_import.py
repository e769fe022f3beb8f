"""Import of an action plan from a Territoires en Transitions workbook: upload, preview, confirm.

The uploaded file is kept server-side (``VAR_DIR/imports/<token>.xlsx``) between the preview and the
confirmation, under a random token remembered in the user's session with the contract, the file name and
the « replace » choice; it is read again at each step and deleted once imported or cancelled.
"""

import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from santelocale.contracts.enums import ContractKind
from santelocale.plans import tet
from santelocale.plans.models import Action
from santelocale.plans.services import PlanError
from santelocale.plans.views_common import get_contract, plan_context

SESSION_KEY = "plan_imports"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
#: Uploaded files not confirmed after this long are removed at the next upload.
STALE_SECONDS = 24 * 3600


def _imports_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _remove_stale_files() -> None:
    limit = time.time() - STALE_SECONDS
    for path in _imports_dir().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass


def _pending(request, contract, token: str) -> tuple[dict, Path]:
    """The session entry and stored file of ``token``; 404 unless it is this session's, for this contract."""
    entry = request.session.get(SESSION_KEY, {}).get(token) if _TOKEN.match(token) else None
    if not entry or entry.get("contract") != str(contract.public_id):
        raise Http404("Import inconnu ou expiré.")
    path = _imports_dir() / f"{token}.xlsx"
    if not path.is_file():
        raise Http404("Import inconnu ou expiré.")
    return entry, path


def _forget(request, token: str) -> None:
    pending = request.session.get(SESSION_KEY, {})
    if token in pending:
        del pending[token]
        request.session[SESSION_KEY] = pending
    if _TOKEN.match(token):
        (_imports_dir() / f"{token}.xlsx").unlink(missing_ok=True)


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
    _remove_stale_files()
    token = secrets.token_urlsafe(24)
    (_imports_dir() / f"{token}.xlsx").write_bytes(data)
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {"contract": str(contract.public_id), "filename": upload.name, "replace": replace}
    request.session[SESSION_KEY] = pending
    return redirect("plans:import_preview", public_id=contract.public_id, token=token)


def _preview_page(request, contract, token, entry, preview, *, errors=None, status=200):
    context = plan_context(request, contract, "import")
    offered = preview.suggested_mental_health if contract.kind == ContractKind.CLS else []
    if request.method == "POST":
        ticked = set(request.POST.getlist("mental_health"))
    else:
        ticked = {section.key for section in offered}
    context.update(
        {
            "page_heading": "Importer",
            "token": token,
            "preview": preview,
            "counts": preview.counts,
            "filename": entry["filename"],
            "replace": entry["replace"],
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
    entry, path = _pending(request, contract, token)
    if request.method == "POST" and "cancel" in request.POST:
        _forget(request, token)
        messages.info(request, "Import abandonné : rien n’a été importé.")
        return redirect("plans:import", public_id=contract.public_id)
    preview = tet.parse_workbook(path.read_bytes(), filename=entry["filename"])
    if request.method == "GET":
        return _preview_page(request, contract, token, entry, preview, status=400 if preview.errors else 200)
    keys = {section.key for section in preview.suggested_mental_health}
    marked = set(request.POST.getlist("mental_health")) & keys
    if contract.kind != ContractKind.CLS:
        marked = set()
    # Claim the file first, so that a second click on « Importer » cannot import the plan twice.
    claimed = path.with_suffix(".en-cours")
    try:
        path.rename(claimed)
    except FileNotFoundError:
        raise Http404("Import inconnu ou déjà effectué.") from None
    try:
        result = tet.apply_import(
            contract, preview, user=request.user, mark_mental_health=marked, replace=entry["replace"]
        )
    except BaseException as error:
        claimed.rename(path)
        if isinstance(error, PlanError):
            return _preview_page(request, contract, token, entry, preview, errors=error.messages, status=400)
        raise
    claimed.unlink(missing_ok=True)
    _forget(request, token)
    messages.success(request, f"{result.message} Source : « {entry['filename']} ».")
    return redirect("plans:tree", public_id=contract.public_id)
