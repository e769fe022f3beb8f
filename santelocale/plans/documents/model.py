"""The document model of a contract's action plan: what the contract document (« la convention ») says, as
plain data (``ContractDoc``: facts, parties, territory, axes, fiches with their fields and tables), built
once for one user and laid out by the Word writer (``word``) and the print HTML (``pdf``).

Each document holds only what the requesting user may see, as ``plans.read`` says (``read_plan``: live
fiches the user may see, sub-actions under a visible parent; ``visible_indicators``). Everything is read in
a few queries (fiches with all their parts prefetched), never fiche by fiche.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from santelocale.contracts import reading
from santelocale.contracts.enums import ContractKind
from santelocale.indicators.models import Indicator
from santelocale.indicators.services import latest_value
from santelocale.plans import progress
from santelocale.plans.enums import ActionStatus, FundingUnit
from santelocale.plans.models import Action
from santelocale.plans.read import PlanParts, read_plan
from santelocale.territories.models import PriorityNeighbourhood
from santelocale.utils import fr
from santelocale.utils.text import clean

KIND_LABELS = {
    ContractKind.CLS: "Contrat local de santé",
    ContractKind.CLSM: "Conseil local de santé mentale",
}
#: The territory section names the communes up to this many; beyond, it gives their number.
MAX_LISTED_COMMUNES = 60
NOT_ENTERED = "Non renseigné"

# --- Formatting -------------------------------------------------------------------------------------------


def funding_amount(value, unit: str = FundingUnit.EUR) -> str:
    """A funding figure in its unit: « 12 000 € », « 0,5 ETP »; "" for None."""
    return fr.fte(value) if unit == FundingUnit.FTE else fr.euros(value)


def progress_text(value: int | None) -> str:
    """« 45 % », or « Non renseigné » when the progress is unknown."""
    return NOT_ENTERED if value is None else fr.percent(value)


def filename_slug(contract) -> str:
    """« cls-d-albi-test » for « CLS d’Albi (test) » (apostrophes separate words)."""
    return slugify(re.sub(r"[’'ʼ]", " ", contract.name)) or "contrat"


def kind_label(contract) -> str:
    return KIND_LABELS.get(contract.kind, contract.get_kind_display())


# --- Reading the plan -------------------------------------------------------------------------------------


def plan_progress(parts: PlanParts) -> dict[int, int | None]:
    """The progress in % (or None) of each fiche and sub-action of ``parts`` (steps are prefetched)."""
    return {a.pk: progress.action_progress(a, list(a.steps.all())) for a in parts.actions}


# --- The contract document -------------------------------------------------------------------------------


@dataclass
class Field:
    """One row of a fiche's table: a label and either a text or a list of items."""

    label: str
    text: str = ""
    items: list[str] = field(default_factory=list)


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class FicheDoc:
    action: Action
    heading: str
    anchor: str
    fields: list[Field]
    tables: list[Table]
    sub_actions: list["FicheDoc"]


@dataclass
class SectionDoc:
    heading: str
    depth: int
    description: str
    themes: list[str]
    prs_objectives: list[str]
    fiche_titles: list[str]
    is_mental_health_volet: bool

    @property
    def word_level(self) -> int:
        return min(2 + self.depth, 9)

    @property
    def html_level(self) -> int:
        return min(3 + self.depth, 6)


@dataclass
class ContractDoc:
    contract: object
    title: str
    subject: str
    kind_label: str
    facts: list[Field]  # generation, period, status…
    notice: str
    porteurs: list[str]
    signatories: Table
    territory: list[Field]
    sections: list[SectionDoc]
    unfiled: list[str]
    fiches: list[FicheDoc]
    generated_on: datetime.date

    @property
    def sub_action_count(self) -> int:
        return sum(len(f.sub_actions) for f in self.fiches)


def section_heading(section) -> str:
    kind = section.get_kind_display()
    return f"{kind} {section.number} — {section.title}" if section.number else f"{kind} — {section.title}"


def fiche_heading(action: Action) -> str:
    if action.parent_id is not None:
        return (
            f"Sous-action {action.number} — {action.title}"
            if action.number
            else f"Sous-action — {action.title}"
        )
    return f"Fiche {action.number} — {action.title}" if action.number else f"Fiche — {action.title}"


def _text(label: str, value) -> Field:
    return Field(label, clean(value) or NOT_ENTERED)


def _items(label: str, items) -> Field:
    items = [clean(i) for i in items if clean(i)]
    return Field(label, "" if items else NOT_ENTERED, items)


def _territory_items(action: Action) -> list[str]:
    items = []
    communes = sorted(c.name for c in action.communes.all())
    if communes:
        items.append("Communes : " + ", ".join(communes))
    qpvs = sorted(q.name for q in action.neighbourhoods.all())
    if qpvs:
        items.append("Quartiers prioritaires : " + ", ".join(qpvs))
    return items


