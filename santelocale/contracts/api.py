"""API router of the contracts app: what a user does in the browser, with the same permissions.

Reading follows ``contracts.view_contract`` (the public reads published contracts; a draft answers 404 to
whoever may not see it). Every write needs a session (``django_auth``: 401 otherwise), then the right to
act (403 with a French reason), then the business rules of the services (422 listing every problem, nothing
written). Operations are thin: parse, look up what the ids name, call a service, describe the result.
"""

import datetime
from uuid import UUID

from django.db.models import Q
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from santelocale.accounts.enums import OrganisationKind
from santelocale.accounts.models import Organisation, User
from santelocale.accounts.services import UnknownAccount, account_of
from santelocale.api.schemas import (
    Choice,
    ConflictOut,
    DifferenceOut,
    ErrorOut,
    PlaceOut,
    RefOut,
    conflicted,
    found,
    refused,
    version_read,
)
from santelocale.contracts import reading
from santelocale.contracts.compliance import checklist
from santelocale.contracts.enums import (
    BodyKind,
    ContactRole,
    ContractKind,
    LinkKind,
    MemberRole,
    Quart,
    SignatoryKind,
    StatusGroup,
)
from santelocale.contracts.enums import Status as ContractStatus
from santelocale.contracts.filtersets import ContractFilterSet
from santelocale.contracts.governance import (
    NO_HEALTH_DATA,
    add_body,
    add_meeting,
    add_member,
    update_body,
    update_meeting,
    update_member,
)
from santelocale.contracts.lifecycle import change_status, options_for
from santelocale.contracts.models import (
    Body,
    BodyMember,
    Contact,
    Contract,
    ContractLink,
    Meeting,
    RegionalTheme,
    Signatory,
    StatusChange,
)
from santelocale.contracts.services import (
    ContractData,
    ContractError,
    add_contact,
    add_link,
    add_signatory,
    add_theme,
    confirm_signatory,
    create_contract,
    remove_signatory,
    remove_theme,
    renew_contract,
    update_contact,
    update_contract,
)
from santelocale.indicators.models import Indicator
from santelocale.indicators.schemas import IndicatorOut
from santelocale.indicators.services import IndicatorError, add_indicator
from santelocale.territories.models import CityContract, Department, Perimeter, Region
from santelocale.utils.bounds import MAX_ITEMS, Bounded, Id, Text
from santelocale.utils.versioning import VersionConflict

contracts_router = Router(tags=["contrats"])
RegionCode = Bounded(RegionalTheme, "region")

#: Fields a PATCH cannot set to null (sent as null, they are left unchanged).
NOT_NULLABLE = (
    "kind",
    "name",
    "perimeter",
    "region",
    "porteurs",
    "summary",
    "themes",
    "is_published",
    "source",
)
CANNOT_CHANGE = (
    "Vous pouvez consulter ce contrat mais pas le modifier : seuls les éditeur·rices de ses collectivités "
    "porteuses et l’ARS de sa région le peuvent."
)


# --- Output -----------------------------------------------------------------------------------------
# Each operation returns the objects (contracts, signatories, bodies…); the schemas below say what is shown
# of them. What depends on the reader (``contracts.reading``) is resolved with the request's user, which
# ninja passes to every resolver taking ``context``.


def _reader(context):
    """The user an answer is for."""
    return context["request"].user


class PerimeterSummaryOut(RefOut):
    population: int = Field(description="population municipale des communes du périmètre")
    commune_count: int = Field(description="nombre de communes")


class OrganisationOut(Schema):
    id: int = Field(description="identifiant de l’organisation sur la plateforme")
    name: str = Field(description="nom")
    kind: Choice(OrganisationKind) = Field(description="type d’organisation")


class ThemeOut(Schema):
    id: int = Field(description="identifiant du socle")
    label: str = Field(description="intitulé du socle thématique")
    description: str = Field("", description="précisions")
    is_mental_health: bool = Field(description="vrai pour le socle qui répond au volet santé mentale")
    position: int = Field(0, description="ordre d’affichage")


class SignatoryOut(Schema):
    id: int = Field(description="identifiant du signataire")
    kind: Choice(SignatoryKind) = Field(description="type de signataire")
    kind_label: str = Field(description="type de signataire, en clair")
    name: str = Field(description="organisme signataire")
    representative: str = Field(description="représenté par (fonction)")
    signed_on: datetime.date | None = Field(description="date de signature")
    organisation_id: int | None = Field(description="organisation correspondante sur la plateforme")
    confirmed_at: datetime.datetime | None = Field(
        description="participation confirmée (par l’ARS ou l’organisation) : ses membres sont alors parties "
        "au contrat ; vide tant qu’elle ne l’est pas"
    )

    @staticmethod
    def resolve_kind_label(signatory: Signatory) -> str:
        return signatory.get_kind_display()


# ``incoming`` (the link is carried by the other contract) is set by whoever reads the link from a contract.
class LinkOut(Schema):
    id: int = Field(description="identifiant de l’articulation")
    kind: Choice(LinkKind) = Field(description="type d’articulation")
    kind_label: str = Field(description="articulation, en clair")
    incoming: bool = Field(description="vrai quand l’articulation est portée par l’autre contrat")
    contract: RefOut = Field(description="contrat qui porte l’articulation")
    target_contract: RefOut | None = Field(description="contrat lié")
    city_contract: str | None = Field(description="contrat de ville lié (génération-code, ex. 2015-CV302)")
    target_label: str = Field(description="ce à quoi le contrat est articulé, en clair")
    target_url: str = Field(description="adresse du dispositif lié")

    @staticmethod
    def resolve_kind_label(link: ContractLink) -> str:
        return link.get_kind_display()

    @staticmethod
    def resolve_city_contract(link: ContractLink) -> str | None:
        return link.city_contract.slug if link.city_contract_id else None


class MemberOut(Schema):
    id: int = Field(description="identifiant du membre (pour les présences aux réunions)")
    version: int = Field(description="version, à renvoyer pour le modifier (PUT)")
    person: str = Field(description="personne ou fonction. " + NO_HEALTH_DATA)
    organisation: str = Field(description="organisation")
    role: Choice(MemberRole) = Field(description="rôle dans l’instance")
    role_label: str = Field(description="rôle, en clair")
    quart: Choice(Quart, blank=True) = Field(description="quart du CLSM, ou vide")
    term_starts_on: datetime.date | None = Field(description="début du mandat")
    term_ends_on: datetime.date | None = Field(description="fin du mandat")
    is_current: bool = Field(description="mandat en cours aujourd’hui")
    has_account: bool = Field(description="siège lié au compte de la personne (qui lit les comptes rendus)")

    @staticmethod
    def resolve_has_account(member: BodyMember) -> bool:
        return member.user_id is not None

    @staticmethod
    def resolve_role_label(member: BodyMember) -> str:
        return member.get_role_display()

    @staticmethod
    def resolve_is_current(member: BodyMember) -> bool:
        return member.is_current()


