"""Operations on contracts: create, edit, renew; signatories, links, contacts; regional themes.

Each operation checks every rule first, raises ``ContractError`` listing all problems in French, and writes
inside one transaction, so a refused request leaves the database unchanged. Status changes live in
``contracts.lifecycle``, the compliance checklist in ``contracts.compliance``, governance in
``contracts.governance``.
"""

import datetime
from dataclasses import dataclass, fields

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from santelocale.accounts.models import Organisation
from santelocale.contracts import perms
from santelocale.contracts.enums import (
    OCCUPYING_STATUSES,
    PROJECT_STATUSES,
    ContactRole,
    ContractKind,
    LinkKind,
    SignatoryKind,
    Status,
)
from santelocale.contracts.models import (
    Contact,
    Contract,
    ContractLink,
    RegionalTheme,
    Signatory,
    StatusChange,
)
from santelocale.territories.models import CityContract, Department, Perimeter, Region
from santelocale.utils import fr
from santelocale.utils.bounds import column_problems
from santelocale.utils.links import UnsafeUrl, clean_url

#: A CLS runs five years unless its parties agree otherwise.
DEFAULT_DURATION_YEARS = 5


class ContractError(ValueError):
    """A contract operation was refused; ``messages`` lists every problem in French."""

    def __init__(self, messages: list[str] | str):
        messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__(" ; ".join(messages))
        self.messages = messages


def add_years(day: datetime.date, years: int) -> datetime.date:
    """``day`` moved by ``years`` years (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def default_end(starts_on: datetime.date | None) -> datetime.date | None:
    """The last day of a contract starting on ``starts_on`` when none is given: ``DEFAULT_DURATION_YEARS``
    later, the day before (a « 2027-2031 » contract from 1 January 2027 ends on 31 December 2031, not on
    1 January 2032; 29 February gives 27 February). None without a start; refuses nothing."""
    if not starts_on:
        return None
    return add_years(starts_on, DEFAULT_DURATION_YEARS) - datetime.timedelta(days=1)


def date_problems(*, launched_on=None, signed_on=None, starts_on=None, ends_on=None) -> list[str]:
    """French messages for dates out of order (launch ≤ signature ≤ end, start < end, launch ≤ start)."""
    problems = []
    labels = {
        "launched_on": "le lancement de la démarche",
        "signed_on": "la signature",
        "starts_on": "le début de validité",
        "ends_on": "la fin de validité",
    }
    values = {"launched_on": launched_on, "signed_on": signed_on, "starts_on": starts_on, "ends_on": ends_on}
    order = [
        ("launched_on", "signed_on", False),
        ("launched_on", "starts_on", False),
        ("signed_on", "ends_on", True),
        ("starts_on", "ends_on", True),
    ]
    for before, after, strict in order:
        first, second = values[before], values[after]
        if first is None or second is None:
            continue
        if first > second or (strict and first == second):
            problems.append(
                f"Dates dans le désordre : {labels[before]} ({fr.short_date(first)}) doit précéder "
                f"{labels[after]} ({fr.short_date(second)})."
            )
    return problems


def perimeter_region_problems(perimeter: Perimeter, region: Region) -> list[str]:
    """A contract's perimeter must lie in the région of its ARS: name the communes that do not."""
    outside = perimeter.communes.exclude(region_id=region.pk).order_by("code")
    count = outside.count()
    if not count:
        return []
    names = ", ".join(f"{c.name} ({c.code})" for c in outside[:5])
    more = f" et {count - 5} autre(s)" if count > 5 else ""
    return [
        f"Le périmètre « {perimeter.name} » sort de la région {region.name} de l’ARS : "
        f"{count} commune(s) hors région — {names}{more}."
    ]


