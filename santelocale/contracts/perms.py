"""Who may see and change contracts.

- The public (and everyone) reads **published** contracts.
- A draft (not published) is read by the members of its porteur collectivités, of its signatory
  organisations (partners), and of the ARS of its région (regional seat and every delegation), and by the
  pilots of the fiches actions of its plan.
- A contract is changed by an editor (admin, coordinator, ARS officer) of one of its porteurs, by an editor
  of the regional ARS, or by an editor of the ARS delegation of its département; and by superusers.
- Recording a signature (moving to « signé », or back from it) is reserved to the ARS: the ARS is the
  contracting authority (article L1434-17 du code de la santé publique).
- Anyone holding an editing role somewhere may create a contract, for a collectivité they edit for (a
  coordinator names their own collectivité) or, as the ARS, for any collectivité of its région
  (``porteur_candidates``); only the ARS records a contract that is already signed. The services enforce
  this for the pages and the API alike.
- A région's mandatory themes (« socles ») are maintained by an administrator of that région's ARS.
Everything else (signatories, links, governance, contacts, indicators) follows « change ».
- The composition of bodies, meetings, unpublished contacts and the authors of status changes are shown to
  the contract's parties and editors only (« view_governance_details »); the public sees that bodies exist,
  how many members and meetings they have, and whether the CLSM's four quarts are present.
"""

from dataclasses import dataclass

import rules
from django.db.models import Q

from santelocale.accounts.enums import EDITOR_ROLES, OrganisationKind, Role
from santelocale.accounts.models import Organisation
from santelocale.territories.models import Department

#: The kinds of organisation that can carry a contract (collectivités, and « other » groupings).
PORTEUR_KINDS = (
    OrganisationKind.COMMUNE,
    OrganisationKind.EPCI,
    OrganisationKind.DEPARTMENT,
    OrganisationKind.OTHER,
)


@dataclass(frozen=True)
class Scope:
    """What a user's memberships give them over contracts."""

    organisations: frozenset[int]
    editor_organisations: frozenset[int]
    ars_regions: frozenset[str]  # régions whose ARS (seat or delegation) the user belongs to
    ars_editor_regions: frozenset[str]  # régions whose ARS seat the user edits for
    ars_editor_departments: frozenset[str]  # départements whose ARS delegation the user edits for
    ars_admin_regions: frozenset[str]


def scope_of(user) -> Scope:
    """Return ``user``'s scope, computed once per request (cached on the user object)."""
    cached = getattr(user, "_contract_scope", None)
    if cached is not None:
        return cached
    orgs, editors, ars, ars_edit, dd_edit, ars_admin = set(), set(), set(), set(), set(), set()
    if user.is_authenticated:
        memberships = user.memberships.select_related("organisation")
        for membership in memberships:
            org = membership.organisation
            editor = membership.role in EDITOR_ROLES
            orgs.add(org.pk)
            if editor:
                editors.add(org.pk)
            if org.kind in (OrganisationKind.ARS, OrganisationKind.ARS_DELEGATION) and org.region_id:
                ars.add(org.region_id)
                if editor and org.kind == OrganisationKind.ARS:
                    ars_edit.add(org.region_id)
                if editor and org.kind == OrganisationKind.ARS_DELEGATION and org.department_id:
                    dd_edit.add(org.department_id)
                if membership.role == Role.ADMIN and org.kind == OrganisationKind.ARS:
                    ars_admin.add(org.region_id)
    scope = Scope(*(frozenset(s) for s in (orgs, editors, ars, ars_edit, dd_edit, ars_admin)))
    if user.is_authenticated:
        user._contract_scope = scope
    return scope


def _porteur_ids(contract) -> set[int]:
    return {org.pk for org in contract.porteurs.all()}


@rules.predicate
def is_published(user, contract):
    return contract is not None and contract.is_published


@rules.predicate
def is_party(user, contract):
    """A member of a porteur, of a signatory organisation, or of the ARS of the contract's région."""
    if contract is None:
        return False
    scope = scope_of(user)
    if contract.region_id in scope.ars_regions or _porteur_ids(contract) & scope.organisations:
        return True
    signatory_orgs = {s.organisation_id for s in contract.signatories.all() if s.organisation_id}
    if signatory_orgs & scope.organisations:
        return True
    # The pilot of a fiche action of its plan takes part in the contract (plans.perms).
    return (
        user.is_authenticated and contract.actions.filter(pilot_user=user, deleted_at__isnull=True).exists()
    )


