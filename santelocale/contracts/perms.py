"""Who may see and change contracts (the rights table: docs/permissions.md).

- The public (and everyone) reads **published** contracts.
- A draft (not published) is read by its **parties**: the members of its porteur collectivités, of the ARS
  of its région (regional seat and every delegation), of its signatory organisations **once their
  participation is confirmed** (``Signatory.confirmed_at``: by the contract's ARS or by the organisation
  itself, ``contracts.confirm_signatory``), and the pilots of the fiches actions of its plan. An organisation
  merely named as signatory gets nothing more than the public.
- A contract is changed by an editor (admin, coordinator, ARS officer) of one of its porteurs, by an editor
  of the regional ARS, or by an editor of the ARS delegation of its département; and by superusers.
- Recording a signature (moving to « signé », or back from it), and the signature data (the signature date;
  once signed, the period of validity) is reserved to the ARS: the ARS is the contracting authority
  (article L1434-17 du code de la santé publique). The services enforce it for the pages and the API.
- Anyone holding an editing role somewhere may create a contract, for a collectivité they edit for (a
  coordinator names their own collectivité) or, as the ARS, for any collectivité of its région
  (``porteur_candidates``); only the ARS records a contract that is already signed. The services enforce
  this for the pages and the API alike.
- A région's mandatory themes (« socles ») are maintained by an administrator of that région's ARS.
Everything else (signatories, links, governance, contacts, indicators) follows « change ».
- The composition of bodies, meetings (date, attendees) and the authors of status changes are shown to the
  contract's parties (« view_governance_details »); the public sees that bodies exist, how many members and
  meetings they have, and whether the CLSM's four quarts are present.
- **Confidential content** — unpublished contacts, confidential fiches, meetings' agenda, minutes and
  decisions — is read by the porteurs' editors and the ARS of the région (« view_confidential ») and by the
  people concerned: a fiche's pilot reads that fiche (``plans.perms``), a body's members (by the account
  linked to their seat) read its minutes (« view_minutes »).
What each page, API answer and document reads of a contract's related objects is defined once, per object
and user, in ``contracts.reading``.
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


def _porteur_ids(contract) -> frozenset[int]:
    """The ids of the contract's porteurs, read once per contract object: a page asks several rights of one
    contract, each of which needs them. Forgotten when its porteurs change (``forget_porteurs``)."""
    cached = contract.__dict__.get("_porteur_ids")
    if cached is None:
        cached = contract.__dict__["_porteur_ids"] = frozenset(org.pk for org in contract.porteurs.all())
    return cached


def forget_porteurs(sender, instance, **kwargs):
    """``m2m_changed`` of ``Contract.porteurs``: the contract object read its porteurs before they changed."""
    instance.__dict__.pop("_porteur_ids", None)


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
    # A signatory organisation takes part only once confirmed (by the ARS or by itself): naming an
    # organisation must not hand its members the contract's drafts and governance.
    signatory_orgs = {
        s.organisation_id for s in contract.signatories.all() if s.organisation_id and s.confirmed_at
    }
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
def sees_confidential(user, contract):
    """An editor of a porteur, or a member of the ARS of the contract's région (seat or delegation)."""
    if contract is None:
        return False
    scope = scope_of(user)
    return contract.region_id in scope.ars_regions or bool(
        _porteur_ids(contract) & scope.editor_organisations
    )


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
# Unpublished contacts, confidential fiches and minutes: the porteurs' editors and the ARS only (plus, for
# a fiche its pilot and for minutes the body's members: see plans.perms and ``view_minutes`` below).
rules.add_perm(
    "contracts.view_confidential", rules.is_authenticated & (rules.is_superuser | sees_confidential)
)


@rules.predicate
def is_body_member(user, body):
    return body is not None and user.is_authenticated and body.members.filter(user=user).exists()


@rules.predicate
def sees_body_contract_confidential(user, body):
    return body is not None and sees_confidential(user, body.contract)


# A meeting's agenda, minutes and decisions: the people above, and the members of the body (by account).
rules.add_perm(
    "contracts.view_minutes",
    rules.is_authenticated & (rules.is_superuser | sees_body_contract_confidential | is_body_member),
)


@rules.predicate
def is_signatory_ars(user, signatory):
    return signatory is not None and is_ars_editor(user, signatory.contract)


@rules.predicate
def edits_for_signatory_organisation(user, signatory):
    return (
        signatory is not None
        and signatory.organisation_id is not None
        and signatory.organisation_id in scope_of(user).editor_organisations
    )