def duplicate_of(*, kind: str, perimeter: Perimeter, exclude: Contract | None = None, renews=None):
    """Return an occupying contract (en projet or en vigueur) of the same kind on the same communes, if any.

    The contract being renewed is not a duplicate of its renewal (either way: the renewal is prepared while
    the running contract goes on), nor is a contract of itself.
    """
    communes = set(perimeter.communes.values_list("code", flat=True))
    candidates = Contract.objects.filter(
        kind=kind, status__in=OCCUPYING_STATUSES, perimeter__commune_count=len(communes)
    ).select_related("perimeter")
    if exclude is not None and exclude.pk:
        candidates = candidates.exclude(pk=exclude.pk).exclude(renews=exclude)
    if renews is not None:
        candidates = candidates.exclude(pk=renews.pk)
    for candidate in candidates:
        if candidate.perimeter_id == perimeter.pk:
            return candidate
        if set(candidate.perimeter.communes.values_list("code", flat=True)) == communes:
            return candidate
    return None


@dataclass
class ContractData:
    """What a user enters to describe a contract (the form and the API both build one)."""

    kind: str
    name: str
    perimeter: Perimeter
    region: Region
    porteurs: list[Organisation]
    department: Department | None = None
    summary: str = ""
    launched_on: datetime.date | None = None
    signed_on: datetime.date | None = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    themes: list[RegionalTheme] | None = None
    is_published: bool = False
    source: str = ""
    #: for a contract entered without its predecessor on the platform (« CLS de 2e génération »)
    generation: int | None = 1
    #: the version the user read (optimistic locking: ``update_contract`` refuses a stale one)
    version: int | None = None

    @classmethod
    def of(cls, contract: Contract) -> "ContractData":
        """The current description of ``contract`` (what an edit starts from)."""
        return cls(
            **{field.name: getattr(contract, field.name) for field in fields(cls) if field.name not in MANY},
            porteurs=list(contract.porteurs.all()),
            themes=list(contract.themes.all()),
        )

    def as_dict(self) -> dict:
        """The fields by name, objects as they are (``dataclasses.asdict`` would copy model instances)."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


MANY = ("porteurs", "themes")


def _problems(data: ContractData, *, contract: Contract | None, renews: Contract | None) -> list[str]:
    problems = column_problems(Contract, {"name": data.name, "summary": data.summary, "source": data.source})
    if data.kind not in ContractKind.values:
        problems.append(f"Type de contrat inconnu : « {data.kind} » (attendu : CLS ou CLSM).")
    if not data.name.strip():
        problems.append("Le nom du contrat est obligatoire.")
    if not data.porteurs:
        problems.append("Indiquez au moins une collectivité porteuse.")
    if data.department is not None and data.department.region_id != data.region.pk:
        problems.append(
            f"Le département {data.department} n’appartient pas à la région {data.region.name} de l’ARS."
        )
    problems += date_problems(
        launched_on=data.launched_on, signed_on=data.signed_on, starts_on=data.starts_on, ends_on=data.ends_on
    )
    problems += perimeter_region_problems(data.perimeter, data.region)
    expected_generation = renews.generation + 1 if renews and renews.generation else None
    if expected_generation is not None and data.generation not in (None, 1, expected_generation):
        problems.append(
            f"Ce contrat renouvelle « {renews.name} » : il est de la génération {expected_generation}, "
            f"pas {data.generation}."
        )
    elif data.generation is not None and not 1 <= data.generation <= 9:
        problems.append("La génération d’un contrat va de 1 à 9.")
    for theme in data.themes or []:
        if theme.region_id != data.region.pk:
            problems.append(f"Le socle « {theme.label} » n’est pas un socle de la région {data.region.name}.")
    if data.kind in ContractKind.values:
        status = contract.status if contract else Status.REFLECTION
        duplicate = (
            duplicate_of(kind=data.kind, perimeter=data.perimeter, exclude=contract, renews=renews)
            if status in OCCUPYING_STATUSES
            else None
        )
        if duplicate is not None:
            problems.append(
                f"Un {data.kind} est déjà en cours sur ce périmètre : « {duplicate.name} » "
                f"({duplicate.get_status_display().lower()}). Renouvelez-le ou modifiez-le plutôt que d’en "
                "créer un second."
            )
    return problems


def _check_authority(user, data: ContractData, *, status: str | None = None, existing_porteurs=()) -> None:
    """Refuse (``PermissionError``, French message) what ``user`` may not do with this description: name
    porteurs outside ``perms.porteur_candidates`` (porteurs already there are kept), describe a contract
    they could not edit afterwards, or create (``status`` given) one past the project phase without being
    its ARS."""
    if getattr(user, "is_superuser", False):
        return
    is_ars = perms.is_ars_for(user, region=data.region, department=data.department)
    kept = {org.pk for org in existing_porteurs}
    allowed = set(perms.porteur_candidates(user).values_list("pk", flat=True))
    refused = [org.name for org in data.porteurs if org.pk not in kept and org.pk not in allowed]
    if refused:
        raise PermissionError(
            "Vous ne pouvez pas désigner comme porteur : "
            + ", ".join(refused)
            + ". Un contrat est porté par "
            "une collectivité dont vous êtes éditeur·rice, ou désigné par l’ARS de sa région."
        )
    carries = {org.pk for org in data.porteurs} & perms.scope_of(user).editor_organisations
    if data.porteurs and not (is_ars or carries or kept & {org.pk for org in data.porteurs}):
        raise PermissionError(
            "Vous ne pouvez créer un contrat que pour une collectivité dont vous êtes éditeur·rice, "
            "ou en tant qu’ARS de sa région."
        )
    if status is not None and status not in PROJECT_STATUSES and not is_ars:
        raise PermissionError("Seule l’ARS enregistre un contrat déjà signé.")
    if status is not None and data.signed_on is not None and not is_ars:
        # The signature date is the ARS's, at creation as afterwards (``_signature_checks``).
        raise PermissionError("La date de signature est enregistrée par l’ARS, avec la signature.")


def _lock_regions(*regions: Region) -> None:
    """Lock the ARS régions concerned (PostgreSQL row locks; on SQLite the IMMEDIATE transaction already
    holds the write lock): contract creations and perimeter changes of one région are checked one at a
    time, so the duplicate rule holds under simultaneous requests."""
    pks = sorted({region.pk for region in regions if region is not None})
    list(Region.objects.select_for_update().filter(pk__in=pks).order_by("pk").values_list("pk", flat=True))


def _apply(contract: Contract, data: ContractData):
    for field in (
        "kind",
        "name",
        "perimeter",
        "region",
        "department",
        "summary",
        "launched_on",
        "signed_on",
        "starts_on",
        "is_published",
        "source",
    ):
        setattr(contract, field, getattr(data, field))
    contract.name = contract.name.strip()
    contract.ends_on = data.ends_on or default_end(data.starts_on)


def first_effective_date(data: ContractData | Contract, status: str) -> datetime.date:
    """When the first logged status of a contract created with ``status`` took effect: the launch for a
    project; for a contract recorded already signed (an existing one entered afterwards), its signature or
    start; else today. Reads only ``data``'s dates (a ``Contract`` will do: test factories pass one)."""
    if status in PROJECT_STATUSES:
        candidates = (data.launched_on,)
    else:
        candidates = (data.signed_on, data.starts_on, data.launched_on)
    today = timezone.localdate()
    return min(next((day for day in candidates if day), today), today)