@rules.predicate
def is_ars_editor(user, contract):
    if contract is None:
        return False
    scope = scope_of(user)
    return contract.region_id in scope.ars_editor_regions or (
        contract.department_id is not None and contract.department_id in scope.ars_editor_departments
    )


@rules.predicate
def is_porteur_editor(user, contract):
    return contract is not None and bool(_porteur_ids(contract) & scope_of(user).editor_organisations)


@rules.predicate
def has_editor_role(user):
    return bool(scope_of(user).editor_organisations)


@rules.predicate
def is_region_ars_admin(user, region):
    return region is not None and region.pk in scope_of(user).ars_admin_regions


can_change_contract = rules.is_superuser | is_ars_editor | is_porteur_editor

rules.add_perm("contracts.view_contract", is_published | rules.is_superuser | is_party)
rules.add_perm("contracts.add_contract", rules.is_superuser | has_editor_role)
rules.add_perm("contracts.change_contract", rules.is_authenticated & can_change_contract)
rules.add_perm("contracts.delete_contract", rules.is_authenticated & can_change_contract)
rules.add_perm("contracts.sign_contract", rules.is_authenticated & (rules.is_superuser | is_ars_editor))
# Members' names, meetings' minutes, unpublished contacts and who moved the status: parties and editors only.
rules.add_perm(
    "contracts.view_governance_details",
    rules.is_authenticated & (rules.is_superuser | can_change_contract | is_party),
)
rules.add_perm("contracts.manage_themes", rules.is_authenticated & (rules.is_superuser | is_region_ars_admin))


def restrict_contracts(queryset, user, action: str = "view"):
    """Return ``queryset`` narrowed to the contracts ``user`` may ``view``, ``change`` or ``sign``."""
    if action not in {"view", "change", "delete", "sign"}:
        raise ValueError(f"Unknown action {action!r}")
    if user.is_authenticated and user.is_superuser:
        return queryset
    scope = scope_of(user)
    ars_editing = Q(region_id__in=scope.ars_editor_regions) | Q(
        department_id__in=scope.ars_editor_departments
    )
    if action == "view":
        condition = (
            Q(is_published=True)
            | Q(region_id__in=scope.ars_regions)
            | Q(porteurs__in=scope.organisations)
            | Q(signatories__organisation__in=scope.organisations)
            | Q(actions__pilot_user=user.pk, actions__deleted_at__isnull=True)
        )
    elif action == "sign":
        condition = ars_editing
    else:
        condition = ars_editing | Q(porteurs__in=scope.editor_organisations)
    if not user.is_authenticated:
        condition = Q(is_published=True) if action == "view" else Q(pk__in=[])
    return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))


def ars_regions_of(scope: Scope) -> set[str]:
    """The régions where the user edits for the ARS (its seat, or one of its delegations)."""
    delegated = Department.objects.filter(pk__in=scope.ars_editor_departments).values_list(
        "region_id", flat=True
    )
    return set(scope.ars_editor_regions) | set(delegated)


def porteur_candidates(user):
    """The organisations ``user`` may name as porteurs of a contract: the collectivités they edit for and,
    as the ARS, every collectivité of its région; any collectivité for a superuser."""
    candidates = Organisation.objects.filter(kind__in=PORTEUR_KINDS)
    if user.is_superuser:
        return candidates
    scope = scope_of(user)
    regions = ars_regions_of(scope)
    within = (
        Q(pk__in=scope.editor_organisations)
        | Q(region_id__in=regions)
        | Q(commune__region_id__in=regions)
        | Q(epci__communes__region_id__in=regions)
        | Q(department__region_id__in=regions)
    )
    return candidates.filter(pk__in=Organisation.objects.filter(within).values("pk"))


def is_ars_for(user, *, region, department) -> bool:
    """True when ``user`` edits for the ARS of ``region`` (its seat, or the delegation of ``department``)."""
    if user.is_superuser:
        return True
    scope = scope_of(user)
    return region.pk in scope.ars_editor_regions or (
        department is not None and department.pk in scope.ars_editor_departments
    )