def _step_item(step) -> str:
    if step.is_done:
        done = f" le {fr.short_date(step.done_on)}" if step.done_on else ""
        return f"☑ {step.title} — réalisée{done}"
    due = f" (échéance {fr.short_date(step.due_on)})" if step.due_on else ""
    return f"☐ {step.title} — à faire{due}"


def _funder_text(line) -> str:
    text = line.get_funder_kind_display()
    if line.funder_name and line.funder_name != text:
        text += f" — {line.funder_name}"
    if line.fir_mission:
        text += f" (FIR {line.fir_mission}{' — ' + line.fir_line if line.fir_line else ''})"
    return text


def funding_table(lines) -> Table:
    rows = []
    totals = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for line in lines:
        rows.append(
            [
                str(line.year) if line.year else "Non annualisé",
                _funder_text(line),
                line.get_nature_display(),
                line.get_unit_display(),
                funding_amount(line.planned, line.unit),
                funding_amount(line.spent, line.unit) if line.spent is not None else "—",
            ]
        )
        totals[line.unit][0] += line.planned
        totals[line.unit][1] += line.spent or Decimal(0)
    for unit, (planned, spent) in totals.items():
        rows.append(
            [
                "Total",
                "",
                "",
                FundingUnit(unit).label,
                funding_amount(planned, unit),
                funding_amount(spent, unit),
            ]
        )
    return Table("Financements", ["Année", "Financeur", "Nature", "Unité", "Prévu", "Réalisé"], rows)


def indicator_value(indicator: Indicator):
    """The value a report shows: the latest period with an actual value, else the latest with a target."""
    value = latest_value(indicator)
    if value is None:
        targets = [v for v in indicator.values.all() if v.target is not None]
        value = max(targets, key=lambda v: v.period) if targets else None
    return value


def indicator_figure(number, unit: str) -> str:
    """An indicator's figure with its unit (« 12 consultations », « 45,5 % »); « — » for none."""
    if number is None:
        return "—"
    if unit == "%":
        return fr.percent(number, 2)
    return f"{fr.number(number)} {unit}".strip()


def indicators_table(indicators) -> Table:
    rows = []
    for indicator in indicators:
        value = indicator_value(indicator)
        baseline = indicator_figure(indicator.baseline, indicator.unit)
        if indicator.baseline is not None and indicator.baseline_period:
            baseline += f" ({indicator.baseline_period})"
        rows.append(
            [
                clean(indicator.name),
                indicator.get_kind_display(),
                clean(indicator.unit) or "—",
                baseline,
                value.period if value else "—",
                indicator_figure(value.target if value else None, indicator.unit),
                indicator_figure(value.actual if value else None, indicator.unit),
            ]
        )
    return Table(
        "Indicateurs",
        ["Indicateur", "Type", "Unité", "Référence", "Dernière période", "Cible", "Réalisé"],
        rows,
    )


def _fiche_doc(action: Action, parts: PlanParts, progress_by_action: dict, today: datetime.date) -> FicheDoc:
    late = action.is_late(today)
    status = action.get_status_display() or NOT_ENTERED
    if late and action.status != ActionStatus.LATE:
        status += " (en retard)"
    dates = "Amélioration continue" if action.is_continuous else fr.period(action.starts_on, action.ends_on)
    linked = [a.label for a in action.linked.all() if a.pk in parts.visible_pks]
    linked += [line for line in action.related_text.splitlines() if line.strip()]
    territory = _territory_items(action)
    fields = [_text("Numéro", action.number), _text("Titre", action.title)]
    if action.parent_id is None:
        fields.append(Field("Axe", parts.axis_path(action) or "Hors axe"))
    fields += [
        _text("Descriptif", action.description),
        _text("Objectifs", action.objectives),
        _text("Résultats attendus", action.expected_results),
        _items("Publics cibles", [t.label for t in action.publics.all()]),
        Field("Territoire d’intervention", "" if territory else "Tout le territoire du contrat", territory),
        _text("Structure porteuse", action.operator),
        _text("Pilote", action.pilot_label),
        _text("Service pilote", action.pilot_service),
        _text("Partenaires", action.partners),
        _text("Élu·e référent·e", action.elected_referent),
        _text("Instances de gouvernance", action.governance),
    ]
    if action.means.strip():
        fields.append(_text("Moyens humains et techniques", action.means))
    fields += [
        _text("Participation citoyenne", action.get_participation_display()),
        _items("Types d’intervention", [t.label for t in action.intervention_types.all()]),
        _items("Déterminants de santé", [t.label for t in action.determinants.all()]),
        Field("Statut", status),
        _text("Priorité", action.get_priority_display()),
        _text("Dates", dates),
        _text("Calendrier", action.calendar),
        Field("Avancement", progress_text(progress_by_action.get(action.pk))),
    ]
    if action.budget is not None:
        fields.append(Field("Budget prévisionnel", fr.euros(action.budget)))
    if action.funding_note.strip():
        fields.append(_text("Financements (précisions)", action.funding_note))
    fields += [
        _items("Étapes", [_step_item(s) for s in action.steps.all()]),
        _items(
            "Notes de suivi", [f"{fr.short_date(n.noted_on)} — {n.text}" for n in action.follow_ups.all()]
        ),
        _items(
            "Documents et liens", [f"{k.title} — {k.url}" if k.url else k.title for k in action.links.all()]
        ),
        _items("Fiches liées", linked),
    ]
    for label, value in (
        ("Mesures liées", action.related_measures),
        ("Fiches des plans liées", action.related_plans_text),
        ("Indicateurs (description)", action.indicators_text),
        ("Notes complémentaires", action.notes),
    ):
        if value.strip():
            fields.append(_text(label, value))
    if action.is_confidential:
        fields.append(
            Field(
                "Confidentialité",
                "Fiche confidentielle : réservée aux éditeurs des porteurs, à l’ARS et à son pilote.",
            )
        )
    tables = []
    lines = list(action.funding.all())
    if lines:
        tables.append(funding_table(lines))
    indicators = list(action.indicators.all())
    if indicators:
        tables.append(indicators_table(indicators))
    heading = clean(fiche_heading(action))
    for table in tables:
        table.caption = f"{table.caption} — {heading}"
    return FicheDoc(
        action=action,
        heading=heading,
        anchor=f"fiche-{action.pk}",
        fields=fields,
        tables=tables,
        sub_actions=[
            _fiche_doc(sub, parts, progress_by_action, today)
            for sub in parts.subs_by_parent.get(action.pk, [])
        ],
    )