def create_contract(
    *,
    user,
    data: ContractData,
    status: str = Status.REFLECTION,
    renews: Contract | None = None,
    reason: str = "Création du contrat sur la plateforme.",
) -> Contract:
    """Create a contract (first generation, or the renewal of ``renews``) and log its first status.

    Refuses (``ContractError``) dates out of order, a perimeter outside the ARS région, a duplicate
    occupying contract of the same kind on the same communes, a missing porteur; and (``PermissionError``)
    what the user has no authority for (see ``_check_authority``). The end date defaults to five years
    after the start.
    """
    _check_authority(user, data, status=status, existing_porteurs=renews.porteurs.all() if renews else ())
    if data.ends_on is None:
        data.ends_on = default_end(data.starts_on)
    with transaction.atomic():
        # Checked under the lock, so that two simultaneous creations cannot both pass the duplicate check.
        _lock_regions(data.region)
        problems = _problems(data, contract=None, renews=renews)
        if status not in Status.values:
            problems.append(f"Statut inconnu : « {status} ».")
        if problems:
            raise ContractError(problems)
        contract = Contract(
            status=status,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            renews=renews,
            generation=next_generation(renews) if renews else data.generation,
        )
        _apply(contract, data)
        try:
            with transaction.atomic():
                contract.save()
        except IntegrityError as exc:  # the one-renewal constraint, if a renewal slipped past the lock
            raise ContractError(f"« {renews} » a déjà un renouvellement.") from exc
        contract.porteurs.set(data.porteurs)
        contract.themes.set(data.themes or [])
        StatusChange.objects.create(
            contract=contract,
            from_status="",
            to_status=status,
            changed_by=contract.created_by,
            effective_on=first_effective_date(data, status),
            reason=reason,
        )
    return contract


