"""The published fiches actions of every contract (/fiches/), and their copy into one's own plan.

The page is public; each result offers the copy form to users who change at least one plan. A refused
copy shows the search again, with the reasons and the user's choice kept (400)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from santelocale.plans import search as search_service
from santelocale.plans import services
from santelocale.plans.filtersets import parse_search_filters
from santelocale.plans.services import PlanError

CANNOT_COPY = (
    "Vous ne pouvez pas copier de fiche dans ce contrat : seul·e son ou sa coordinateur·rice modifie son "
    "plan d’action."
)


def _render(request, params, *, status=200, copy_errors=None, copy_source=None, copy_value=""):
    filters, warnings = parse_search_filters(params)
    page = search_service.search_page(user=request.user, filters=filters, page=params.get("page") or 1)
    groups = search_service.copy_targets(request.user)
    for hit in page.object_list:
        hit.copy_targets = [
            (contract, targets) for contract, targets in groups if contract.pk != hit.contract.pk
        ]
    query = filters.as_query()
    context = {
        "filters": filters,
        "warnings": warnings,
        "choices": search_service.filter_choices(),
        "page": page,
        "count": page.paginator.count,
        "query": query,
        "back": f"{query}&page={page.number}" if query else f"page={page.number}",
        "can_copy": bool(groups),
        "copy_errors": copy_errors or [],
        "copy_source": copy_source,
        "copy_value": copy_value,
        "breadcrumb": [("Fiches actions", None)],
    }
    return render(request, "plans/search.html", context, status=status)


@require_GET
def search(request):
    return _render(request, request.GET)


@login_required
@require_POST
def copy(request, pk):
    source = get_object_or_404(
        search_service.published_actions(request.user).select_related("contract"), pk=pk
    )
    value = request.POST.get("cible", "")
    back = QueryDict(request.POST.get("retour", ""))
    try:
        contract, section = search_service.parse_target(request.user, value)
        if contract is None or not request.user.has_perm("plans.change_plan", contract):
            raise PermissionDenied(CANNOT_COPY)
        action = services.copy_action(source, contract, section=section)
    except PlanError as exc:
        return _render(
            request, back, status=400, copy_errors=exc.messages, copy_source=source.pk, copy_value=value
        )
    messages.success(
        request,
        f"Fiche copiée dans « {contract.name} » : complétez son pilote, ses dates et ses financements.",
    )
    return redirect(action)