# Confirming that an organisation signs (and so takes part): the contract's ARS, or the organisation itself.
rules.add_perm(
    "contracts.confirm_signatory",
    rules.is_authenticated & (rules.is_superuser | is_signatory_ars | edits_for_signatory_organisation),
)
rules.add_perm("contracts.manage_themes", rules.is_authenticated & (rules.is_superuser | is_region_ars_admin))


def _party_condition(user, scope: Scope, organisations) -> Q:
    """Who takes part in a contract, as a condition on contracts: the ARS of its région, the members of its
    porteurs among ``organisations``, the members of a confirmed signatory, the pilots of a live fiche.

    Each part is a semi-join of its own (``pk IN (SELECT contract_id …)``) and a part the user cannot meet
    is left out, so that the query has no join to multiply rows nor DISTINCT to remove them, and stays
    cheap to build and to run whatever the number of contracts (issue 14)."""
    from santelocale.contracts.models import Contract, Signatory

    condition = Q(pk__in=[])
    if scope.ars_regions:
        condition |= Q(region_id__in=scope.ars_regions)
    if organisations:
        carried = Contract.porteurs.through.objects.filter(organisation_id__in=organisations)
        condition |= Q(pk__in=carried.values("contract_id"))
    if scope.organisations:
        signed = Signatory.objects.filter(organisation_id__in=scope.organisations, confirmed_at__isnull=False)
        condition |= Q(pk__in=signed.values("contract_id"))
    if user.is_authenticated:
        # Through the reverse relation: contracts do not import the plans app.
        piloted = Contract.objects.filter(actions__pilot_user=user.pk, actions__deleted_at__isnull=True)
        condition |= Q(pk__in=piloted.values("pk"))
    return condition


def restrict_contracts(queryset, user, action: str = "view"):
    """Return ``queryset`` narrowed to the contracts ``user`` may ``view``, ``change`` or ``sign``."""
    if action not in {"view", "change", "delete", "sign"}:
        raise ValueError(f"Unknown action {action!r}")
    if user.is_authenticated and user.is_superuser:
        return queryset
    if not user.is_authenticated:
        return queryset.filter(is_published=True) if action == "view" else queryset.none()
    scope = scope_of(user)
    ars_editing = Q(pk__in=[])
    if scope.ars_editor_regions:
        ars_editing |= Q(region_id__in=scope.ars_editor_regions)
    if scope.ars_editor_departments:
        ars_editing |= Q(department_id__in=scope.ars_editor_departments)
    if action == "view":
        return queryset.filter(Q(is_published=True) | _party_condition(user, scope, scope.organisations))
    if action == "sign":
        return queryset.filter(ars_editing)
    if scope.editor_organisations:
        carried = queryset.model.porteurs.through.objects.filter(
            organisation_id__in=scope.editor_organisations
        )
        ars_editing |= Q(pk__in=carried.values("contract_id"))
    return queryset.filter(ars_editing)


def confidential_contracts(user):
    """The contracts whose confidential content (unpublished contacts, confidential fiches, minutes)
    ``user`` reads as a whole: as an editor of a porteur, or as a member of the ARS of its région."""
    from santelocale.contracts.models import Contract

    if user.is_authenticated and user.is_superuser:
        return Contract.objects.all()
    if not user.is_authenticated:
        return Contract.objects.none()
    scope = scope_of(user)
    condition = Q(pk__in=[])
    if scope.ars_regions:
        condition |= Q(region_id__in=scope.ars_regions)
    if scope.editor_organisations:
        carried = Contract.porteurs.through.objects.filter(organisation_id__in=scope.editor_organisations)
        condition |= Q(pk__in=carried.values("contract_id"))
    return Contract.objects.filter(condition)


def party_contracts(user):
    """The contracts ``user`` takes part in (``is_party``): the porteurs' members, the ARS of the
    région, the members of a confirmed signatory organisation, the pilots of a fiche."""
    from santelocale.contracts.models import Contract

    if user.is_authenticated and user.is_superuser:
        return Contract.objects.all()
    if not user.is_authenticated:
        return Contract.objects.none()
    scope = scope_of(user)
    return Contract.objects.filter(_party_condition(user, scope, scope.organisations))


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


def can_sign(user, contract) -> bool:
    """True when ``user`` records signatures for ``contract`` (its ARS; superusers)."""
    return user.has_perm("contracts.sign_contract", contract)