def _signature_checks(contract: Contract, *, user, data: ContractData, problems: list[str]) -> list:
    """The signature data (the signature date; once signed, the period of validity) is the ARS's: refuse
    (``PermissionError``) anyone else changing it. Once signed, the signature date *is* the effective date
    of the signature in the status log: append to ``problems`` a date the log contradicts (before the
    previous step, after the next one, in the future, or emptied) and return the log entries whose
    effective date moves with it (the latest move to « signé », or the first entry of a contract recorded
    as already signed)."""
    signed = contract.status not in PROJECT_STATUSES
    changed = [data.signed_on != contract.signed_on]
    if signed:
        ends_on = data.ends_on or default_end(data.starts_on)
        changed += [data.starts_on != contract.starts_on, ends_on != contract.ends_on]
    if not any(changed):
        return []
    if not perms.can_sign(user, contract):
        raise PermissionError(
            "La date de signature, et une fois le contrat signé ses dates de validité, sont enregistrées "
            "par l’ARS : elles font foi avec le journal des statuts."
        )
    if not signed or data.signed_on == contract.signed_on:
        return []
    if data.signed_on is None:
        problems.append("Un contrat signé garde sa date de signature.")
        return []
    if data.signed_on > timezone.localdate():
        problems.append(
            f"La date de signature ({fr.short_date(data.signed_on)}) ne peut pas être dans le futur."
        )
    log = list(contract.status_changes.order_by("changed_at", "pk"))
    position = next((i for i in range(len(log) - 1, -1, -1) if log[i].to_status == Status.SIGNED), None)
    if position is None:
        # Recorded already signed: its first entry took effect at the signature (``first_effective_date``).
        first = log[0] if log else None
        return [first] if first is not None and first.effective_on == contract.signed_on else []
    before = log[position - 1] if position > 0 else None
    after = log[position + 1] if position + 1 < len(log) else None
    if before is not None and data.signed_on < before.effective_on:
        problems.append(
            f"La signature ({fr.short_date(data.signed_on)}) ne peut précéder l’étape précédente du journal "
            f"(« {before.get_to_status_display()} », {fr.short_date(before.effective_on)})."
        )
    if after is not None and data.signed_on > after.effective_on:
        problems.append(
            f"La signature ({fr.short_date(data.signed_on)}) ne peut suivre l’étape suivante du journal "
            f"(« {after.get_to_status_display()} », {fr.short_date(after.effective_on)})."
        )
    return [log[position]]