def _minutes_visible(meeting: Meeting) -> bool:
    """Set by ``BodyOut`` from ``reading.bodies`` (``minutes_visible``); a new meeting is its author's."""
    return getattr(meeting, "minutes_visible", True)


class MeetingOut(Schema):
    id: int = Field(description="identifiant de la réunion")
    version: int = Field(description="version, à renvoyer pour la modifier (PUT)")
    held_on: datetime.date = Field(description="date")
    agenda: str = Field(
        description="ordre du jour (vide pour une cellule cas complexes, et pour qui n’est ni éditeur des "
        "porteurs, ni l’ARS, ni membre de l’instance). " + NO_HEALTH_DATA
    )
    minutes: str = Field(description="compte rendu (mêmes réserves que l’ordre du jour). " + NO_HEALTH_DATA)
    decisions: str = Field(description="décisions (mêmes réserves que l’ordre du jour). " + NO_HEALTH_DATA)
    attendee_ids: list[int] = Field(description="membres présents")
    other_attendees: int = Field(description="autres participants")
    cases_reviewed: int | None = Field(description="situations examinées (cellule cas complexes)")

    @staticmethod
    def resolve_agenda(meeting: Meeting) -> str:
        return meeting.agenda if _minutes_visible(meeting) else ""

    @staticmethod
    def resolve_minutes(meeting: Meeting) -> str:
        return meeting.minutes if _minutes_visible(meeting) else ""

    @staticmethod
    def resolve_decisions(meeting: Meeting) -> str:
        return meeting.decisions if _minutes_visible(meeting) else ""

    @staticmethod
    def resolve_attendee_ids(meeting: Meeting) -> list[int]:
        return [member.pk for member in meeting.attendees.all()]


# A body as ``reading.bodies`` prepared it: members and meetings when ``details_visible``, their
# agenda, minutes and decisions when ``minutes_visible`` (a new body is its author's: both).
class BodyOut(Schema):
    id: int = Field(description="identifiant de l’instance")
    version: int = Field(description="version, à renvoyer pour la modifier (PUT)")
    kind: Choice(BodyKind) = Field(description="type d’instance")
    kind_label: str = Field(description="type d’instance, en clair")
    name: str = Field(description="nom de l’instance")
    mandate: str = Field(description="rôle et thème. " + NO_HEALTH_DATA)
    member_count: int = Field(description="membres dont le mandat est en cours")
    quarts: list[Choice(Quart)] = Field(description="quarts du CLSM représentés par les membres en cours")
    meeting_count: int = Field(description="nombre de réunions enregistrées")
    last_meeting_on: datetime.date | None = Field(description="date de la dernière réunion")
    members: list[MemberOut] = Field(description="membres (parties au contrat seulement)")
    meetings: list[MeetingOut] = Field(description="réunions (parties au contrat seulement)")

    @staticmethod
    def resolve_kind_label(body: Body) -> str:
        return body.get_kind_display()

    @staticmethod
    def resolve_member_count(body: Body) -> int:
        return sum(1 for member in body.members.all() if member.is_current())

    @staticmethod
    def resolve_quarts(body: Body) -> list[str]:
        return sorted({m.quart for m in body.members.all() if m.is_current() and m.quart})

    @staticmethod
    def resolve_meeting_count(body: Body) -> int:
        return len(body.meetings.all())

    @staticmethod
    def resolve_last_meeting_on(body: Body) -> datetime.date | None:
        return max((m.held_on for m in body.meetings.all()), default=None)

    @staticmethod
    def resolve_members(body: Body) -> list[BodyMember]:
        return list(body.members.all()) if getattr(body, "details_visible", True) else []

    @staticmethod
    def resolve_meetings(body: Body) -> list[Meeting]:
        if not getattr(body, "details_visible", True):
            return []
        meetings = list(body.meetings.all())
        for meeting in meetings:
            meeting.minutes_visible = getattr(body, "minutes_visible", True)
        return meetings


class ContactOut(Schema):
    id: int = Field(description="identifiant du contact")
    version: int = Field(description="version, à renvoyer pour le modifier (PUT)")
    role: Choice(ContactRole) = Field(description="rôle du contact")
    role_label: str = Field(description="rôle, en clair")
    name: str = Field(description="nom ou fonction")
    organisation: str = Field(description="organisation")
    email: str = Field(description="adresse électronique professionnelle")
    phone: str = Field(description="téléphone professionnel")
    is_public: bool = Field(description="publié dans l’annuaire")

    @staticmethod
    def resolve_role_label(contact: Contact) -> str:
        return contact.get_role_display()


class StatusChangeOut(Schema):
    from_status: Choice(ContractStatus, blank=True) = Field(
        description="statut de départ (vide à la création)"
    )
    from_label: str = Field(description="statut de départ, en clair")
    to_status: Choice(ContractStatus) = Field(description="nouveau statut")
    to_label: str = Field(description="nouveau statut, en clair")
    effective_on: datetime.date = Field(description="date d’effet")
    changed_at: datetime.datetime = Field(description="date d’enregistrement")
    reason: str = Field(description="motif")
    changed_by: str | None = Field(description="auteur du changement (éditeur·rices du contrat seulement)")

    @staticmethod
    def resolve_from_label(change: StatusChange) -> str:
        return change.get_from_status_display() if change.from_status else ""

    @staticmethod
    def resolve_to_label(change: StatusChange) -> str:
        return change.get_to_status_display()

    @staticmethod
    def resolve_changed_by(change: StatusChange) -> str | None:
        """Named when ``author_visible`` (set by ``ContractOut`` from ``reading.authors_visible``; the author
        of a new move reads their own name)."""
        by = change.changed_by
        if by is None or not getattr(change, "author_visible", True):
            return None
        return by.get_full_name() or by.email


class ItemOut(Schema):
    code: str = Field(description="identifiant du critère")
    label: str = Field(description="critère")
    ok: bool = Field(description="vrai quand le critère est rempli")
    blocking: bool = Field(description="vrai quand le critère empêche la signature s’il n’est pas rempli")
    status_label: str = Field(description="Conforme, Bloquant ou À examiner")
    detail: str = Field(description="ce qui est constaté")
    reason: str = Field(description="pourquoi ce critère compte")
    reference: str = Field(description="texte de référence")


