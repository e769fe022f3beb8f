"""What a user reads of a contract's related objects: the one definition that the pages, the API, the
documents (Word, PDF, COPIL report), the exports and the compliance checklist all use.

Each function takes the contract and the user and returns what that user may read (see docs/permissions.md):

- ``links``: the articulations whose other end the user may read. A link to a contract the user may not
  read (a CLSM still in project, unpublished) is **left out** of lists; the checklist, which states a fact
  about the contract, counts it without its name (``hidden_contract_label``).
- ``renews`` / ``renewals``: the previous and next generations the user may read (a draft renewal of a
  published contract is left out for the public).
- ``indicators``: on the contract, on an axis, or on a fiche the user may read
  (``plans.read.plan_indicators``, through ``plan_hooks``: contracts do not import the plans app).
- ``signatories``: every signatory (the parties that sign are public), each with its confirmation.
- ``contacts``: the published ones; all of them for ``contracts.view_confidential``.
- ``bodies``: every body with its counts; members' names and meetings for
  ``contracts.view_governance_details``; a meeting's agenda, minutes and decisions for
  ``contracts.view_minutes`` (each body sets ``minutes_visible``).
- ``status_changes``: the log; the author for ``contracts.view_governance_details``.
- fiches and their pilots: ``plans.read.plan_actions`` (confidential fiches, pilots' names).
- ``covering_contracts``: for a territory's page, the contracts the user may read whose perimeter holds it
  (``covering_tables`` is that page's table, registered with ``territories.services``).
"""

from django.utils import timezone

from santelocale.contracts.enums import ContractKind, StatusGroup
from santelocale.contracts.models import Body, Contract, ContractLink, Meeting
from santelocale.contracts.plan_hooks import plan_hooks
from santelocale.territories.models import Perimeter
from santelocale.territories.services import Table
from santelocale.utils import fr


def hidden_contract_label(contract: Contract) -> str:
    """How a contract the user may not read is named, when its existence must be stated (checklist)."""
    kind = "CLSM" if contract.kind == ContractKind.CLSM else "CLS"
    return f"un {kind} en projet (non publié)"


def readable_ids(user, contracts) -> set[int]:
    """The pks among ``contracts`` (instances or pks) that ``user`` may read."""
    pks = {c if isinstance(c, int) else c.pk for c in contracts if c is not None}
    if not pks:
        return set()
    return set(Contract.objects.restrict(user, "view").filter(pk__in=pks).values_list("pk", flat=True))


def links(contract: Contract, user) -> list[ContractLink]:
    """The links ``contract`` carries and those pointing to it, whose other contract ``user`` may read
    (the contract itself is assumed readable)."""
    carried = list(contract.links.select_related("target_contract", "city_contract"))
    incoming = list(contract.incoming_links.select_related("contract"))
    others = [link.target_contract_id for link in carried] + [link.contract_id for link in incoming]
    readable = readable_ids(user, others) | {contract.pk}
    carried = [
        link for link in carried if link.target_contract_id is None or link.target_contract_id in readable
    ]
    incoming = [link for link in incoming if link.contract_id in readable]
    return carried + incoming


def mental_health_volets(contract: Contract, user) -> list[str]:
    """The names of the CLSM that are ``contract``'s mental-health volet, as ``user`` may read them (a CLSM
    they may not read is « un CLSM en projet (non publié) »); every CLSM when ``user`` is None."""
    from santelocale.contracts.enums import LinkKind

    volets = [
        link.contract
        for link in ContractLink.objects.filter(
            kind=LinkKind.MENTAL_HEALTH_VOLET, target_contract=contract
        ).select_related("contract")
    ]
    readable = readable_ids(user, volets) if user is not None else {c.pk for c in volets}
    return [f"CLSM « {c.name} »" if c.pk in readable else hidden_contract_label(c) for c in volets]


def renews(contract: Contract, user) -> Contract | None:
    """The contract ``contract`` renews, if ``user`` may read it."""
    previous = contract.renews
    if previous is None or not user.has_perm("contracts.view_contract", previous):
        return None
    return previous


def renewals(contract: Contract, user) -> list[Contract]:
    """The renewals of ``contract`` that ``user`` may read."""
    return list(contract.renewals.restrict(user, "view"))


def indicators(contract: Contract, user):
    """The indicators of ``contract`` that ``user`` may read (none on a fiche they may not read)."""
    return plan_hooks().indicators(contract, user)


def signatories(contract: Contract, user):
    """Every signatory of ``contract``, with its organisation (the parties that sign are public)."""
    return contract.signatories.select_related("organisation", "confirmed_by")


def contacts(contract: Contract, user):
    """The published contacts of ``contract``; all of them for its porteurs' editors and its ARS."""
    everything = contract.contacts.all()
    if user.has_perm("contracts.view_confidential", contract):
        return everything
    return everything.filter(is_public=True)