def update_contract(contract: Contract, *, user, data: ContractData) -> Contract:
    """Change a contract's description (not its status: see ``lifecycle.change_status``).

    Refuses the same problems as ``create_contract``; a signed contract keeps its kind. The signature data
    is the ARS's and stays in step with the status log (``_signature_checks``). With ``data.version`` (what
    the user read), refuses (``VersionConflict``, nothing written) when the contract has been changed since.
    """
    _check_authority(user, data, existing_porteurs=contract.porteurs.all())
    with transaction.atomic():
        _lock_regions(data.region, contract.region)
        problems = _problems(data, contract=contract, renews=contract.renews)
        if data.kind != contract.kind and contract.status not in (Status.REFLECTION, Status.PREFIGURATION):
            problems.append("Le type d’un contrat ne peut plus changer une fois le diagnostic engagé.")
        signature_moves = _signature_checks(contract, user=user, data=data, problems=problems)
        if problems:
            raise ContractError(problems)
        for change in signature_moves:
            change.effective_on = data.signed_on
            change.save(update_fields=["effective_on"])
        _apply(contract, data)
        if contract.renews_id is None:
            contract.generation = data.generation
        contract.save(expected_version=data.version)
        contract.porteurs.set(data.porteurs)
        contract.themes.set(data.themes or [])
    return contract


def next_generation(contract: Contract) -> int | None:
    """The generation of the contract that renews ``contract``: the next one, or unknown as its own."""
    return contract.generation + 1 if contract.generation else None


def renew_contract(
    contract: Contract, *, user, name: str, launched_on: datetime.date | None = None
) -> Contract:
    """Open the next generation of ``contract`` on the same perimeter, porteurs, région and themes.

    Refused when the contract has not been signed yet or already has a renewal (checked with the contract
    locked, and guaranteed by the ``one_renewal_per_contract`` constraint).
    """
    with transaction.atomic():
        _lock_regions(contract.region)  # first, in the same order as creations and edits (no deadlock)
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        problems = []
        if contract.status in (Status.REFLECTION, Status.PREFIGURATION, Status.DIAGNOSIS, Status.DRAFTING):
            problems.append("Seul un contrat signé peut être renouvelé.")
        existing = contract.renewals.first()
        if existing is not None:
            problems.append(f"Ce contrat a déjà un renouvellement : « {existing.name} ».")
        if problems:
            raise ContractError(problems)
        return _create_renewal(contract, user=user, name=name, launched_on=launched_on)


def _create_renewal(contract: Contract, *, user, name: str, launched_on) -> Contract:
    data = ContractData(
        kind=contract.kind,
        name=name,
        perimeter=contract.perimeter,
        region=contract.region,
        department=contract.department,
        porteurs=list(contract.porteurs.all()),
        summary=contract.summary,
        launched_on=launched_on or timezone.localdate(),
        themes=list(contract.themes.all()),
    )
    return create_contract(
        user=user, data=data, renews=contract, reason=f"Renouvellement de « {contract.name} »."
    )


# --- Signatories ------------------------------------------------------------------------------------


def add_signatory(
    contract: Contract,
    *,
    kind: str,
    name: str,
    representative: str = "",
    signed_on: datetime.date | None = None,
    organisation: Organisation | None = None,
    user=None,
) -> Signatory:
    """Record a signatory. Refuses an unknown kind, an empty name, a party already recorded, and a
    signature dated before the launch of the approach or after the end of the contract.

    A signatory naming an ``organisation`` of the platform is confirmed at once when ``user`` may confirm
    it (the contract's ARS, or an editor of that organisation); otherwise it waits for that confirmation
    (``confirm_signatory``) and gives that organisation's members nothing more than the public sees."""
    with transaction.atomic():
        # The contract locked, two identical signatories sent together are checked one after the other.
        Contract.objects.select_for_update().filter(pk=contract.pk).values_list("pk", flat=True).first()
        return _add_signatory(
            contract,
            kind=kind,
            name=name,
            representative=representative,
            signed_on=signed_on,
            organisation=organisation,
            user=user,
        )


