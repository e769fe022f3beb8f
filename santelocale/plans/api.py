"""API router of action plans: a contract's plan, one fiche, the funding, the search of published fiches,
creating a fiche and recording an indicator value — with the permissions of the pages.

Reading follows ``plans.view_plan`` / ``plans.view_action`` (the public reads the published contracts'
plans without their confidential fiches; an invisible contract or fiche answers 404). Writes need a
session (401), then the right (403 with a French reason), then the services' rules (422 listing every
problem in French, nothing written). Amounts and indicator values are JSON numbers; they are accepted as
numbers or as strings (« 12500.50 »).
"""

import datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from santelocale.api.schemas import ErrorOut, RefOut, found
from santelocale.api.schemas import refused as _refused
from santelocale.contracts.models import Contract
from santelocale.contracts.reading import NOT_VISIBLE as CONTRACT_NOT_VISIBLE
from santelocale.contracts.reading import visible_contract
from santelocale.indicators.models import Indicator, IndicatorValue
from santelocale.indicators.services import IndicatorError, record_value
from santelocale.plans import progress
from santelocale.plans import search as search_service
from santelocale.plans.enums import Vocabulary
from santelocale.plans.models import Action, Section, Term
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


# --- Schemas ----------------------------------------------------------------------------------------


class TermOut(Schema):
    id: int = Field(description="identifiant du terme")
    label: str = Field(description="intitulé")


class FichePlaceOut(Schema):
    code: str = Field(description="code INSEE (commune) ou code du quartier prioritaire")
    name: str = Field(description="nom")


class ThemeRefOut(Schema):
    id: int = Field(description="identifiant du socle thématique régional")
    label: str = Field(description="intitulé du socle")


class FicheRefOut(Schema):
    id: int = Field(description="identifiant de la fiche")
    label: str = Field(description="numéro et titre")


class SubActionOut(Schema):
    id: int = Field(description="identifiant de la fiche")
    number: str = Field(description="numéro")
    title: str = Field(description="titre")
    label: str = Field(description="numéro et titre")
    status: str = Field(
        description="UPCOMING, IN_PROGRESS, DONE, PAUSED, ABANDONED, BLOCKED, LATE, TO_DISCUSS ou vide"
    )
    status_label: str = Field(description="statut, en clair")
    priority: str = Field(description="HIGH, MEDIUM, LOW ou vide")
    priority_label: str = Field(description="niveau de priorité, en clair")
    pilot: str = Field(description="pilote (compte ou personne(s) nommée(s)), vide sans pilote")
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


class FicheSummaryOut(SubActionOut):
    sub_actions: list[SubActionOut] = Field(description="sous-actions visibles")


class SectionOut(Schema):
    id: int = Field(description="identifiant de l’axe ou de l’objectif")
    parent_id: int | None = Field(description="axe ou objectif parent (null pour un axe)")
    depth: int = Field(description="profondeur dans l’arborescence (0 pour un axe)")
    kind: str = Field(description="AXIS, SUB_AXIS, GENERAL, SPECIFIC ou OPERATIONAL")
    kind_label: str = Field(description="niveau, en clair")
    number: str = Field(description="numéro")
    title: str = Field(description="intitulé")
    themes: list[ThemeRefOut] = Field(description="socles thématiques régionaux couverts")
    is_mental_health_volet: bool = Field(description="constitue le volet santé mentale (loi 3DS)")
    progress: int | None = Field(description="avancement pondéré en %, null quand il est inconnu")
    fiche_count: int = Field(description="fiches visibles de l’axe et de tout ce qui est dessous")
    version: int = Field(description="version (verrouillage optimiste : change à chaque modification)")
    fiches: list[FicheSummaryOut] = Field(description="fiches rattachées directement à cet axe ou objectif")


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
    funder_kind: str = Field(
        description="ARS, COLLECTIVITY, HEALTH_INSURANCE, CAF, CITY_POLICY, STATE ou OTHER"
    )
    funder_kind_label: str = Field(description="type de financeur, en clair")
    funder_name: str = Field(description="nom du financeur")
    funder_label: str = Field(description="financeur tel qu’affiché")
    fir_mission: str = Field(description="mission du FIR (M1 à M5) ou vide")
    fir_line: str = Field(description="ligne du FIR")
    nature: str = Field(description="OPERATING (fonctionnement) ou INVESTMENT (investissement)")
    unit: str = Field(description="EUR ou FTE (ETP)")
    planned: float = Field(description="montant prévu")
    spent: float | None = Field(description="montant réalisé")
    comment: str = Field(description="commentaire")