class OptionOut(Schema):
    target: Choice(ContractStatus) = Field(description="statut visé")
    target_label: str = Field(description="statut visé, en clair")
    label: str = Field(description="libellé de l’action")
    backwards: bool = Field(description="retour en arrière (journalisé comme les autres)")
    allowed: bool = Field(description="vrai quand le passage est possible maintenant")
    blockers: list[str] = Field(description="ce qui manque, quand le passage est bloqué")

    @staticmethod
    def resolve_target_label(option) -> str:
        return ContractStatus(option.target).label

    @staticmethod
    def resolve_backwards(option) -> bool:
        return option.transition.backwards


class ContractSummaryOut(Schema):
    id: UUID = Field(description="identifiant public", validation_alias="public_id")
    kind: Choice(ContractKind) = Field(description="type de contrat")
    name: str = Field(description="nom")
    status: Choice(ContractStatus) = Field(description="statut")
    status_label: str = Field(description="statut tel qu’affiché (« à échéance » une fois la fin passée)")
    group: Choice(StatusGroup) = Field(description="famille de la carte")
    group_label: str = Field(description="famille, en clair")
    region: PlaceOut = Field(description="région de l’ARS")
    department: PlaceOut | None = Field(description="département (délégation de l’ARS)")
    generation: int | None = Field(description="génération (1 pour un premier contrat ; null si inconnue)")
    period_label: str = Field(description="période de validité (ex. 2024-2029)")
    porteurs: list[str] = Field(description="collectivités porteuses")
    is_published: bool = Field(description="publié (visible du public)")

    @staticmethod
    def resolve_status_label(contract: Contract) -> str:
        return contract.status_display()

    @staticmethod
    def resolve_group(contract: Contract) -> str:
        return contract.group()

    @staticmethod
    def resolve_group_label(contract: Contract) -> str:
        return contract.group().label

    @staticmethod
    def resolve_porteurs(contract: Contract) -> list[str]:
        return [org.name for org in contract.porteurs.all()]


# Everything the contract page shows, narrowed to what the reader may read (``contracts.reading``).
class ContractOut(ContractSummaryOut):
    version: int = Field(description="version (à renvoyer dans PATCH : verrouillage optimiste)")
    kind_label: str = Field(description="type, en clair")
    summary: str = Field(description="présentation")
    generation_label: str = Field(description="génération, en clair")
    renews: RefOut | None = Field(description="contrat de la génération précédente")
    renewals: list[RefOut] = Field(description="contrats de la génération suivante")
    perimeter: PerimeterSummaryOut = Field(description="périmètre")
    porteur_organisations: list[OrganisationOut] = Field(description="collectivités porteuses")
    launched_on: datetime.date | None = Field(description="lancement de la démarche")
    signed_on: datetime.date | None = Field(description="signature")
    starts_on: datetime.date | None = Field(description="début de validité")
    ends_on: datetime.date | None = Field(description="fin de validité")
    is_overdue: bool = Field(description="en vigueur mais sa fin de validité est passée")
    source: str = Field(description="source de l’information")
    themes: list[ThemeOut] = Field(description="socles thématiques régionaux couverts")
    signatories: list[SignatoryOut] = Field(description="signataires")
    links: list[LinkOut] = Field(description="articulations avec d’autres dispositifs")
    governance: list[BodyOut] = Field(description="instances de gouvernance")
    contacts: list[ContactOut] = Field(
        description="contacts (les non publiés : éditeurs des porteurs et ARS seulement)"
    )
    indicators: list[IndicatorOut] = Field(description="indicateurs d’évaluation")
    history: list[StatusChangeOut] = Field(description="changements de statut, du plus ancien au plus récent")
    compliance: list[ItemOut] = Field(description="liste de conformité")
    can_change: bool = Field(description="vrai quand vous pouvez modifier ce contrat")
    can_sign: bool = Field(description="vrai quand vous pouvez enregistrer sa signature (ARS)")

    @staticmethod
    def resolve_kind_label(contract: Contract) -> str:
        return contract.get_kind_display()

    @staticmethod
    def resolve_renews(contract: Contract, context) -> Contract | None:
        return reading.renews(contract, _reader(context))

    @staticmethod
    def resolve_renewals(contract: Contract, context) -> list[Contract]:
        return reading.renewals(contract, _reader(context))

    @staticmethod
    def resolve_porteur_organisations(contract: Contract) -> list[Organisation]:
        return list(contract.porteurs.all())

    @staticmethod
    def resolve_is_overdue(contract: Contract) -> bool:
        return contract.is_overdue()

    @staticmethod
    def resolve_signatories(contract: Contract, context) -> list[Signatory]:
        return list(reading.signatories(contract, _reader(context)))

    @staticmethod
    def resolve_links(contract: Contract, context) -> list[ContractLink]:
        links = reading.links(contract, _reader(context))
        for link in links:
            link.incoming = link.contract_id != contract.pk
        return links

    @staticmethod
    def resolve_governance(contract: Contract, context) -> list[Body]:
        return reading.bodies(contract, _reader(context))

    @staticmethod
    def resolve_contacts(contract: Contract, context) -> list[Contact]:
        return list(reading.contacts(contract, _reader(context)))

    @staticmethod
    def resolve_indicators(contract: Contract, context) -> list[Indicator]:
        return list(reading.indicators(contract, _reader(context)))

    @staticmethod
    def resolve_history(contract: Contract, context) -> list[StatusChange]:
        user = _reader(context)
        changes = list(reading.status_changes(contract, user))
        author_visible = reading.authors_visible(contract, user)
        for change in changes:
            change.author_visible = author_visible
        return changes

    @staticmethod
    def resolve_compliance(contract: Contract, context) -> list:
        return checklist(contract, _reader(context))

    @staticmethod
    def resolve_can_change(contract: Contract, context) -> bool:
        return _reader(context).has_perm("contracts.change_contract", contract)

    @staticmethod
    def resolve_can_sign(contract: Contract, context) -> bool:
        return _reader(context).has_perm("contracts.sign_contract", contract)


class ContractConflictOut(ConflictOut):
    detail: str = Field(description="le contrat a changé depuis la version envoyée : rien n’est écrit")
    differences: list[DifferenceOut] = Field(description="champs envoyés dont la valeur actuelle diffère")
    current: ContractOut = Field(description="le contrat tel qu’il est maintenant (avec sa version)")


# --- Input ------------------------------------------------------------------------------------------