def _add_signatory(contract, *, kind, name, representative, signed_on, organisation, user) -> Signatory:
    name = name.strip()
    # First: a name PostgreSQL cannot even compare (NUL byte) must not reach the duplicate query below.
    problems = column_problems(Signatory, {"name": name, "representative": representative})
    if kind not in SignatoryKind.values:
        problems.append(f"Type de signataire inconnu : « {kind} ».")
    if not name:
        problems.append("Le nom de l’organisme signataire est obligatoire.")
    if name and not problems and contract.signatories.filter(kind=kind, name__iexact=name).exists():
        problems.append(f"« {name} » figure déjà parmi les signataires.")
    if signed_on and contract.launched_on and signed_on < contract.launched_on:
        problems.append(
            f"La signature de « {name} » ({fr.short_date(signed_on)}) précède le lancement de la démarche "
            f"({fr.short_date(contract.launched_on)})."
        )
    if signed_on and contract.ends_on and signed_on > contract.ends_on:
        problems.append(
            f"La signature de « {name} » ({fr.short_date(signed_on)}) est postérieure à la fin du contrat "
            f"({fr.short_date(contract.ends_on)})."
        )
    if problems:
        raise ContractError(problems)
    signatory = Signatory(
        contract=contract,
        kind=kind,
        name=name,
        representative=representative.strip(),
        signed_on=signed_on,
        organisation=organisation,
    )
    if (
        organisation is not None
        and user is not None
        and user.has_perm("contracts.confirm_signatory", signatory)
    ):
        signatory.confirmed_at = timezone.now()
        signatory.confirmed_by = user
    try:
        with transaction.atomic():
            signatory.save()
    except IntegrityError as exc:
        raise ContractError(f"« {name} » figure déjà parmi les signataires.") from exc
    return signatory


def confirm_signatory(signatory: Signatory, *, user) -> Signatory:
    """Confirm that ``signatory``'s organisation signs the contract, recording who and when: from then on
    its members take part in the contract. Refuses (``PermissionError``) anyone but the contract's ARS and
    the organisation's editors, and (``ContractError``) a signatory without an organisation of the
    platform or already confirmed."""
    if not user.has_perm("contracts.confirm_signatory", signatory):
        raise PermissionError(
            "Seule l’ARS du contrat, ou l’organisation signataire elle-même, confirme sa participation."
        )
    if signatory.organisation_id is None:
        raise ContractError(f"« {signatory.name} » n’est pas une organisation de la plateforme.")
    if signatory.confirmed_at is not None:
        raise ContractError(f"La participation de « {signatory.name} » est déjà confirmée.")
    signatory.confirmed_at = timezone.now()
    signatory.confirmed_by = user
    signatory.save(update_fields=["confirmed_at", "confirmed_by"])
    return signatory


def remove_signatory(signatory: Signatory) -> None:
    """Remove a signatory; refused once the contract is signed (the signed parties are history), except
    an organisation that never confirmed it signs (naming it by mistake must be undoable)."""
    unconfirmed = signatory.organisation_id is not None and signatory.confirmed_at is None
    if not unconfirmed and signatory.contract.status not in (
        Status.REFLECTION,
        Status.PREFIGURATION,
        Status.DIAGNOSIS,
        Status.DRAFTING,
    ):
        raise ContractError(
            "Le contrat est signé : ses signataires ne peuvent plus être retirés. "
            "Ajoutez un avenant ou repassez le contrat en élaboration."
        )
    signatory.delete()


# --- Links ------------------------------------------------------------------------------------------