def contract_document(contract, user, today: datetime.date | None = None) -> ContractDoc:
    """Everything the contract's Word and PDF documents show, for ``user``."""
    today = today or timezone.localdate()
    parts = read_plan(contract, user)
    progress_by_action = plan_progress(parts)
    perimeter = contract.perimeter
    signatories = list(reading.signatories(contract, user))
    porteurs = [o.name for o in contract.porteurs.all()]
    territory = [
        Field("Périmètre", clean(perimeter.name)),
        Field("Nombre de communes", fr.number(perimeter.commune_count, 0)),
        Field("Population", f"{fr.number(perimeter.population, 0)} habitants"),
    ]
    if perimeter.commune_count <= MAX_LISTED_COMMUNES:
        names = list(perimeter.communes.order_by("name").values_list("name", flat=True))
        territory.append(Field("Communes", ", ".join(names) or "—"))
    else:
        territory.append(
            Field("Communes", f"{fr.number(perimeter.commune_count, 0)} communes (liste non reproduite)")
        )
    qpvs = list(
        PriorityNeighbourhood.objects.filter(communes__in=perimeter.communes.all())
        .distinct()
        .order_by("name")
        .values_list("name", flat=True)
    )
    if qpvs:
        territory.append(Field("Quartiers prioritaires (QPV)", "", qpvs))
    sections = [
        SectionDoc(
            heading=clean(section_heading(s)),
            depth=depth,
            description=clean(s.description),
            themes=[t.label for t in s.themes.all()],
            prs_objectives=s.prs_objective_list,
            fiche_titles=[clean(a.label) for a in parts.fiches_by_section.get(s.pk, [])],
            is_mental_health_volet=s.is_mental_health_volet,
        )
        for s, depth in parts.tree
    ]
    confidential = sum(1 for a in parts.ordered if a.is_confidential)
    if confidential:
        notice = (
            f"Ce document contient {confidential} fiche(s) confidentielle(s) : "
            "ne le diffusez qu’aux éditeurs des porteurs et à l’ARS."
        )
    else:
        notice = "Ce document ne contient aucune fiche confidentielle."
    facts = [
        Field("Type", kind_label(contract)),
        Field("Génération", contract.generation_label),
        Field("Période", fr.period(contract.starts_on, contract.ends_on) or NOT_ENTERED),
        Field("Statut", contract.status_display(today)),
        Field("Signature", fr.short_date(contract.signed_on) or "—"),
        Field(
            "Fiches actions",
            f"{len(parts.fiches)} fiche(s), {len(parts.ordered) - len(parts.fiches)} sous-action(s)",
        ),
        Field("Document généré le", fr.short_date(today)),
    ]
    return ContractDoc(
        contract=contract,
        title=clean(contract.name),
        subject=f"{kind_label(contract)} — convention et plan d’action",
        kind_label=kind_label(contract),
        facts=facts,
        notice=notice,
        porteurs=[clean(p) for p in porteurs],
        signatories=Table(
            "Signataires",
            ["Type de signataire", "Organisme", "Représenté par", "Date de signature"],
            [
                [
                    s.get_kind_display(),
                    clean(s.name),
                    clean(s.representative) or "—",
                    fr.short_date(s.signed_on) or "—",
                ]
                for s in signatories
            ],
        ),
        territory=territory,
        sections=sections,
        unfiled=[clean(a.label) for a in parts.fiches_by_section.get(None, [])],
        fiches=[_fiche_doc(a, parts, progress_by_action, today) for a in parts.fiches],
        generated_on=today,
    )