class ContractIn(Schema):
    kind: Bounded(Contract, "kind") = Field(description="CLS ou CLSM")
    name: Bounded(Contract, "name") = Field(description="nom du contrat")
    perimeter: UUID = Field(description="identifiant public du périmètre (voir /api/perimetres)")
    region: Bounded(Contract, "region") = Field(description="code INSEE de la région de l’ARS (ex. 76)")
    department: Bounded(Contract, "department") | None = Field(
        None, description="code du département de la délégation de l’ARS"
    )
    porteurs: list[Bounded(Contract, "porteurs")] = Field(
        description="identifiants des collectivités porteuses", max_length=MAX_ITEMS
    )
    launched_on: Bounded(Contract, "launched_on") | None = Field(
        None, description="lancement de la démarche (AAAA-MM-JJ)"
    )
    signed_on: Bounded(Contract, "signed_on") | None = Field(None, description="signature (AAAA-MM-JJ)")
    starts_on: Bounded(Contract, "starts_on") | None = Field(
        None, description="début de validité (AAAA-MM-JJ)"
    )
    ends_on: Bounded(Contract, "ends_on") | None = Field(
        None, description="fin de validité (par défaut : cinq ans après le début)"
    )
    summary: Bounded(Contract, "summary") = Field("", description="présentation")
    themes: list[Bounded(Contract, "themes")] = Field(
        [], description="identifiants des socles régionaux couverts", max_length=MAX_ITEMS
    )
    is_published: bool = Field(False, description="publier le contrat (visible du public)")
    source: Bounded(Contract, "source") = Field("", description="source de l’information")
    generation: Bounded(Contract, "generation") | None = Field(
        1, description="génération (1 pour un premier contrat ; null si les sources ne la donnent pas)"
    )
    status: Bounded(Contract, "status") = Field(
        ContractStatus.REFLECTION,
        description="statut initial (en réflexion par défaut ; seule l’ARS enregistre un contrat déjà signé)",
    )


class ContractPatch(Schema):
    version: int = version_read("le contrat")
    kind: Bounded(Contract, "kind") | None = Field(None, description="CLS ou CLSM")
    name: Bounded(Contract, "name") | None = Field(None, description="nom du contrat")
    perimeter: UUID | None = Field(None, description="identifiant public du périmètre")
    region: Bounded(Contract, "region") | None = Field(None, description="code INSEE de la région de l’ARS")
    department: Bounded(Contract, "department") | None = Field(
        None, description="code du département (null pour l’effacer)"
    )
    porteurs: list[Bounded(Contract, "porteurs")] | None = Field(
        None, description="identifiants des collectivités porteuses", max_length=MAX_ITEMS
    )
    launched_on: Bounded(Contract, "launched_on") | None = Field(None, description="lancement de la démarche")
    signed_on: Bounded(Contract, "signed_on") | None = Field(None, description="signature")
    starts_on: Bounded(Contract, "starts_on") | None = Field(None, description="début de validité")
    ends_on: Bounded(Contract, "ends_on") | None = Field(None, description="fin de validité")
    summary: Bounded(Contract, "summary") | None = Field(None, description="présentation")
    themes: list[Bounded(Contract, "themes")] | None = Field(
        None, description="identifiants des socles couverts (liste complète)", max_length=MAX_ITEMS
    )
    is_published: bool | None = Field(None, description="publié")
    source: Bounded(Contract, "source") | None = Field(None, description="source de l’information")
    generation: Bounded(Contract, "generation") | None = Field(
        None,
        description="génération (null si les sources ne la donnent pas ; sans effet sur un renouvellement)",
    )


class TransitionIn(Schema):
    target: Bounded(StatusChange, "to_status") = Field(description="statut visé (voir GET …/transitions)")
    reason: Bounded(StatusChange, "reason") = Field(description="motif du changement")
    effective_on: Bounded(StatusChange, "effective_on") | None = Field(
        None, description="date d’effet (aujourd’hui par défaut)"
    )


class RenewalIn(Schema):
    name: Bounded(Contract, "name") = Field(description="nom du contrat de la génération suivante")
    launched_on: Bounded(Contract, "launched_on") | None = Field(None, description="lancement de la démarche")


class SignatoryIn(Schema):
    kind: Bounded(Signatory, "kind") = Field(
        description="ARS, COLLECTIVITY, PREFECT, DEPARTMENT, CPAM, CAF, HOSPITAL, CPTS…"
    )
    name: Bounded(Signatory, "name") = Field(description="organisme signataire")
    representative: Bounded(Signatory, "representative") = Field(
        "", description="fonction du représentant (jamais de donnée de santé)"
    )
    signed_on: Bounded(Signatory, "signed_on") | None = Field(None, description="date de signature")
    organisation: Bounded(Signatory, "organisation") | None = Field(
        None, description="organisation correspondante sur la plateforme"
    )


class LinkIn(Schema):
    kind: Bounded(ContractLink, "kind") = Field(
        description="MENTAL_HEALTH_VOLET, CITY_CONTRACT_HEALTH_VOLET, PTSM ou ASV"
    )
    target_contract: UUID | None = Field(None, description="contrat lié (volet santé mentale)")
    city_contract: Text(64) | None = Field(
        None, description="contrat de ville : génération-code, ex. 2015-CV302"
    )
    target_name: Bounded(ContractLink, "target_name") = Field(
        "", description="nom du dispositif lié (PTSM, ASV)"
    )
    target_url: Bounded(ContractLink, "target_url") = Field(
        "", description="adresse web du dispositif lié (https://…)"
    )


class BodyIn(Schema):
    kind: Bounded(Body, "kind") = Field(
        description="COPIL, COTECH, WORKING_GROUP, PLENARY, CLSM_STEERING, COMPLEX_CASES, OTHER"
    )
    name: Bounded(Body, "name") = Field(description="nom de l’instance")
    mandate: Bounded(Body, "mandate") = Field("", description="rôle et thème. " + NO_HEALTH_DATA)


class MemberIn(Schema):
    person: Bounded(BodyMember, "person") = Field(description="personne ou fonction. " + NO_HEALTH_DATA)
    organisation: Bounded(BodyMember, "organisation") = Field(
        "", description="organisation. " + NO_HEALTH_DATA
    )
    role: Bounded(BodyMember, "role") = Field(
        "MEMBER", description="CHAIR, VICE_CHAIR, CO_LEAD, COORDINATOR, MEMBER ou GUEST"
    )
    quart: Bounded(BodyMember, "quart") = Field(
        "", description="quart du CLSM : ELECTED, PSYCHIATRY, USERS, CAREGIVERS, …"
    )
    term_starts_on: Bounded(BodyMember, "term_starts_on") | None = Field(None, description="début du mandat")
    term_ends_on: Bounded(BodyMember, "term_ends_on") | None = Field(None, description="fin du mandat")
    account_email: Bounded(User, "email") | None = Field(
        None,
        description="adresse du compte de la personne sur la plateforme (elle lira alors les comptes rendus "
        "de l’instance) ; vide : aucun compte ; absent (PUT) : inchangé",
    )


class MemberUpdate(MemberIn):
    version: int = version_read("le siège")