_LINK_RULES = {
    # kind: (kind of the contract carrying the link, what the target is)
    LinkKind.MENTAL_HEALTH_VOLET: (ContractKind.CLSM, "contract"),
    LinkKind.CITY_CONTRACT_HEALTH_VOLET: (ContractKind.CLS, "city_contract"),
    LinkKind.PTSM: (ContractKind.CLSM, "name"),
    LinkKind.ASV: (ContractKind.CLS, "name"),
}


def add_link(
    contract: Contract,
    *,
    kind: str,
    target_contract: Contract | None = None,
    city_contract: CityContract | None = None,
    target_name: str = "",
    target_url: str = "",
) -> ContractLink:
    """Articulate ``contract`` with another scheme.

    A mental-health volet link is stored on the CLSM and points to the CLS, whichever side it is made
    from. Refuses a link that does not fit the contract's kind, a missing target, a target outside the
    contract's région, a link already recorded, and an address that is not a plain http(s) web address
    (``utils.links.clean_url``: no ``javascript:``).
    """
    if kind not in _LINK_RULES:
        raise ContractError(f"Articulation inconnue : « {kind} ».")
    carrier_kind, target_type = _LINK_RULES[kind]
    if kind == LinkKind.MENTAL_HEALTH_VOLET and contract.kind == ContractKind.CLS and target_contract:
        contract, target_contract = target_contract, contract
    problems = []
    label = LinkKind(kind).label
    if contract.kind != carrier_kind:
        problems.append(f"L’articulation « {label} » ne s’applique pas à un {contract.kind}.")
    if target_type == "contract":
        if target_contract is None:
            problems.append("Choisissez le CLS dont ce CLSM est le volet santé mentale.")
        elif target_contract.kind != ContractKind.CLS:
            problems.append(f"« {target_contract.name} » n’est pas un CLS.")
        elif target_contract.region_id != contract.region_id:
            problems.append(f"« {target_contract.name} » relève d’une autre région.")
    elif target_type == "city_contract":
        if city_contract is None:
            problems.append("Choisissez le contrat de ville dont ce CLS est le volet santé.")
        elif city_contract.department and city_contract.department.region_id != contract.region_id:
            problems.append(f"Le contrat de ville « {city_contract.name} » relève d’une autre région.")
    elif not target_name.strip():
        problems.append("Indiquez le nom du dispositif lié (PTSM, ASV).")
    problems += column_problems(ContractLink, {"target_name": target_name.strip()})
    if target_type == "name":
        try:
            target_url = clean_url(
                target_url, max_length=ContractLink._meta.get_field("target_url").max_length
            )
        except UnsafeUrl as exc:
            problems.append(str(exc))
    if not problems:
        existing = ContractLink.objects.filter(
            contract=contract,
            kind=kind,
            target_contract=target_contract if target_type == "contract" else None,
            city_contract=city_contract if target_type == "city_contract" else None,
            target_name=target_name.strip() if target_type == "name" else "",
        )
        if existing.exists():
            problems.append("Cette articulation est déjà enregistrée.")
    if problems:
        raise ContractError(problems)
    return ContractLink.objects.create(
        contract=contract,
        kind=kind,
        target_contract=target_contract if target_type == "contract" else None,
        city_contract=city_contract if target_type == "city_contract" else None,
        target_name=target_name.strip() if target_type == "name" else "",
        target_url=target_url if target_type == "name" else "",
    )


def remove_link(contract: Contract, link: ContractLink) -> None:
    """Remove a link carried by ``contract`` or pointing to it; refuses a link of other contracts."""
    if contract.pk not in (link.contract_id, link.target_contract_id):
        raise ContractError("Cette articulation ne concerne pas ce contrat.")
    link.delete()


# --- Contacts ---------------------------------------------------------------------------------------


def add_contact(contract: Contract, **fields) -> Contact:
    """Add a professional contact (``role``, ``name``, ``organisation``, ``email``, ``phone``,
    ``is_public``); refuses an unknown role, a missing name or organisation, an invalid e-mail address."""
    return _save_contact(Contact(contract=contract), **fields)