class ValueOut(Schema):
    period: str = Field(description="période : 2026, 2026-S1, 2026-T3 ou 2026-05")
    target: float | None = Field(description="cible")
    actual: float | None = Field(description="valeur constatée")
    numerator: float | None = Field(description="numérateur")
    denominator: float | None = Field(description="dénominateur")
    comment: str = Field(description="commentaire")
    source: str = Field(description="source")
    version: int = Field(description="version (verrouillage optimiste : change à chaque modification)")


class ValueConflictOut(Schema):
    detail: str = Field(
        description="la période a déjà une valeur, ou elle a changé depuis la version envoyée"
    )
    messages: list[str] = Field([], description="le même message")
    current: ValueOut = Field(description="la valeur enregistrée (avec sa version)")


class FicheIndicatorOut(Schema):
    id: int = Field(description="identifiant de l’indicateur")
    name: str = Field(description="intitulé")
    kind: str = Field(description="PROCESS, RESULT ou IMPACT")
    kind_label: str = Field(description="type, en clair")
    unit: str = Field(description="unité")
    direction: str = Field(description="sens de l’amélioration (UP, DOWN, STABLE) ou vide")
    numerator: str = Field(description="numérateur (définition)")
    denominator: str = Field(description="dénominateur (définition)")
    baseline: float | None = Field(description="valeur de référence")
    baseline_period: str = Field(description="période de référence")
    source: str = Field(description="source des données")
    values: list[ValueOut] = Field(description="cibles et valeurs par période")


class FicheOut(FicheSummaryOut):
    contract: RefOut = Field(description="le contrat")
    section: FicheRefOut | None = Field(description="axe ou objectif de rattachement")
    axis: FicheRefOut | None = Field(description="axe (premier niveau) de rattachement")
    parent: FicheRefOut | None = Field(description="fiche parente (pour une sous-action)")
    description: str = Field(description="descriptif")
    objectives: str = Field(description="objectifs")
    expected_results: str = Field(description="résultats attendus")
    publics: list[TermOut] = Field(description="publics cibles")
    intervention_types: list[TermOut] = Field(description="types d’intervention")
    determinants: list[TermOut] = Field(description="déterminants de santé")
    communes: list[FichePlaceOut] = Field(description="communes d’intervention")
    neighbourhoods: list[FichePlaceOut] = Field(description="quartiers prioritaires (QPV)")
    operator: str = Field(description="structure porteuse (opérateur)")
    pilot_service: str = Field(description="direction ou service pilote")
    pilot_name: str = Field(description="personne(s) pilote(s) nommée(s)")
    partners: str = Field(description="partenaires")
    elected_referent: str = Field(description="élu·e référent·e")
    governance: str = Field(description="instances de gouvernance")
    means: str = Field(description="moyens humains et techniques")
    participation: Bounded(Action, "participation") = Field(
        description="participation citoyenne (NONE, INFORMATION, … CO_CONSTRUCTION)"
    )
    participation_label: str = Field(description="participation citoyenne, en clair")
    is_continuous: bool = Field(description="action en amélioration continue")
    calendar: str = Field(description="calendrier")
    funding_note: str = Field(description="financements (précisions)")
    budget: float | None = Field(description="budget prévisionnel total (€)")
    progress_mode: str = Field(description="ENTERED (saisi) ou STEPS (d’après les étapes)")
    progress_entered: int | None = Field(description="avancement saisi (%)")
    weight: float = Field(description="pondération")
    related_measures: str = Field(description="mesures liées")
    related_text: str = Field(description="actions liées (texte importé)")
    related_plans_text: str = Field(description="fiches des plans liées (texte importé)")
    notes: str = Field(description="notes complémentaires")
    indicators_text: str = Field(description="indicateurs liés (texte importé)")
    source: str = Field(description="source")
    copied_from: FicheRefOut | None = Field(description="fiche publiée dont celle-ci est la copie")
    linked: list[FicheRefOut] = Field(description="fiches liées")
    steps: list[StepOut] = Field(description="étapes")
    follow_ups: list[FollowUpOut] = Field(description="notes de suivi, la plus récente d’abord")
    links: list[FicheLinkOut] = Field(description="documents et liens")
    funding: list[FundingLineOut] = Field(description="lignes de financement")
    indicators: list[FicheIndicatorOut] = Field(description="indicateurs de la fiche, avec leurs valeurs")
    created_at: datetime.datetime = Field(description="créée le")
    updated_at: datetime.datetime = Field(description="modifiée le")
    can_change: bool = Field(description="vrai quand vous pouvez modifier cette fiche")