class MemberConflictOut(ConflictOut):
    current: MemberOut = Field(description="le siège tel qu’il est maintenant (avec sa version)")


class BodyUpdate(Schema):
    version: int = version_read("l’instance")
    kind: Bounded(Body, "kind") | None = Field(
        None, description="type d’instance (inchangé si absent ; ne change plus une fois des réunions tenues)"
    )
    name: Bounded(Body, "name") = Field(description="nom de l’instance")
    mandate: Bounded(Body, "mandate") = Field("", description="rôle et thème. " + NO_HEALTH_DATA)


class BodyConflictOut(ConflictOut):
    current: BodyOut = Field(description="l’instance telle qu’elle est maintenant (avec sa version)")


class MeetingIn(Schema):
    held_on: Bounded(Meeting, "held_on") = Field(description="date de la réunion")
    agenda: Bounded(Meeting, "agenda") = Field(
        "", description="ordre du jour (interdit pour une cellule cas complexes). " + NO_HEALTH_DATA
    )
    minutes: Bounded(Meeting, "minutes") = Field(
        "", description="compte rendu (interdit pour une cellule cas complexes). " + NO_HEALTH_DATA
    )
    decisions: Bounded(Meeting, "decisions") = Field(
        "", description="décisions (interdites pour une cellule cas complexes). " + NO_HEALTH_DATA
    )
    attendees: list[Bounded(Meeting, "attendees")] = Field(
        [], description="identifiants des membres présents", max_length=MAX_ITEMS
    )
    other_attendees: Bounded(Meeting, "other_attendees") = Field(0, description="autres participants")
    cases_reviewed: Bounded(Meeting, "cases_reviewed") | None = Field(
        None, description="situations examinées (cellule cas complexes)"
    )


class MeetingUpdate(MeetingIn):
    version: int = version_read("la réunion")


class MeetingConflictOut(ConflictOut):
    current: MeetingOut = Field(description="la réunion telle qu’elle est maintenant (avec sa version)")


class ContactIn(Schema):
    role: ContactRole = Field(description="COORDINATOR, ARS_REFERENT, ELECTED_REFERENT ou OTHER")
    name: Bounded(Contact, "name") = Field(description="nom ou fonction")
    organisation: Bounded(Contact, "organisation") = Field(description="organisation")
    email: Bounded(Contact, "email") = Field("", description="adresse électronique professionnelle")
    phone: Bounded(Contact, "phone") = Field("", description="téléphone professionnel")
    is_public: bool = Field(True, description="publier dans l’annuaire")


class ContactUpdate(ContactIn):
    version: int = version_read("le contact")


class ContactConflictOut(ConflictOut):
    current: ContactOut = Field(description="le contact tel qu’il est maintenant (avec sa version)")


class IndicatorIn(Schema):
    name: Bounded(Indicator, "name") = Field(description="intitulé")
    kind: Bounded(Indicator, "kind") = Field(description="PROCESS (processus), RESULT (résultat) ou IMPACT")
    unit: Bounded(Indicator, "unit") = Field("", description="unité")
    direction: Bounded(Indicator, "direction") = Field(
        "", description="sens de l’amélioration : UP, DOWN ou STABLE"
    )
    source: Bounded(Indicator, "source") = Field("", description="source des données")


class ThemeIn(Schema):
    label: Bounded(RegionalTheme, "label") = Field(description="intitulé du socle")
    description: Bounded(RegionalTheme, "description") = Field("", description="précisions")
    is_mental_health: bool = Field(False, description="socle qui répond au volet santé mentale")


# --- Helpers ----------------------------------------------------------------------------------------


def _visible(request, public_id: UUID) -> Contract:
    """The contract if ``request.user`` may see it; 404 otherwise (a draft's existence is not revealed)."""
    return found(reading.visible_contract(request.user, public_id), reading.NOT_VISIBLE)


def _editable(request, public_id: UUID) -> Contract:
    """The contract if ``request.user`` may change it; 404 when they may not see it, 403 when only see."""
    contract = _visible(request, public_id)
    if not request.user.has_perm("contracts.change_contract", contract):
        raise HttpError(403, CANNOT_CHANGE)
    return contract


def _lookups(user, values: dict) -> tuple[dict, list[str]]:
    """Resolve the ids of a contract payload (perimeter, région, département, porteurs, socles) to objects.

    Returns the resolved values and the French messages for whatever is unknown.
    """
    resolved, problems = {}, []
    if "perimeter" in values:
        perimeter = Perimeter.objects.restrict(user, "view").filter(public_id=values["perimeter"]).first()
        if perimeter is None:
            problems.append(f"Périmètre introuvable : « {values['perimeter']} ».")
        resolved["perimeter"] = perimeter
    if "region" in values:
        region = Region.objects.filter(pk=values["region"]).first()
        if region is None:
            problems.append(f"Région inconnue : « {values['region']} ».")
        resolved["region"] = region
    if "department" in values:
        department = None
        if values["department"]:
            department = Department.objects.filter(pk=values["department"]).first()
            if department is None:
                problems.append(f"Département inconnu : « {values['department']} ».")
        resolved["department"] = department
    for field, model, label in (
        ("porteurs", Organisation, "Organisation(s) inconnue(s)"),
        ("themes", RegionalTheme, "Socle(s) inconnu(s)"),
    ):
        if field in values:
            ids = list(dict.fromkeys(values[field]))
            known = {obj.pk: obj for obj in model.objects.filter(pk__in=ids)}
            unknown = [str(pk) for pk in ids if pk not in known]
            if unknown:
                problems.append(f"{label} : {', '.join(unknown)}.")
            resolved[field] = [known[pk] for pk in ids if pk in known]
    return resolved, problems


# --- Contracts --------------------------------------------------------------------------------------


@contracts_router.get(
    "", response={200: list[ContractSummaryOut], 422: ErrorOut}, summary="Contrats visibles"
)
def api_contracts(
    request,
    kind: Bounded(Contract, "kind") | None = None,
    status: Bounded(Contract, "status") | None = None,
    region: Bounded(Contract, "region") | None = None,
    department: Bounded(Contract, "department") | None = None,
):
    """The contracts you may see (the public: published ones), filtered by type (CLS, CLSM), statut,
    région (code INSEE) or département (code). An unknown value is refused (422), naming the parameter and
    the values it accepts, rather than answering an empty list."""
    contracts = (
        Contract.objects.restrict(request.user, "view")
        .select_related("region", "department")
        .prefetch_related("porteurs")
    )
    params = {"kind": kind, "status": status, "region": region, "department": department}
    filterset = ContractFilterSet(params, contracts)
    if filterset.warnings:
        return refused(filterset.warnings)
    return list(filterset.qs)