def update_contact(contact: Contact, *, expected_version: int | None = None, **fields) -> Contact:
    """Change a contact (same fields and rules as ``add_contact``). With ``expected_version``, a contact
    changed since by someone else is not overwritten (``VersionConflict``, nothing written)."""
    return _save_contact(contact, expected_version=expected_version, **fields)


def _save_contact(
    contact: Contact,
    *,
    role: str,
    name: str,
    organisation: str,
    email: str = "",
    phone: str = "",
    is_public: bool = True,
    expected_version: int | None = None,
) -> Contact:
    values = {"name": name.strip(), "organisation": organisation.strip(), "email": email.strip()}
    values["phone"] = phone.strip()
    problems = []
    if role not in ContactRole.values:
        problems.append(f"Rôle inconnu : « {role} ».")
    for field, label in (("name", "Le nom ou la fonction"), ("organisation", "L’organisation")):
        if not values[field]:
            problems.append(f"{label} du contact est obligatoire.")
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            problems.append(f"Adresse électronique invalide : « {values['email']} ».")
    problems += column_problems(Contact, values)
    if problems:
        raise ContractError(problems)
    for field, value in values.items():
        setattr(contact, field, value)
    contact.role, contact.is_public = role, bool(is_public)
    contact.save(expected_version=expected_version)
    return contact


# --- Regional themes (« socles ») -------------------------------------------------------------------

#: The themes the seeds document: Occitanie's four « socles obligatoires » and PACA's five.
DEFAULT_THEMES = {
    "76": [
        ("Prévention et promotion de la santé", False),
        ("Accès aux soins (notamment des plus précaires)", False),
        ("Santé environnementale", False),
        ("Santé mentale dans son champ large", True),
    ],
    "93": [
        ("Prévention et promotion de la santé", False),
        ("Santé mentale", True),
        ("Santé environnementale", False),
        ("Organisation sanitaire", False),
        ("Participation citoyenne et mobilisation des usagers", False),
    ],
}


def seed_default_themes() -> int:
    """Give Occitanie and PACA their published socles when they have none yet; return how many were made.

    An ARS administrator's later changes are never overwritten.
    """
    created = 0
    with transaction.atomic():
        for region_code, themes in DEFAULT_THEMES.items():
            region = Region.objects.filter(pk=region_code).first()
            if region is None or region.themes.exists():
                continue
            for position, (label, mental_health) in enumerate(themes, start=1):
                RegionalTheme.objects.create(
                    region=region, label=label, is_mental_health=mental_health, position=position
                )
                created += 1
    return created


def add_theme(
    region: Region, *, label: str, is_mental_health: bool = False, description: str = ""
) -> RegionalTheme:
    """Add a socle to a région; refuses an empty or duplicate label (checked with the région locked, so
    two identical socles sent together give one socle and one French refusal)."""
    label = label.strip()
    if not label:
        raise ContractError("L’intitulé du socle est obligatoire.")
    duplicate = f"Le socle « {label} » existe déjà pour la région {region.name}."
    with transaction.atomic():
        _lock_regions(region)
        if region.themes.filter(label__iexact=label).exists():
            raise ContractError(duplicate)
        position = (region.themes.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        try:
            with transaction.atomic():
                return RegionalTheme.objects.create(
                    region=region,
                    label=label,
                    is_mental_health=is_mental_health,
                    description=description,
                    position=position,
                )
        except IntegrityError as exc:
            raise ContractError(duplicate) from exc


def remove_theme(theme: RegionalTheme) -> None:
    """Remove a socle; refused while a contract declares it (it would silently change its checklist)."""
    used = theme.contracts.count()
    if used:
        raise ContractError(
            f"Le socle « {theme.label} » est couvert par {used} contrat(s) : "
            "retirez-le d’abord de ces contrats."
        )
    theme.delete()
