"""API router of action plans: a contract's plan, one fiche, the funding, the search of published fiches,
creating a fiche and recording an indicator value — with the permissions of the pages.

Reading follows ``plans.view_plan`` / ``plans.view_action`` (the public reads the published contracts'
plans without their confidential fiches; an invisible contract or fiche answers 404). Writes need a
session (401), then the right (403 with a French reason), then the services' rules (422 listing every
problem in French, nothing written). Amounts and indicator values are JSON numbers; they are accepted as
numbers or as strings (« 12500.50 »).
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from uuid import UUID

from django.db.models import prefetch_related_objects
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from santelocale.api.schemas import (
    Choice,
    ConflictOut,
    ErrorOut,
    LabelRefOut,
    PlaceOut,
    RefOut,
    conflicted,
    found,
    refused,
)
from santelocale.contracts.enums import ContractKind
from santelocale.contracts.models import Contract
from santelocale.contracts.reading import NOT_VISIBLE as CONTRACT_NOT_VISIBLE
from santelocale.contracts.reading import visible_contract
from santelocale.indicators.models import IndicatorValue
from santelocale.indicators.schemas import IndicatorDetailOut, IndicatorValueOut
from santelocale.indicators.services import IndicatorError, record_value
from santelocale.plans import progress, read
from santelocale.plans import search as search_service
from santelocale.plans.enums import (
    ActionStatus,
    FirMission,
    FunderKind,
    FundingNature,
    FundingUnit,
    Participation,
    Priority,
    ProgressMode,
    SectionKind,
    Vocabulary,
)
from santelocale.plans.filtersets import parse_search_filters
from santelocale.plans.models import Action, FundingLine, Section, Term
from santelocale.plans.services import ActionData, PlanError, axis_of, create_action
from santelocale.plans.views_common import REFUSALS
from santelocale.territories.models import Commune
from santelocale.utils.bounds import FILTER_LENGTH, MAX_ITEMS, Bounded, Id, Page, Text
from santelocale.utils.text import MAX_QUERY_LENGTH
from santelocale.utils.versioning import VersionConflict

plans_router = Router()

FICHE_NOT_VISIBLE = "Ce contrat n’a pas de fiche visible portant cet identifiant."
INDICATOR_NOT_VISIBLE = "Ce contrat n’a pas d’indicateur visible portant cet identifiant."
CANNOT_RECORD = (
    "Seul·e le ou la coordinateur·rice du contrat ou le ou la pilote de la fiche saisit les valeurs de "
    "cet indicateur."
)


# --- Output -----------------------------------------------------------------------------------------
# Operations return the fiches, sections and lines themselves; the schemas below say what is shown of them.
# What depends on the reader (fiches they may see, rights) is resolved with the request's user, which ninja
# passes to every resolver taking ``context``.


def _reader(context):
    """The user an answer is for."""
    return context["request"].user


def _visible_actions(user, contract: Contract):
    """The fiches of ``contract`` that ``user`` may read (``read.plan_actions``)."""
    return read.plan_actions(contract, user)


class SubActionOut(Schema):
    id: int = Field(description="identifiant de la fiche")
    number: str = Field(description="numéro")
    title: str = Field(description="titre")
    label: str = Field(description="numéro et titre")
    status: Choice(ActionStatus, blank=True) = Field(description="statut, ou vide")
    status_label: str = Field(description="statut, en clair")
    priority: Choice(Priority, blank=True) = Field(description="niveau de priorité, ou vide")
    priority_label: str = Field(description="niveau de priorité, en clair")
    pilot: str = Field(
        description="pilote (compte ou personne(s) nommée(s)), vide sans pilote",
        validation_alias="pilot_label",
    )
    starts_on: datetime.date | None = Field(description="date de début")
    ends_on: datetime.date | None = Field(description="date de fin")
    progress: int | None = Field(description="avancement en %, null quand il est inconnu")
    is_late: bool = Field(
        description="en retard : marquée « en retard » ou échéance passée sans être réalisée"
    )
    is_confidential: bool = Field(
        description="fiche confidentielle (éditeurs des porteurs, ARS et son pilote seulement)"
    )
    version: int = Field(description="version (verrouillage optimiste : change à chaque modification)")

    @staticmethod
    def resolve_status_label(action: Action) -> str:
        return action.get_status_display() if action.status else "Non renseigné"

    @staticmethod
    def resolve_priority_label(action: Action) -> str:
        return action.get_priority_display() if action.priority else "Non renseigné"

    @staticmethod
    def resolve_progress(action: Action) -> int | None:
        """The plan tree sets ``plan_progress`` (computed once for the plan); otherwise from the fiche."""
        if hasattr(action, "plan_progress"):
            return action.plan_progress
        return progress.action_progress(action)

    @staticmethod
    def resolve_is_late(action: Action) -> bool:
        return action.is_late()


class FicheSummaryOut(SubActionOut):
    sub_actions: list[SubActionOut] = Field(description="sous-actions visibles")

    @staticmethod
    def resolve_sub_actions(action: Action) -> list[Action]:
        """Set by the plan tree (``plan_sub_actions``: the sub-actions the reader may see)."""
        return action.plan_sub_actions


# An axis or an objective of the plan tree; the tree sets ``depth``, ``plan_progress``,
# ``fiche_count`` and ``plan_fiches`` from ``progress.summarize``.
class SectionOut(Schema):
    id: int = Field(description="identifiant de l’axe ou de l’objectif")
    parent_id: int | None = Field(description="axe ou objectif parent (null pour un axe)")
    depth: int = Field(description="profondeur dans l’arborescence (0 pour un axe)")
    kind: Choice(SectionKind) = Field(description="niveau")
    kind_label: str = Field(description="niveau, en clair")
    number: str = Field(description="numéro")
    title: str = Field(description="intitulé")
    themes: list[LabelRefOut] = Field(description="socles thématiques régionaux couverts")
    is_mental_health_volet: bool = Field(description="constitue le volet santé mentale (loi 3DS)")
    progress: int | None = Field(
        description="avancement pondéré en %, null quand il est inconnu", validation_alias="plan_progress"
    )
    fiche_count: int = Field(description="fiches visibles de l’axe et de tout ce qui est dessous")
    version: int = Field(description="version (verrouillage optimiste : change à chaque modification)")
    fiches: list[FicheSummaryOut] = Field(
        description="fiches rattachées directement à cet axe ou objectif", validation_alias="plan_fiches"
    )

    @staticmethod
    def resolve_kind_label(section: Section) -> str:
        return section.get_kind_display()


class PlanOut(Schema):
    contract: RefOut = Field(description="le contrat")
    progress: int | None = Field(description="avancement pondéré du plan en %, null quand il est inconnu")
    fiche_count: int = Field(description="fiches visibles (hors sous-actions)")
    sections: list[SectionOut] = Field(description="axes et objectifs, dans l’ordre de lecture")
    unassigned: list[FicheSummaryOut] = Field(description="fiches rattachées à aucun axe")
    can_change: bool = Field(description="vrai quand vous pouvez modifier ce plan")


class StepOut(Schema):
    id: int = Field(description="identifiant de l’étape")
    title: str = Field(description="étape")
    due_on: datetime.date | None = Field(description="échéance")
    is_done: bool = Field(description="réalisée")
    done_on: datetime.date | None = Field(description="réalisée le")


class FollowUpOut(Schema):
    noted_on: datetime.date = Field(description="date de la note")
    text: str = Field(description="note de suivi")


class FicheLinkOut(Schema):
    id: int = Field(description="identifiant du document ou lien")
    title: str = Field(description="intitulé")
    url: str = Field(description="adresse")


class FundingLineOut(Schema):
    id: int = Field(description="identifiant de la ligne")
    version: int = Field(description="version (verrouillage optimiste : change à chaque modification)")
    year: int | None = Field(description="année (null : non annualisé)")
    funder_kind: Choice(FunderKind) = Field(description="type de financeur")
    funder_kind_label: str = Field(description="type de financeur, en clair")
    funder_name: str = Field(description="nom du financeur")
    funder_label: str = Field(description="financeur tel qu’affiché")
    fir_mission: Choice(FirMission, blank=True) = Field(description="mission du FIR, ou vide")
    fir_line: str = Field(description="ligne du FIR")
    nature: Choice(FundingNature) = Field(description="fonctionnement ou investissement")
    unit: Choice(FundingUnit) = Field(description="euros ou ETP")
    planned: float = Field(description="montant prévu")
    spent: float | None = Field(description="montant réalisé")
    comment: str = Field(description="commentaire")

    @staticmethod
    def resolve_funder_kind_label(line: FundingLine) -> str:
        return line.get_funder_kind_display()


class ValueConflictOut(ConflictOut):
    detail: str = Field(
        description="la période a déjà une valeur, ou elle a changé depuis la version envoyée"
    )
    current: IndicatorValueOut = Field(description="la valeur enregistrée (avec sa version)")


# Every field of the fiche, with what hangs from it, narrowed to what the reader may read.
class FicheOut(FicheSummaryOut):
    contract: RefOut = Field(description="le contrat")
    section: LabelRefOut | None = Field(description="axe ou objectif de rattachement")
    axis: LabelRefOut | None = Field(description="axe (premier niveau) de rattachement")
    parent: LabelRefOut | None = Field(description="fiche parente (pour une sous-action)")
    description: str = Field(description="descriptif")
    objectives: str = Field(description="objectifs")
    expected_results: str = Field(description="résultats attendus")
    publics: list[LabelRefOut] = Field(description="publics cibles")
    intervention_types: list[LabelRefOut] = Field(description="types d’intervention")
    determinants: list[LabelRefOut] = Field(description="déterminants de santé")
    communes: list[PlaceOut] = Field(description="communes d’intervention")
    neighbourhoods: list[PlaceOut] = Field(description="quartiers prioritaires (QPV)")
    operator: str = Field(description="structure porteuse (opérateur)")
    pilot_service: str = Field(description="direction ou service pilote")
    pilot_name: str = Field(
        description="personne(s) pilote(s) nommée(s) (vide pour qui ne lit pas les noms des pilotes)",
        validation_alias="pilot_person",
    )
    partners: str = Field(description="partenaires")
    elected_referent: str = Field(description="élu·e référent·e")
    governance: str = Field(description="instances de gouvernance")
    means: str = Field(description="moyens humains et techniques")
    participation: Choice(Participation, blank=True) = Field(description="participation citoyenne, ou vide")
    participation_label: str = Field(description="participation citoyenne, en clair")
    is_continuous: bool = Field(description="action en amélioration continue")
    calendar: str = Field(description="calendrier")
    funding_note: str = Field(description="financements (précisions)")
    budget: float | None = Field(description="budget prévisionnel total (€)")
    progress_mode: Choice(ProgressMode) = Field(description="avancement saisi ou d’après les étapes")
    progress_entered: int | None = Field(description="avancement saisi (%)")
    weight: float = Field(description="pondération")
    related_measures: str = Field(description="mesures liées")
    related_text: str = Field(description="actions liées (texte importé)")
    related_plans_text: str = Field(description="fiches des plans liées (texte importé)")
    notes: str = Field(description="notes complémentaires")
    indicators_text: str = Field(description="indicateurs liés (texte importé)")
    source: str = Field(description="source")
    copied_from: LabelRefOut | None = Field(description="fiche publiée dont celle-ci est la copie")
    linked: list[LabelRefOut] = Field(description="fiches liées")
    steps: list[StepOut] = Field(description="étapes")
    follow_ups: list[FollowUpOut] = Field(description="notes de suivi, la plus récente d’abord")
    links: list[FicheLinkOut] = Field(description="documents et liens")
    funding: list[FundingLineOut] = Field(description="lignes de financement")
    indicators: list[IndicatorDetailOut] = Field(description="indicateurs de la fiche, avec leurs valeurs")
    created_at: datetime.datetime = Field(description="créée le")
    updated_at: datetime.datetime = Field(description="modifiée le")
    can_change: bool = Field(description="vrai quand vous pouvez modifier cette fiche")

    @staticmethod
    def resolve_sub_actions(action: Action, context) -> list[Action]:
        visible = _visible_actions(_reader(context), action.contract)
        return list(visible.filter(parent=action).select_related("pilot_user").prefetch_related("steps"))

    @staticmethod
    def resolve_axis(action: Action) -> Section | None:
        if action.section_id is None:
            return None
        sections = {s.pk: s for s in action.contract.sections.all()}
        section = sections.get(action.section_id)
        return axis_of(section, sections) if section is not None else None

    @staticmethod
    def resolve_communes(action: Action) -> list:
        return list(action.communes.order_by("name"))

    @staticmethod
    def resolve_neighbourhoods(action: Action) -> list:
        return list(action.neighbourhoods.order_by("name"))

    @staticmethod
    def resolve_participation_label(action: Action) -> str:
        return action.get_participation_display() if action.participation else ""

    @staticmethod
    def resolve_copied_from(action: Action, context) -> Action | None:
        """The source of a copy, unless binned or not visible to the reader (``plans.read.copy_source``)."""
        return read.copy_source(action, _reader(context))

    @staticmethod
    def resolve_linked(action: Action, context) -> list[Action]:
        visible = _visible_actions(_reader(context), action.contract)
        return list(visible.filter(pk__in=action.linked.values("pk")))

    @staticmethod
    def resolve_indicators(action: Action) -> list:
        return list(action.indicators.prefetch_related("values"))

    @staticmethod
    def resolve_can_change(action: Action, context) -> bool:
        return _reader(context).has_perm("plans.change_action", action)


class FundingRowOut(Schema):
    planned: float = Field(description="prévu (€)")
    spent: float = Field(description="réalisé (€)")
    planned_fte: float = Field(description="prévu (ETP)")
    spent_fte: float = Field(description="réalisé (ETP)")


class FunderRowOut(FundingRowOut):
    kind: Choice(FunderKind) = Field(description="type de financeur")
    kind_label: str = Field(description="type de financeur, en clair")
    label: str = Field(description="financeur")


class YearRowOut(FundingRowOut):
    year: int | None = Field(description="année (null : non annualisé)")
    label: str = Field(description="année, en clair")


class FundingSummaryOut(Schema):
    by_funder: list[FunderRowOut] = Field(description="par financeur")
    by_year: list[YearRowOut] = Field(description="par année")
    total: FundingRowOut = Field(description="total")
    line_count: int = Field(description="lignes de financement comptées (fiches visibles)")


# A fiche found by the search (``search.Hit``).
class HitOut(Schema):
    id: int = Field(description="identifiant de la fiche", validation_alias="action.pk")
    label: str = Field(description="numéro et titre", validation_alias="action.label")
    title: str = Field(description="titre", validation_alias="action.title")
    url: str = Field(description="adresse de la fiche sur la plateforme")
    contract: RefOut = Field(description="le contrat")
    contract_kind: Choice(ContractKind) = Field(
        description="type de contrat", validation_alias="contract.kind"
    )
    region: str = Field(description="région du contrat", validation_alias="contract.region.name")
    axis: str | None = Field(description="axe de rattachement")
    is_sub_action: bool = Field(
        description="sous-action d’une autre fiche", validation_alias="action.is_sub_action"
    )
    status: Choice(ActionStatus, blank=True) = Field(
        description="statut, ou vide", validation_alias="action.status"
    )
    status_label: str = Field(description="statut, en clair")
    publics: list[str] = Field(description="publics cibles")
    intervention_types: list[str] = Field(description="types d’intervention")
    excerpt: str = Field(description="début du descriptif (300 caractères)")

    @staticmethod
    def resolve_url(hit) -> str:
        return hit.action.get_absolute_url()

    @staticmethod
    def resolve_axis(hit) -> str | None:
        return hit.axis.label if hit.axis is not None else None

    @staticmethod
    def resolve_status_label(hit) -> str:
        return SubActionOut.resolve_status_label(hit.action)

    @staticmethod
    def resolve_publics(hit) -> list[str]:
        return [term.label for term in hit.publics]

    @staticmethod
    def resolve_intervention_types(hit) -> list[str]:
        return [term.label for term in hit.intervention_types]


# A page of the search's results (a Django ``Page`` of ``search.Hit``).
class SearchOut(Schema):
    count: int = Field(description="nombre de fiches trouvées")
    page: int = Field(description="page renvoyée", validation_alias="number")
    page_count: int = Field(description="nombre de pages (20 fiches par page)")
    results: list[HitOut] = Field(
        description="fiches, les plus pertinentes d’abord", validation_alias="object_list"
    )

    @staticmethod
    def resolve_count(page) -> int:
        return page.paginator.count

    @staticmethod
    def resolve_page_count(page) -> int:
        return page.paginator.num_pages


# --- Input ------------------------------------------------------------------------------------------


class FicheIn(Schema):
    title: Bounded(Action, "title") = Field(description="titre (300 caractères au plus)")
    section: Bounded(Action, "section") | None = Field(
        None, description="identifiant de l’axe ou de l’objectif de rattachement"
    )
    parent: Bounded(Action, "parent") | None = Field(
        None, description="identifiant de la fiche parente (pour une sous-action)"
    )
    number: Bounded(Action, "number") = Field("", description="numéro")
    description: Bounded(Action, "description") = Field("", description="descriptif")
    objectives: Bounded(Action, "objectives") = Field("", description="objectifs")
    expected_results: Bounded(Action, "expected_results") = Field("", description="résultats attendus")
    operator: Bounded(Action, "operator") = Field("", description="structure porteuse (opérateur)")
    pilot_service: Bounded(Action, "pilot_service") = Field("", description="direction ou service pilote")
    pilot_name: Bounded(Action, "pilot_name") = Field("", description="personne(s) pilote(s)")
    partners: Bounded(Action, "partners") = Field("", description="partenaires")
    elected_referent: Bounded(Action, "elected_referent") = Field("", description="élu·e référent·e")
    governance: Bounded(Action, "governance") = Field("", description="instances de gouvernance")
    means: Bounded(Action, "means") = Field("", description="moyens humains et techniques")
    participation: Bounded(Action, "participation") = Field(
        "", description="NONE, INFORMATION, CONSULTATION, CONCERTATION, CO_CONSTRUCTION"
    )
    status: Bounded(Action, "status") = Field(
        "", description="UPCOMING, IN_PROGRESS, DONE, PAUSED, ABANDONED, BLOCKED, LATE, TO_DISCUSS"
    )
    priority: Bounded(Action, "priority") = Field("", description="HIGH, MEDIUM ou LOW")
    starts_on: Bounded(Action, "starts_on") | None = Field(None, description="date de début (AAAA-MM-JJ)")
    ends_on: Bounded(Action, "ends_on") | None = Field(None, description="date de fin (AAAA-MM-JJ)")
    is_continuous: bool = Field(False, description="action en amélioration continue")
    calendar: Bounded(Action, "calendar") = Field("", description="calendrier")
    funding_note: Bounded(Action, "funding_note") = Field("", description="financements (précisions)")
    budget: Bounded(Action, "budget") | None = Field(
        None, description="budget prévisionnel total (€), nombre ou texte « 12500.50 »"
    )
    progress_mode: Bounded(Action, "progress_mode") = Field(
        "ENTERED", description="ENTERED (saisi) ou STEPS (d’après les étapes)"
    )
    progress_entered: Bounded(Action, "progress_entered") | None = Field(
        None, description="avancement saisi (%)"
    )
    weight: Bounded(Action, "weight") = Field(Decimal(1), description="pondération (positive)")
    related_measures: Bounded(Action, "related_measures") = Field("", description="mesures liées")
    related_text: Bounded(Action, "related_text") = Field("", description="actions liées (texte)")
    related_plans_text: Bounded(Action, "related_plans_text") = Field(
        "", description="fiches des plans liées (texte)"
    )
    notes: Bounded(Action, "notes") = Field("", description="notes complémentaires")
    indicators_text: Bounded(Action, "indicators_text") = Field("", description="indicateurs liés (texte)")
    is_confidential: bool = Field(
        False, description="fiche confidentielle (éditeurs des porteurs, ARS et son pilote seulement)"
    )
    source: Bounded(Action, "source") = Field("", description="source")
    publics: list[Bounded(Action, "publics")] = Field(
        [], description="identifiants des publics cibles", max_length=MAX_ITEMS
    )
    intervention_types: list[Bounded(Action, "intervention_types")] = Field(
        [], description="identifiants des types d’intervention", max_length=MAX_ITEMS
    )
    determinants: list[Bounded(Action, "determinants")] = Field(
        [], description="identifiants des déterminants de santé", max_length=MAX_ITEMS
    )
    communes: list[Bounded(Action, "communes")] = Field(
        [], description="codes INSEE des communes d’intervention (dans le périmètre)", max_length=MAX_ITEMS
    )


class ValueIn(Schema):
    period: Bounded(IndicatorValue, "period") = Field(
        description="période : 2026, 2026-S1, 2026-T3 ou 2026-05"
    )
    target: Bounded(IndicatorValue, "target") | None = Field(None, description="cible")
    actual: Bounded(IndicatorValue, "actual") | None = Field(None, description="valeur constatée")
    numerator: Bounded(IndicatorValue, "numerator") | None = Field(
        None, description="numérateur (avec le dénominateur)"
    )
    denominator: Bounded(IndicatorValue, "denominator") | None = Field(
        None, description="dénominateur (avec le numérateur)"
    )
    comment: Bounded(IndicatorValue, "comment") = Field("", description="commentaire")
    source: Bounded(IndicatorValue, "source") = Field("", description="source")
    version: int | None = Field(
        None,
        ge=0,
        le=2**31 - 1,
        description="pour remplacer la valeur d’une période déjà saisie : sa version (lue par GET) ; "
        "sans elle, ou périmée, la réponse est 409 et rien n’est écrit",
    )


# --- Helpers ----------------------------------------------------------------------------------------


def _visible(request, public_id: UUID) -> Contract:
    """The contract if ``request.user`` may see it; 404 otherwise (a draft's existence is not revealed)."""
    return found(visible_contract(request.user, public_id), CONTRACT_NOT_VISIBLE)


def _visible_fiche(request, contract: Contract, pk: int) -> Action:
    action = (
        _visible_actions(request.user, contract)
        .select_related("section", "parent", "pilot_user", "copied_from__contract")
        .filter(pk=pk)
        .first()
    )
    action = found(action, FICHE_NOT_VISIBLE)
    action.contract = contract
    return action


def _lookups(contract: Contract, payload: FicheIn) -> tuple[dict, list[str]]:
    """Resolve the ids of a fiche payload (axis, parent fiche, terms, communes) to objects; returns them
    with the French messages for whatever is unknown."""
    resolved, problems = {"section": None, "parent": None}, []
    if payload.section is not None:
        resolved["section"] = contract.sections.filter(pk=payload.section).first()
        if resolved["section"] is None:
            problems.append(f"Axe ou objectif inconnu dans ce contrat : {payload.section}.")
    if payload.parent is not None:
        resolved["parent"] = Action.objects.alive().filter(contract=contract, pk=payload.parent).first()
        if resolved["parent"] is None:
            problems.append(f"Fiche parente inconnue dans ce contrat : {payload.parent}.")
    for name, vocabulary in (
        ("publics", Vocabulary.PUBLIC),
        ("intervention_types", Vocabulary.INTERVENTION),
        ("determinants", Vocabulary.DETERMINANT),
    ):
        ids = list(dict.fromkeys(getattr(payload, name)))
        known = {t.pk: t for t in Term.objects.filter(pk__in=ids)}
        unknown = [str(pk) for pk in ids if pk not in known]
        if unknown:
            problems.append(
                f"Terme(s) inconnu(s) de la liste « {Vocabulary(vocabulary).label} » : {', '.join(unknown)}."
            )
        resolved[name] = [known[pk] for pk in ids if pk in known]
    codes = list(dict.fromkeys(c.strip() for c in payload.communes if c.strip()))
    communes = {c.code: c for c in Commune.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in communes]
    if unknown:
        problems.append(f"Commune(s) inconnue(s) : {', '.join(unknown)}.")
    resolved["communes"] = [communes[code] for code in codes if code in communes]
    return resolved, problems


# --- Reading ----------------------------------------------------------------------------------------


@plans_router.get(
    "/fiches",
    response={200: SearchOut, 422: ErrorOut},
    summary="Rechercher dans les fiches publiées",
)
def api_search(
    request,
    q: Text(MAX_QUERY_LENGTH) = "",
    region: Text(FILTER_LENGTH) = "",
    public: Text(FILTER_LENGTH) = "",
    intervention: Text(FILTER_LENGTH) = "",
    theme: Text(FILTER_LENGTH) = "",
    type: Text(FILTER_LENGTH) = "",
    statut: Text(FILTER_LENGTH) = "",
    page: Page = 1,
):
    """Les fiches actions non confidentielles des contrats publiés, de tous les contrats (comme la page
    /fiches/) : chaque mot de ``q`` doit commencer un mot de la fiche (sans tenir compte des accents ni
    des majuscules) ; filtres par région (code INSEE), public cible et type d’intervention (identifiants
    des termes), socle thématique régional (identifiant), type de contrat (CLS ou CLSM) et statut de la
    fiche. Les plus pertinentes d’abord (mots trouvés dans le titre), puis par nom de contrat ; 20 par page.
    Une valeur de filtre inconnue est refusée (422) plutôt qu’ignorée."""
    params = {
        "q": q,
        "region": region,
        "public": public,
        "intervention": intervention,
        "theme": theme,
        "type": type,
        "statut": statut,
    }
    filters, warnings = parse_search_filters(params)
    if warnings:
        return refused(warnings)
    return search_service.search_page(user=request.user, filters=filters, page=max(page, 1))


@plans_router.get(
    "/{uuid:public_id}",
    response={200: PlanOut, 404: ErrorOut},
    summary="Le plan d’action d’un contrat",
)
def api_plan(request, public_id: UUID):
    """L’arborescence du plan : les axes et objectifs (niveau, numéro, intitulé, socles, volet santé
    mentale, avancement pondéré) dans l’ordre de lecture, avec leurs fiches (numéro, titre, statut,
    priorité, pilote, dates, avancement, retard) et leurs sous-actions. Les fiches confidentielles ne sont
    montrées qu’aux parties au contrat."""
    contract = _visible(request, public_id)
    summary = progress.summarize(contract, request.user)
    actions = list(read.plan_actions(contract, request.user))
    by_pk = {a.pk: a for a in actions}
    fiches: dict[int | None, list[Action]] = defaultdict(list)
    for action in actions:
        action.plan_progress = summary.progress_by_action.get(action.pk)
        action.plan_sub_actions = []
    for action in actions:
        if action.parent_id is None:
            fiches[action.section_id].append(action)
        elif action.parent_id in by_pk:
            by_pk[action.parent_id].plan_sub_actions.append(action)
    sections = []
    for row in summary.sections:
        section = row.section
        section.depth, section.plan_progress, section.fiche_count = row.depth, row.progress, row.action_count
        section.plan_fiches = fiches.get(section.pk, [])
        sections.append(section)
    prefetch_related_objects(sections, "themes")
    return {
        "contract": contract,
        "progress": summary.contract_progress,
        "fiche_count": summary.action_count,
        "sections": sections,
        "unassigned": fiches.get(None, []),
        "can_change": request.user.has_perm("plans.change_plan", contract),
    }


@plans_router.get(
    "/{uuid:public_id}/fiches/{int:pk}",
    response={200: FicheOut, 404: ErrorOut},
    summary="Une fiche action, en détail",
)
def api_fiche(request, public_id: UUID, pk: Id):
    """Tous les champs de la fiche, avec ses sous-actions, étapes, notes de suivi, documents et liens,
    lignes de financement et indicateurs (avec leurs valeurs). Une fiche confidentielle répond 404 à qui
    n’est pas partie au contrat."""
    contract = _visible(request, public_id)
    return _visible_fiche(request, contract, pk)


@plans_router.get(
    "/{uuid:public_id}/financements",
    response={200: FundingSummaryOut, 404: ErrorOut},
    summary="Financements consolidés d’un plan",
)
def api_funding(request, public_id: UUID):
    """Le prévu et le réalisé, en euros et en ETP, par financeur, par année et au total, sur les fiches
    que vous pouvez voir."""
    return progress.funding_summary(_visible(request, public_id), request.user)


# --- Writing ----------------------------------------------------------------------------------------


@plans_router.post(
    "/{uuid:public_id}/fiches",
    response={201: FicheOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=django_auth,
    summary="Créer une fiche action",
)
def api_create_fiche(request, public_id: UUID, payload: FicheIn):
    """Crée une fiche (ou, avec ``parent``, une sous-action) dans le plan du contrat ; réservé au ou à la
    coordinateur·rice (éditeur·rices des collectivités porteuses). Chaque problème est listé (422) et rien
    n’est enregistré."""
    contract = _visible(request, public_id)
    if not request.user.has_perm("plans.change_plan", contract):
        raise HttpError(403, REFUSALS["plans.change_plan"])
    resolved, problems = _lookups(contract, payload)
    if problems:
        return refused(problems)
    values = payload.dict(
        exclude={"section", "parent", "publics", "intervention_types", "determinants", "communes"}
    )
    try:
        action = create_action(contract, ActionData(**values, **resolved))
    except PlanError as exc:
        return refused(exc.messages)
    action.contract = contract
    return Status(201, action)


@plans_router.post(
    "/{uuid:public_id}/indicateurs/{int:indicator_id}/valeurs",
    response={
        200: IndicatorValueOut,
        201: IndicatorValueOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ValueConflictOut,
        422: ErrorOut,
    },
    auth=django_auth,
    summary="Enregistrer la valeur d’un indicateur",
)
def api_record_value(request, public_id: UUID, indicator_id: Id, payload: ValueIn):
    """Enregistre la cible et la valeur constatée d’un indicateur pour une période (201), ou remplace
    celles de cette période (200) en renvoyant sa ``version`` (sinon 409 avec la valeur actuelle : rien
    n’est écrasé sans le savoir) ; réservé au ou à la coordinateur·rice du contrat et au ou à la pilote de
    la fiche de l’indicateur. Avec un numérateur et un dénominateur sans valeur constatée, la valeur est
    leur rapport (en % quand l’unité est « % »)."""
    contract = _visible(request, public_id)
    indicator = contract.indicators.select_related("action").filter(pk=indicator_id).first()
    if indicator is None or (
        indicator.action_id is not None and not request.user.has_perm("plans.view_action", indicator.action)
    ):
        raise HttpError(404, INDICATOR_NOT_VISIBLE)
    if not request.user.has_perm("plans.change_indicator_values", indicator):
        raise HttpError(403, CANNOT_RECORD)
    existed = indicator.values.filter(period=payload.period.strip()).exists()
    try:
        value = record_value(indicator, **payload.dict())
    except VersionConflict as conflict:
        return conflicted(conflict)
    except IndicatorError as exc:
        return refused(exc.messages)
    return Status(200 if existed else 201, value)