@contracts_router.post(
    "",
    response={201: ContractOut, 403: ErrorOut, 422: ErrorOut},
    auth=django_auth,
    summary="Créer un contrat",
)
def api_create_contract(request, payload: ContractIn):
    """Create a contract (en réflexion by default), for a collectivité you edit for or, as the ARS, for one
    of its région; only the ARS records a contract already signed (``services.create_contract``)."""
    if not request.user.has_perm("contracts.add_contract"):
        raise HttpError(
            403,
            "Créer un contrat est réservé aux coordinateur·rices, administrateur·rices et référent·es ARS.",
        )
    values = payload.dict()
    status = values.pop("status")
    resolved, problems = _lookups(request.user, values)
    if problems:
        return refused(problems)
    data = ContractData(**{**values, **resolved})
    try:
        contract = create_contract(user=request.user, data=data, status=status)
    except PermissionError as exc:
        raise HttpError(403, str(exc)) from exc
    except ContractError as exc:
        return refused(exc.messages)
    return Status(201, contract)


@contracts_router.get(
    "/{uuid:public_id}", response={200: ContractOut, 404: ErrorOut}, summary="Un contrat, en détail"
)
def api_contract(request, public_id: UUID):
    """The contract with its porteurs, signatories, links, governance, contacts, indicators, status history
    and compliance checklist."""
    return _visible(request, public_id)


@contracts_router.patch(
    "/{uuid:public_id}",
    response={200: ContractOut, 403: ErrorOut, 404: ErrorOut, 409: ContractConflictOut, 422: ErrorOut},
    auth=django_auth,
    summary="Modifier un contrat",
)
def api_update_contract(request, public_id: UUID, payload: ContractPatch):
    """Change the fields sent (not the status: see …/transitions); the others keep their value.

    ``version`` is required: the one read by GET. A PATCH without it would overwrite blindly whatever was
    changed since (the lost update this guards against), so it is refused (422); a stale one answers 409
    with the current contract and the fields that differ, nothing written.
    """
    contract = _editable(request, public_id)
    values = payload.dict(exclude_unset=True)
    for field in NOT_NULLABLE:
        if field in values and values[field] is None:
            del values[field]  # null cannot empty a value the contract must have: it is left as it is
    resolved, problems = _lookups(request.user, values)
    if problems:
        return refused(problems)
    data = ContractData(**{**ContractData.of(contract).as_dict(), **values, **resolved})
    try:
        update_contract(contract, user=request.user, data=data)
    except PermissionError as exc:
        raise HttpError(403, str(exc)) from exc
    except VersionConflict as conflict:
        sent = {name: getattr(data, name) for name in values if name != "version"}
        return conflicted(conflict, differences=conflict.rows(sent))
    except ContractError as exc:
        return refused(exc.messages)
    return contract


# --- Life cycle -------------------------------------------------------------------------------------


@contracts_router.get(
    "/{uuid:public_id}/transitions",
    response={200: list[OptionOut], 404: ErrorOut},
    summary="Changements de statut possibles",
)
def api_transitions(request, public_id: UUID):
    """The moves you are entitled to from the current status, each allowed now or with its blockers."""
    return options_for(_visible(request, public_id), request.user)


