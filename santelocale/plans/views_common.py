"""Lookups shared by the plan pages: the contract and the fiche a URL names, with the user's rights
checked (404 for what they may not see, 403 for what they may not change)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from santelocale.contracts.models import Contract
from santelocale.contracts.reading import NOT_VISIBLE, visible_contract
from santelocale.plans.models import Action
from santelocale.plans.read import binned_actions, plan_actions

REFUSALS = {
    "plans.change_plan": "Seul·e le ou la coordinateur·rice du contrat modifie son plan d’action.",
    "plans.change_action": "Seul·e le ou la coordinateur·rice du contrat ou le ou la pilote de la fiche "
    "peut la modifier.",
    "plans.delete_action": "Seul·e le ou la coordinateur·rice du contrat met une fiche à la corbeille.",
    "plans.add_ars_funding": "Seul·e le ou la coordinateur·rice ou l’ARS ajoute un financement.",
}


def get_contract(request, public_id, perm: str | None = None) -> Contract:
    """The contract if ``request.user`` may see it (404 otherwise) and hold ``perm`` on it (403)."""
    contract = visible_contract(request.user, public_id)
    if contract is None:
        raise Http404(NOT_VISIBLE)
    if perm and not request.user.has_perm(perm, contract):
        raise PermissionDenied(REFUSALS.get(perm, "Action non autorisée."))
    return contract


def get_action(request, public_id, pk, perm: str | None = None, *, binned: bool = False) -> Action:
    """The fiche ``pk`` of contract ``public_id`` if the user may see it (404), holding ``perm`` (403).
    Binned fiches are found only with ``binned=True``."""
    contract = get_contract(request, public_id)
    actions = (binned_actions if binned else plan_actions)(contract, request.user)
    action = get_object_or_404(actions.select_related("section", "parent", "pilot_user"), pk=pk)
    action.contract = contract
    if perm and not request.user.has_perm(perm, action):
        raise PermissionDenied(REFUSALS.get(perm, "Action non autorisée."))
    return action


def plan_context(request, contract, tab: str) -> dict:
    """What every plan page's header and tabs need."""
    user = request.user
    return {
        "contract": contract,
        "tab": tab,
        "can_change_plan": user.has_perm("plans.change_plan", contract),
        # Confidential fiches are read as a whole by the porteurs' editors and the ARS (docs/permissions.md).
        "insider": user.has_perm("contracts.view_confidential", contract),
    }