class FundingRowOut(Schema):
    planned: float = Field(description="prévu (€)")
    spent: float = Field(description="réalisé (€)")
    planned_fte: float = Field(description="prévu (ETP)")
    spent_fte: float = Field(description="réalisé (ETP)")


class FunderRowOut(FundingRowOut):
    kind: str = Field(description="type de financeur")
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


class HitOut(Schema):
    id: int = Field(description="identifiant de la fiche")
    label: str = Field(description="numéro et titre")
    title: str = Field(description="titre")
    url: str = Field(description="adresse de la fiche sur la plateforme")
    contract: RefOut = Field(description="le contrat")
    contract_kind: str = Field(description="CLS ou CLSM")
    region: str = Field(description="région du contrat")
    axis: str | None = Field(description="axe de rattachement")
    is_sub_action: bool = Field(description="sous-action d’une autre fiche")
    status: str = Field(description="statut")
    status_label: str = Field(description="statut, en clair")
    publics: list[str] = Field(description="publics cibles")
    intervention_types: list[str] = Field(description="types d’intervention")
    excerpt: str = Field(description="début du descriptif (300 caractères)")


class SearchOut(Schema):
    count: int = Field(description="nombre de fiches trouvées")
    page: int = Field(description="page renvoyée")
    page_count: int = Field(description="nombre de pages (20 fiches par page)")
    results: list[HitOut] = Field(description="fiches, les plus pertinentes d’abord")


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
    return found(visible_contract(request.user, public_id), CONTRACT_NOT_VISIBLE)


def _ref(contract: Contract) -> Contract:
    return contract  # RefOut reads it


def _fiche_ref(obj) -> dict:
    return {"id": obj.pk, "label": obj.label}


def _number(value) -> float | None:
    return float(value) if value is not None else None


def _visible_actions(request, contract: Contract):
    return progress.plan_actions(contract, request.user)


def _visible_fiche(request, contract: Contract, pk: int) -> Action:
    action = (
        _visible_actions(request, contract)
        .select_related("section", "parent", "pilot_user", "copied_from__contract")
        .filter(pk=pk)
        .first()
    )
    if action is None:
        raise HttpError(404, FICHE_NOT_VISIBLE)
    action.contract = contract
    return action


def _summary(action: Action, progress_value, sub_actions=None, today=None) -> dict:
    row = {
        "id": action.pk,
        "number": action.number,
        "title": action.title,
        "label": action.label,
        "status": action.status,
        "status_label": action.get_status_display() if action.status else "Non renseigné",
        "priority": action.priority,
        "priority_label": action.get_priority_display() if action.priority else "Non renseigné",
        "pilot": action.pilot_label,
        "starts_on": action.starts_on,
        "ends_on": action.ends_on,
        "progress": progress_value,
        "is_late": action.is_late(today),
        "is_confidential": action.is_confidential,
        "version": action.version,
    }
    if sub_actions is not None:
        row["sub_actions"] = sub_actions
    return row


def _indicator(indicator: Indicator) -> dict:
    return {
        "id": indicator.pk,
        "name": indicator.name,
        "kind": indicator.kind,
        "kind_label": indicator.get_kind_display(),
        "unit": indicator.unit,
        "direction": indicator.direction,
        "numerator": indicator.numerator,
        "denominator": indicator.denominator,
        "baseline": _number(indicator.baseline),
        "baseline_period": indicator.baseline_period,
        "source": indicator.source,
        "values": [_value(v) for v in indicator.values.all()],
    }