@contracts_router.post(
    "/{uuid:public_id}/transitions",
    response={201: StatusChangeOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=django_auth,
    summary="Changer le statut",
)
def api_change_status(request, public_id: UUID, payload: TransitionIn):
    """Move the contract to ``target``, logged with its reason; the signature is the ARS's act and needs
    every blocking item of the checklist."""
    contract = _editable(request, public_id)
    try:
        change = change_status(
            contract,
            user=request.user,
            target=payload.target,
            reason=payload.reason,
            effective_on=payload.effective_on,
        )
    except PermissionError as exc:
        raise HttpError(403, str(exc)) from exc
    except ContractError as exc:
        return refused(exc.messages)
    return Status(201, change)


@contracts_router.post(
    "/{uuid:public_id}/renouvellement",
    response={201: ContractOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=django_auth,
    summary="Renouveler un contrat",
)
def api_renew(request, public_id: UUID, payload: RenewalIn):
    """Open the next generation (same perimeter, porteurs, région and socles), en réflexion."""
    contract = _editable(request, public_id)
    try:
        renewal = renew_contract(
            contract, user=request.user, name=payload.name, launched_on=payload.launched_on
        )
    except PermissionError as exc:
        raise HttpError(403, str(exc)) from exc
    except ContractError as exc:
        return refused(exc.messages)
    return Status(201, renewal)


@contracts_router.get(
    "/{uuid:public_id}/conformite",
    response={200: list[ItemOut], 404: ErrorOut},
    summary="Liste de conformité",
)
def api_compliance(request, public_id: UUID):
    """Each item of the checklist: whether it holds, whether it blocks the signature, why, and its text."""
    return checklist(_visible(request, public_id), request.user)


# --- Signatories ------------------------------------------------------------------------------------


@contracts_router.post(
    "/{uuid:public_id}/signataires",
    response={201: SignatoryOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=django_auth,
    summary="Ajouter un signataire",
)
def api_add_signatory(request, public_id: UUID, payload: SignatoryIn):
    contract = _editable(request, public_id)
    organisation = None
    if payload.organisation is not None:
        organisation = Organisation.objects.filter(pk=payload.organisation).first()
        if organisation is None:
            return refused([f"Organisation inconnue : {payload.organisation}."])
    try:
        signatory = add_signatory(
            contract,
            kind=payload.kind,
            name=payload.name,
            representative=payload.representative,
            signed_on=payload.signed_on,
            organisation=organisation,
            user=request.user,
        )
    except ContractError as exc:
        return refused(exc.messages)
    return Status(201, signatory)


@contracts_router.post(
    "/{uuid:public_id}/signataires/{int:signatory_id}/confirmation",
    response={200: SignatoryOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=django_auth,
    summary="Confirmer la participation d’un signataire",
)
def api_confirm_signatory(request, public_id: UUID, signatory_id: Id):
    """The contract's ARS, or an editor of the signatory organisation, confirms that it signs: its members
    then take part in the contract (drafts, governance). Until then they see what the public sees."""
    signatory = (
        Signatory.objects.select_related("contract", "organisation")
        .filter(contract__public_id=public_id, pk=signatory_id)
        .first()
    )
    may_confirm = signatory is not None and request.user.has_perm("contracts.confirm_signatory", signatory)
    if not may_confirm:
        contract = _visible(request, public_id)  # 404 for a contract the user may not see
        if not contract.signatories.filter(pk=signatory_id).exists():
            raise HttpError(404, "Ce contrat n’a pas ce signataire.")
    try:
        confirm_signatory(signatory, user=request.user)
    except PermissionError as exc:
        raise HttpError(403, str(exc)) from exc
    except ContractError as exc:
        return refused(exc.messages)
    return Status(200, signatory)


@contracts_router.delete(
    "/{uuid:public_id}/signataires/{int:signatory_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=django_auth,
    summary="Retirer un signataire",
)
def api_remove_signatory(request, public_id: UUID, signatory_id: Id):
    """Refused (422) once the contract is signed: the signed parties are history."""
    contract = _editable(request, public_id)
    signatory = contract.signatories.filter(pk=signatory_id).first()
    if signatory is None:
        raise HttpError(404, "Ce contrat n’a pas ce signataire.")
    try:
        remove_signatory(signatory)
    except ContractError as exc:
        return refused(exc.messages)
    return Status(204, None)


# --- Links ------------------------------------------------------------------------------------------


@contracts_router.post(
    "/{uuid:public_id}/articulations",
    response={201: LinkOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=django_auth,
    summary="Articuler avec un autre dispositif",
)
def api_add_link(request, public_id: UUID, payload: LinkIn):
    """A CLSM as the mental-health volet of a CLS (``target_contract``), a CLS as the health volet of a
    contrat de ville (``city_contract``, e.g. 2015-CV302), a PTSM or an ASV (``target_name``,
    ``target_url``)."""
    contract = _editable(request, public_id)
    problems, target_contract, city_contract = [], None, None
    if payload.target_contract is not None:
        target_contract = (
            Contract.objects.restrict(request.user, "view").filter(public_id=payload.target_contract).first()
        )
        if target_contract is None:
            problems.append(f"Contrat lié introuvable : « {payload.target_contract} ».")
    if payload.city_contract:
        generation, _, code = payload.city_contract.partition("-")
        city_contract = (
            CityContract.objects.select_related("department").filter(generation=generation, code=code).first()
        )
        if city_contract is None:
            problems.append(
                f"Contrat de ville inconnu : « {payload.city_contract} » (attendu : génération-code, "
                "ex. 2015-CV302)."
            )
    if problems:
        return refused(problems)
    try:
        link = add_link(
            contract,
            kind=payload.kind,
            target_contract=target_contract,
            city_contract=city_contract,
            target_name=payload.target_name,
            target_url=payload.target_url,
        )
    except ContractError as exc:
        return refused(exc.messages)
    link.incoming = link.contract_id != contract.pk  # a CLSM named as volet carries the link itself
    return Status(201, link)


@contracts_router.delete(
    "/{uuid:public_id}/articulations/{int:link_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    auth=django_auth,
    summary="Retirer une articulation",
)
def api_remove_link(request, public_id: UUID, link_id: Id):
    """Remove a link carried by the contract or pointing to it."""
    contract = _editable(request, public_id)
    link = ContractLink.objects.filter(Q(contract=contract) | Q(target_contract=contract), pk=link_id).first()
    if link is None:
        raise HttpError(404, "Ce contrat n’a pas cette articulation.")
    link.delete()
    return Status(204, None)


# --- Governance -------------------------------------------------------------------------------------


def _body_of(contract: Contract, body_id: int) -> Body:
    body = contract.bodies.filter(pk=body_id).first()
    if body is None:
        raise HttpError(404, "Ce contrat n’a pas cette instance.")
    return body


@contracts_router.post(
    "/{uuid:public_id}/instances",
    response={201: BodyOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=django_auth,
    summary="Créer une instance de gouvernance",
)
def api_add_body(request, public_id: UUID, payload: BodyIn):
    """COPIL, COTECH, groupe de travail, plénière; for a CLSM its comité de pilotage and its cellule cas
    complexes."""
    contract = _editable(request, public_id)
    try:
        body = add_body(contract, kind=payload.kind, name=payload.name, mandate=payload.mandate)
    except ContractError as exc:
        return refused(exc.messages)
    return Status(201, body)


@contracts_router.post(
    "/{uuid:public_id}/instances/{int:body_id}/membres",
    response={201: MemberOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=django_auth,
    summary="Ajouter un membre à une instance",
)
def api_add_member(request, public_id: UUID, body_id: Id, payload: MemberIn):
    """``account_email`` links the seat to the person's account: they then read the body's minutes."""
    body = _body_of(_editable(request, public_id), body_id)
    values = payload.dict()
    try:
        member = add_member(body, user=account_of(values.pop("account_email") or ""), **values)
    except UnknownAccount as exc:
        return refused([str(exc)])
    except ContractError as exc:
        return refused(exc.messages)
    return Status(201, member)


def _replaced(obj, update, values: dict, **extra):
    """A PUT: ``update(obj, …)`` with the payload's ``values`` and the version it read. The object as
    saved (200), its current state when it changed since (409, nothing written), or the rules' refusal
    (422)."""
    try:
        update(obj, expected_version=values.pop("version"), **values, **extra)
    except VersionConflict as conflict:
        return conflicted(conflict)
    except ContractError as exc:
        return refused(exc.messages)
    return obj


@contracts_router.put(
    "/{uuid:public_id}/instances/{int:body_id}",
    response={200: BodyOut, 403: ErrorOut, 404: ErrorOut, 409: BodyConflictOut, 422: ErrorOut},
    auth=django_auth,
    summary="Modifier une instance de gouvernance",
)
def api_update_body(request, public_id: UUID, body_id: Id, payload: BodyUpdate):
    """Rename a body or rewrite its role and theme; its kind changes only while it has no meeting.
    ``version`` is the one read: a body changed since answers 409 with its current state, nothing
    written."""
    body = _body_of(_editable(request, public_id), body_id)
    return _replaced(body, update_body, payload.dict())


@contracts_router.put(
    "/{uuid:public_id}/membres/{int:member_id}",
    response={200: MemberOut, 403: ErrorOut, 404: ErrorOut, 409: MemberConflictOut, 422: ErrorOut},
    auth=django_auth,
    summary="Modifier un siège (membre d’une instance)",
)
def api_update_member(request, public_id: UUID, member_id: Id, payload: MemberUpdate):
    """Replace a seat's person, organisation, role, quart and term under the rules of a new seat;
    ``account_email`` absent keeps the linked account, empty unlinks it. ``version`` is the one read: a
    seat changed since answers 409 with its current state, nothing written."""
    contract = _editable(request, public_id)
    member = found(
        BodyMember.objects.select_related("body__contract")
        .filter(pk=member_id, body__contract=contract)
        .first(),
        "Ce contrat n’a pas ce membre.",
    )
    values = payload.dict()
    email = values.pop("account_email")
    try:
        user = member.user if email is None else account_of(email)
    except UnknownAccount as exc:
        return refused([str(exc)])
    return _replaced(member, update_member, values, user=user)


@contracts_router.post(
    "/{uuid:public_id}/instances/{int:body_id}/reunions",
    response={201: MeetingOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=django_auth,
    summary="Enregistrer une réunion",
)
def api_add_meeting(request, public_id: UUID, body_id: Id, payload: MeetingIn):
    """A cellule cas complexes records only the date, who attended and how many situations were examined:
    any agenda, minutes or decisions are refused."""
    contract = _editable(request, public_id)
    body = _body_of(contract, body_id)
    values = payload.dict()
    attendees, unknown = _seats(contract, values.pop("attendees"))
    if unknown:
        return refused([unknown])
    try:
        meeting = add_meeting(body, attendees=attendees, **values)
    except ContractError as exc:
        return refused(exc.messages)
    return Status(201, meeting)


def _seats(contract: Contract, ids: list[int]) -> tuple[list[BodyMember], str]:
    """The members ``ids`` name among the contract's seats, and what to answer for those it does not hold."""
    ids = list(dict.fromkeys(ids))
    seats = list(BodyMember.objects.filter(pk__in=ids, body__contract=contract))
    unknown = sorted(set(ids) - {m.pk for m in seats})
    return seats, (f"Membre(s) inconnu(s) : {', '.join(map(str, unknown))}." if unknown else "")


@contracts_router.put(
    "/{uuid:public_id}/reunions/{int:meeting_id}",
    response={200: MeetingOut, 403: ErrorOut, 404: ErrorOut, 409: MeetingConflictOut, 422: ErrorOut},
    auth=django_auth,
    summary="Modifier une réunion",
)
def api_update_meeting(request, public_id: UUID, meeting_id: Id, payload: MeetingUpdate):
    """Replace a meeting's date, attendance, agenda, minutes and decisions (typically the minutes, written
    after it was held), under the rules of a new meeting. ``version`` is the one read: a meeting changed
    since answers 409 with its current state, nothing written."""
    contract = _editable(request, public_id)
    meeting = found(
        Meeting.objects.select_related("body").filter(pk=meeting_id, body__contract=contract).first(),
        "Ce contrat n’a pas cette réunion.",
    )
    values = payload.dict()
    attendees, unknown = _seats(contract, values.pop("attendees"))
    if unknown:
        return refused([unknown])
    return _replaced(meeting, update_meeting, values, attendees=attendees)


# --- Contacts ---------------------------------------------------------------------------------------


@contracts_router.post(
    "/{uuid:public_id}/contacts",
    response={201: ContactOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=django_auth,
    summary="Ajouter un contact",
)
def api_add_contact(request, public_id: UUID, payload: ContactIn):
    """A professional contact (coordinator, ARS referent…); ``is_public`` puts it in the public directory."""
    contract = _editable(request, public_id)
    values = payload.dict()
    values["role"] = ContactRole(values["role"]).value
    try:
        contact = add_contact(contract, **values)
    except ContractError as exc:
        return refused(exc.messages)
    return Status(201, contact)


@contracts_router.put(
    "/{uuid:public_id}/contacts/{int:contact_id}",
    response={200: ContactOut, 403: ErrorOut, 404: ErrorOut, 409: ContactConflictOut, 422: ErrorOut},
    auth=django_auth,
    summary="Modifier un contact",
)
def api_update_contact(request, public_id: UUID, contact_id: Id, payload: ContactUpdate):
    """Replace a contact's details (and whether the directory shows it). ``version`` is the one read: a
    contact changed since answers 409 with its current state, nothing written."""
    contract = _editable(request, public_id)
    contact = found(contract.contacts.filter(pk=contact_id).first(), "Ce contrat n’a pas ce contact.")
    values = payload.dict()
    values["role"] = ContactRole(values["role"]).value
    return _replaced(contact, update_contact, values)


@contracts_router.delete(
    "/{uuid:public_id}/contacts/{int:contact_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    auth=django_auth,
    summary="Retirer un contact",
)
def api_remove_contact(request, public_id: UUID, contact_id: Id):
    contract = _editable(request, public_id)
    contact = contract.contacts.filter(pk=contact_id).first()
    if contact is None:
        raise HttpError(404, "Ce contrat n’a pas ce contact.")
    contact.delete()
    return Status(204, None)


# --- Indicators -------------------------------------------------------------------------------------


@contracts_router.post(
    "/{uuid:public_id}/indicateurs",
    response={201: IndicatorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=django_auth,
    summary="Définir un indicateur d’évaluation",
)
def api_add_indicator(request, public_id: UUID, payload: IndicatorIn):
    """Indicators are agreed before the signature (the checklist asks for at least one)."""
    contract = _editable(request, public_id)
    try:
        indicator = add_indicator(contract, **payload.dict())
    except IndicatorError as exc:
        return refused(exc.messages)
    return Status(201, indicator)


# --- Regional themes (« socles ») -------------------------------------------------------------------


def _region(region_code: str) -> Region:
    region = Region.objects.filter(pk=region_code).first()
    if region is None:
        raise HttpError(404, f"Région inconnue : « {region_code} ».")
    return region


def _managed_region(request, region_code: str) -> Region:
    region = _region(region_code)
    if not request.user.has_perm("contracts.manage_themes", region):
        raise HttpError(
            403, f"Les socles de la région {region.name} sont gérés par un·e administrateur·rice de son ARS."
        )
    return region


@contracts_router.get(
    "/socles/{region_code}",
    response={200: list[ThemeOut], 404: ErrorOut},
    summary="Socles thématiques d’une région",
)
def api_themes(request, region_code: RegionCode):
    """The themes the région's ARS asks every CLS to cover (public)."""
    return list(_region(region_code).themes.all())


@contracts_router.post(
    "/socles/{region_code}",
    response={201: ThemeOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=django_auth,
    summary="Ajouter un socle thématique",
)
def api_add_theme(request, region_code: RegionCode, payload: ThemeIn):
    """Reserved to an administrator of the région's ARS; refuses an empty or duplicate label."""
    region = _managed_region(request, region_code)
    try:
        theme = add_theme(
            region,
            label=payload.label,
            is_mental_health=payload.is_mental_health,
            description=payload.description,
        )
    except ContractError as exc:
        return refused(exc.messages)
    return Status(201, theme)


@contracts_router.delete(
    "/socles/{region_code}/{int:theme_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=django_auth,
    summary="Retirer un socle thématique",
)
def api_remove_theme(request, region_code: RegionCode, theme_id: Id):
    """Refused (422) while a contract declares the socle."""
    region = _managed_region(request, region_code)
    theme = region.themes.filter(pk=theme_id).first()
    if theme is None:
        raise HttpError(404, f"La région {region.name} n’a pas ce socle.")
    try:
        remove_theme(theme)
    except ContractError as exc:
        return refused(exc.messages)
    return Status(204, None)
