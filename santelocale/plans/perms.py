"""Who may see and change action plans.

- A plan is read by whoever reads its contract (``contracts.view_contract``); a **confidential** fiche only
  by the porteurs' editors and the ARS of the région (``contracts.view_confidential``) and by its own pilot:
  never by the public, by other parties (a reader, a partner, the pilot of another fiche), nor by the members
  of other contracts (search, copy, exports, API).
- A pilot's **personal name** is read by the contract's parties (``contracts.view_governance_details``);
  the public and non-parties read the pilot's service (``pilot_names_hidden``, ``Action.pilot_label``).
- The **coordinator** edits the whole plan: the editors (admin, coordinator, contributor) of the contract's
  porteur collectivités, and superusers (``plans.change_plan``).
- A **pilot** (``Action.pilot_user``) edits the fiches they pilot, their sub-actions, steps, notes, funding
  (except the ARS's lines) and their indicators' values (``plans.change_action``).
- The **ARS** (regional seat, or the delegation of the contract's département) reads everything and edits
  the ARS funding lines (``plans.change_funding_line``, ``plans.add_ars_funding``).
"""

import rules
from django.db.models import BooleanField, ExpressionWrapper, Q, Value

from santelocale.contracts.perms import (
    confidential_contracts,
    is_ars_editor,
    is_porteur_editor,
    party_contracts,
    restrict_contracts,
    scope_of,
)
from santelocale.plans.enums import FunderKind


def _contract_of(obj):
    """The contract of a fiche or an indicator (``.contract``), of a funding line (its fiche's), or itself."""
    if hasattr(obj, "contract"):
        return obj.contract
    if hasattr(obj, "action"):
        return obj.action.contract
    return obj


@rules.predicate
def can_view_contract(user, obj):
    return obj is not None and user.has_perm("contracts.view_contract", _contract_of(obj))


@rules.predicate
def can_view_confidential(user, obj):
    return obj is not None and user.has_perm("contracts.view_confidential", _contract_of(obj))


@rules.predicate
def is_confidential(user, action):
    """The fiche, or the fiche a sub-action belongs to, is confidential."""
    if action is None:
        return False
    return action.is_confidential or (action.parent_id is not None and action.parent.is_confidential)


@rules.predicate
def edits_plan(user, obj):
    return obj is not None and (user.is_superuser or is_porteur_editor(user, _contract_of(obj)))


@rules.predicate
def is_pilot(user, action):
    """The user pilots this fiche (or the fiche this sub-action belongs to)."""
    if action is None or not user.is_authenticated:
        return False
    if action.pilot_user_id == user.pk:
        return True
    return action.parent_id is not None and action.parent.pilot_user_id == user.pk


@rules.predicate
def is_ars_of(user, obj):
    return obj is not None and is_ars_editor(user, _contract_of(obj))


@rules.predicate
def is_ars_line(user, line):
    return line is not None and line.funder_kind == FunderKind.ARS


@rules.predicate
def pilots_line_action(user, line):
    return line is not None and is_pilot(user, line.action)


@rules.predicate
def pilots_indicator_action(user, indicator):
    return indicator is not None and indicator.action_id is not None and is_pilot(user, indicator.action)


# On a contract:
rules.add_perm("plans.view_plan", can_view_contract)
rules.add_perm("plans.change_plan", rules.is_authenticated & edits_plan)
rules.add_perm("plans.add_ars_funding", rules.is_authenticated & (edits_plan | is_ars_of))
# On a fiche action:
rules.add_perm("plans.view_action", can_view_contract & (~is_confidential | can_view_confidential | is_pilot))
rules.add_perm("plans.change_action", rules.is_authenticated & (edits_plan | is_pilot))
rules.add_perm("plans.delete_action", rules.is_authenticated & edits_plan)
# On a funding line:
rules.add_perm(
    "plans.change_funding_line",
    rules.is_authenticated & (edits_plan | (is_ars_line & is_ars_of) | (~is_ars_line & pilots_line_action)),
)
# On an indicator: its values are entered by the coordinator, or by the pilot of its fiche.
rules.add_perm(
    "plans.change_indicator_values", rules.is_authenticated & (edits_plan | pilots_indicator_action)
)


def detail_contracts(user):
    """The contracts whose confidential fiches ``user`` reads as a whole (``contracts.view_confidential``:
    the porteurs' editors and the ARS of the région)."""
    return confidential_contracts(user)


def pilot_names_hidden(user):
    """An expression true for the fiches whose pilot's personal name ``user`` may not read: the public and
    non-parties see the pilot's service, not the person (``contracts.view_governance_details``)."""
    if user is not None and user.is_authenticated and user.is_superuser:
        return Value(False, output_field=BooleanField())
    return ExpressionWrapper(
        ~Q(contract__in=party_contracts(user).values("pk")) if user is not None else Q(pk__in=[]),
        output_field=BooleanField(),
    )


def restrict_actions(queryset, user, action: str = "view"):
    """Narrow ``queryset`` (of fiches) to what ``user`` may ``view`` or ``change``."""
    from santelocale.contracts.models import Contract

    if action == "view":
        visible = restrict_contracts(Contract.objects.all(), user, "view").values("pk")
        details = detail_contracts(user).values("pk")
        # A sub-action of a confidential fiche is as confidential as its fiche.
        open_to_all = Q(is_confidential=False) & (Q(parent__isnull=True) | Q(parent__is_confidential=False))
        # The people concerned: the pilot of a confidential fiche reads it (and its sub-actions).
        concerned = (
            Q(pilot_user=user.pk) | Q(parent__pilot_user=user.pk) if user.is_authenticated else Q(pk__in=[])
        )
        visible_actions = queryset.filter(
            Q(contract__in=visible) & (open_to_all | Q(contract__in=details) | concerned)
        )
        return visible_actions.annotate(pilot_hidden=pilot_names_hidden(user))
    if action == "change":
        if user.is_authenticated and user.is_superuser:
            return queryset
        if not user.is_authenticated:
            return queryset.none()
        scope = scope_of(user)
        plan_editor = Contract.objects.filter(porteurs__in=scope.editor_organisations).values("pk")
        return queryset.filter(
            Q(contract__in=plan_editor) | Q(pilot_user=user) | Q(parent__pilot_user=user)
        ).distinct()
    raise ValueError(f"Unknown action {action!r}")