def _value(value) -> dict:
    return {
        "period": value.period,
        "target": _number(value.target),
        "actual": _number(value.actual),
        "numerator": _number(value.numerator),
        "denominator": _number(value.denominator),
        "comment": value.comment,
        "source": value.source,
        "version": value.version,
    }


def _funding_line(line) -> dict:
    return {
        "id": line.pk,
        "version": line.version,
        "year": line.year,
        "funder_kind": line.funder_kind,
        "funder_kind_label": line.get_funder_kind_display(),
        "funder_name": line.funder_name,
        "funder_label": line.funder_label,
        "fir_mission": line.fir_mission,
        "fir_line": line.fir_line,
        "nature": line.nature,
        "unit": line.unit,
        "planned": float(line.planned),
        "spent": _number(line.spent),
        "comment": line.comment,
    }


def _detail(request, action: Action) -> dict:
    """Every field of the fiche, with what hangs from it, narrowed to what the user may read."""
    user = request.user
    contract = action.contract
    visible = _visible_actions(request, contract)
    subs = list(visible.filter(parent=action).select_related("pilot_user").prefetch_related("steps"))
    sections = {s.pk: s for s in contract.sections.all()}
    section = sections.get(action.section_id)
    axis = axis_of(section, sections) if section is not None else None
    copied_from = action.copied_from
    if copied_from is not None and (
        copied_from.deleted_at is not None or not user.has_perm("plans.view_action", copied_from)
    ):
        copied_from = None
    return {
        **_summary(
            action,
            progress.action_progress(action),
            [_summary(s, progress.action_progress(s, list(s.steps.all()))) for s in subs],
        ),
        "contract": _ref(contract),
        "section": _fiche_ref(section) if section is not None else None,
        "axis": _fiche_ref(axis) if axis is not None else None,
        "parent": _fiche_ref(action.parent) if action.parent_id else None,
        "description": action.description,
        "objectives": action.objectives,
        "expected_results": action.expected_results,
        "publics": [{"id": t.pk, "label": t.label} for t in action.publics.all()],
        "intervention_types": [{"id": t.pk, "label": t.label} for t in action.intervention_types.all()],
        "determinants": [{"id": t.pk, "label": t.label} for t in action.determinants.all()],
        "communes": [{"code": c.code, "name": c.name} for c in action.communes.order_by("name")],
        "neighbourhoods": [{"code": q.code, "name": q.name} for q in action.neighbourhoods.order_by("name")],
        "operator": action.operator,
        "pilot_service": action.pilot_service,
        "pilot_name": action.pilot_person,
        "partners": action.partners,
        "elected_referent": action.elected_referent,
        "governance": action.governance,
        "means": action.means,
        "participation": action.participation,
        "participation_label": action.get_participation_display() if action.participation else "",
        "is_continuous": action.is_continuous,
        "calendar": action.calendar,
        "funding_note": action.funding_note,
        "budget": _number(action.budget),
        "progress_mode": action.progress_mode,
        "progress_entered": action.progress_entered,
        "weight": float(action.weight),
        "related_measures": action.related_measures,
        "related_text": action.related_text,
        "related_plans_text": action.related_plans_text,
        "notes": action.notes,
        "indicators_text": action.indicators_text,
        "source": action.source,
        "copied_from": _fiche_ref(copied_from) if copied_from is not None else None,
        "linked": [_fiche_ref(a) for a in visible.filter(pk__in=action.linked.values("pk"))],
        "steps": [
            {"id": s.pk, "title": s.title, "due_on": s.due_on, "is_done": s.is_done, "done_on": s.done_on}
            for s in action.steps.all()
        ],
        "follow_ups": [{"noted_on": n.noted_on, "text": n.text} for n in action.follow_ups.all()],
        "links": [{"id": link.pk, "title": link.title, "url": link.url} for link in action.links.all()],
        "funding": [_funding_line(line) for line in action.funding.all()],
        "indicators": [_indicator(i) for i in action.indicators.prefetch_related("values")],
        "created_at": action.created_at,
        "updated_at": action.updated_at,
        "can_change": user.has_perm("plans.change_action", action),
    }