def bodies(contract: Contract, user) -> list[Body]:
    """The bodies of ``contract`` with their members and meetings prefetched; each carries
    ``details_visible`` (members' names, meetings) and ``minutes_visible`` (agenda, minutes, decisions)
    for ``user``. Callers show members and meetings only when these are set."""
    meetings = Meeting.objects.prefetch_related("attendees")
    found = list(contract.bodies.prefetch_related("members", _prefetch_meetings(meetings)))
    details = user.has_perm("contracts.view_governance_details", contract)
    confidential = user.has_perm("contracts.view_confidential", contract)
    seated = set()
    if user.is_authenticated:
        seated = {body.pk for body in found if any(m.user_id == user.pk for m in body.members.all())}
    for body in found:
        # A body's own members (by account) read its composition and minutes.
        body.details_visible = details or body.pk in seated
        body.minutes_visible = confidential or body.pk in seated
    return found


def _prefetch_meetings(queryset):
    from django.db.models import Prefetch

    return Prefetch("meetings", queryset=queryset)


def status_changes(contract: Contract, user):
    """The status log; ``authors_visible`` tells whether ``user`` may read who made each move."""
    return contract.status_changes.select_related("changed_by")


def authors_visible(contract: Contract, user) -> bool:
    return user.has_perm("contracts.view_governance_details", contract)


#: What the API answers (404) for a contract that does not exist or that the user may not read.
NOT_VISIBLE = "Aucun contrat visible ne porte cet identifiant."


def visible_contract(user, public_id) -> Contract | None:
    """The contract ``public_id`` names if ``user`` may read it; None otherwise, whether it does not exist
    or is a draft they may not read (its existence is not revealed). Pages, API and documents all read a
    contract through here."""
    return (
        Contract.objects.restrict(user, "view")
        .select_related("region", "department", "perimeter", "renews", "created_by")
        .filter(public_id=public_id)
        .first()
    )


# --- Territory pages -----------------------------------------------------------------------------------

#: How a territory's communes are reached from a contract's perimeter, by the territory's model name.
_THROUGH_PERIMETER = {
    "commune": "perimeter__communes",
    "epci": "perimeter__communes__epci",
    "department": "perimeter__communes__department",
    "region": "perimeter__communes__region",
}


def covering_contracts(territory, user):
    """The contracts ``user`` may read whose perimeter holds ``territory`` (a commune) or part of it (an
    EPCI, a département, a région), CLS first then by name; None for another kind of territory."""
    path = _THROUGH_PERIMETER.get(type(territory)._meta.model_name)
    if path is None:
        return None
    ids = Contract.objects.filter(**{path: territory}).values("pk")
    return (
        Contract.objects.restrict(user, "view")
        .filter(pk__in=ids)
        .select_related("perimeter")
        .order_by("kind", "name")
    )


def covering_tables(territory, user) -> list[Table]:
    """The table of the CLS and CLSM covering a territory, for its page (``territories`` registry)."""
    contracts = covering_contracts(territory, user)
    if contracts is None:
        return []
    whole = type(territory)._meta.model_name == "commune"
    rows = [
        [
            (contract.name, contract.get_absolute_url()),
            (contract.get_kind_display(), None),
            (contract.get_status_display(), None),
            (_validity(contract), None),
            (contract.generation_label, None),
        ]
        for contract in contracts
    ]
    return [
        Table(
            "CLS et CLSM qui couvrent ce territoire"
            if whole
            else "CLS et CLSM sur tout ou partie de ce territoire",
            ["Contrat", "Type", "Statut", "Validité", "Génération"],
            rows,
            caption_note=(
                "Contrats enregistrés sur la plateforme ; les projets ne sont montrés qu’à leurs parties."
            ),
            empty_text="Aucun CLS ni CLSM enregistré sur la plateforme ne couvre ce territoire.",
        )
    ]


def _validity(contract) -> str:
    if contract.starts_on and contract.ends_on:
        return f"du {fr.short_date(contract.starts_on)} au {fr.short_date(contract.ends_on)}"
    return "—"


def covering_badges(results, user) -> dict[tuple[str, str], list[str]]:
    """For the communes among territory search ``results``: « CLS en vigueur », « CLSM en projet »… for
    each contract ``user`` may read whose perimeter holds it (ended ones left out: they cover no more)."""
    codes = [result.code for result in results if result.level == "commune"]
    if not codes:
        return {}
    today = timezone.localdate()
    by_perimeter: dict[int, list[Contract]] = {}
    for contract in Contract.objects.restrict(user, "view").filter(perimeter__communes__in=codes).distinct():
        if contract.group(today) != StatusGroup.ENDED:
            by_perimeter.setdefault(contract.perimeter_id, []).append(contract)
    held = Perimeter.communes.through.objects.filter(perimeter_id__in=by_perimeter, commune_id__in=codes)
    badges: dict[tuple[str, str], set[str]] = {}
    for perimeter_id, code in held.values_list("perimeter_id", "commune_id"):
        for contract in by_perimeter[perimeter_id]:
            label = "en vigueur" if contract.group(today) == StatusGroup.ACTIVE else "en projet"
            badges.setdefault(("commune", code), set()).add(f"{contract.kind} {label}")
    return {key: sorted(values) for key, values in badges.items()}