def _hit(hit) -> dict:
    action = hit.action
    return {
        "id": action.pk,
        "label": action.label,
        "title": action.title,
        "url": action.get_absolute_url(),
        "contract": _ref(hit.contract),
        "contract_kind": hit.contract.kind,
        "region": hit.contract.region.name,
        "axis": hit.axis.label if hit.axis is not None else None,
        "is_sub_action": action.is_sub_action,
        "status": action.status,
        "status_label": action.get_status_display() if action.status else "Non renseigné",
        "publics": [t.label for t in hit.publics],
        "intervention_types": [t.label for t in hit.intervention_types],
        "excerpt": hit.excerpt,
    }


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
        found = {t.pk: t for t in Term.objects.filter(pk__in=ids)}
        unknown = [str(pk) for pk in ids if pk not in found]
        if unknown:
            problems.append(
                f"Terme(s) inconnu(s) de la liste « {Vocabulary(vocabulary).label} » : {', '.join(unknown)}."
            )
        resolved[name] = [found[pk] for pk in ids if pk in found]
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
    filters, warnings = search_service.parse_filters(params)
    if warnings:
        return _refused(warnings)
    result = search_service.search_page(user=request.user, filters=filters, page=max(page, 1))
    return {
        "count": result.paginator.count,
        "page": result.number,
        "page_count": result.paginator.num_pages,
        "results": [_hit(hit) for hit in result.object_list],
    }


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
    actions = list(progress.plan_actions(contract, request.user))
    by_pk = {a.pk: a for a in actions}
    subs: dict[int, list[dict]] = {}
    for action in actions:
        if action.parent_id is not None and action.parent_id in by_pk:
            value = summary.progress_by_action.get(action.pk)
            subs.setdefault(action.parent_id, []).append(_summary(action, value))
    fiches: dict[int | None, list[dict]] = {}
    for action in actions:
        if action.parent_id is None:
            row = _summary(action, summary.progress_by_action.get(action.pk), subs.get(action.pk, []))
            fiches.setdefault(action.section_id, []).append(row)
    themes = {
        s.pk: list(s.themes.all())
        for s in Section.objects.filter(contract=contract).prefetch_related("themes")
    }
    sections = [
        {
            "id": row.section.pk,
            "parent_id": row.section.parent_id,
            "depth": row.depth,
            "kind": row.section.kind,
            "kind_label": row.section.get_kind_display(),
            "number": row.section.number,
            "title": row.section.title,
            "themes": [{"id": t.pk, "label": t.label} for t in themes.get(row.section.pk, [])],
            "is_mental_health_volet": row.section.is_mental_health_volet,
            "version": row.section.version,
            "progress": row.progress,
            "fiche_count": row.action_count,
            "fiches": fiches.get(row.section.pk, []),
        }
        for row in summary.sections
    ]
    return {
        "contract": _ref(contract),
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
    return _detail(request, _visible_fiche(request, contract, pk))


@plans_router.get(
    "/{uuid:public_id}/financements",
    response={200: FundingSummaryOut, 404: ErrorOut},
    summary="Financements consolidés d’un plan",
)
def api_funding(request, public_id: UUID):
    """Le prévu et le réalisé, en euros et en ETP, par financeur, par année et au total, sur les fiches
    que vous pouvez voir."""
    contract = _visible(request, public_id)
    funding = progress.funding_summary(contract, request.user)
    return {
        "by_funder": funding.by_funder,
        "by_year": funding.by_year,
        "total": funding.total,
        "line_count": funding.line_count,
    }


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
        return _refused(problems)
    values = payload.dict(
        exclude={"section", "parent", "publics", "intervention_types", "determinants", "communes"}
    )
    try:
        action = create_action(contract, ActionData(**values, **resolved))
    except PlanError as exc:
        return _refused(exc.messages)
    action.contract = contract
    return Status(201, _detail(request, action))


@plans_router.post(
    "/{uuid:public_id}/indicateurs/{int:indicator_id}/valeurs",
    response={
        200: ValueOut,
        201: ValueOut,
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
        detail = {"detail": conflict.message, "messages": conflict.messages}
        return Status(409, {**detail, "current": _value(conflict.current)})
    except IndicatorError as exc:
        return _refused(exc.messages)
    return Status(200 if existed else 201, _value(value))
