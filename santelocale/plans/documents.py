"""Documents of an action plan: the contract (« la convention ») in Word and PDF, the Excel workbook of the
plan, and the COPIL progress report (one structure, ``copil_data``, laid out as the HTML page, Word and PDF).

Builders only, no HTTP. Each document holds only what the requesting user may see: live fiches through
``Action.objects.restrict(user, "view")`` (confidential fiches for the contract's parties only), sub-actions
under a visible parent, indicators of visible fiches. Everything is read in a few queries (fiches with all
their parts prefetched), never fiche by fiche.

PDF: WeasyPrint renders the print templates (``plans/print/*.html``) with ``static/plans/print.css`` inlined;
it fetches nothing (only ``data:`` URIs are allowed) and uses the system's fonts (DejaVu, Liberation).
"""

import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from xml.sax.saxutils import escape

from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify

from santelocale.contracts.enums import ContractKind
from santelocale.indicators.models import Indicator
from santelocale.indicators.services import latest_value, on_track
from santelocale.plans import progress
from santelocale.plans.enums import ActionStatus, FundingUnit
from santelocale.plans.models import Action
from santelocale.plans.services import section_tree
from santelocale.territories.models import PriorityNeighbourhood
from santelocale.utils.spreadsheet import safe_cell

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"

KIND_LABELS = {
    ContractKind.CLS: "Contrat local de santé",
    ContractKind.CLSM: "Conseil local de santé mentale",
}
#: The territory section names the communes up to this many; beyond, it gives their number.
MAX_LISTED_COMMUNES = 60
NOT_ENTERED = "Non renseigné"
#: Tagged PDF (structure for screen readers). It costs about as much as writing the untagged file again
#: (200 fiches: ~8 s more on a 2-core machine), a price worth paying for an accessible public document.
PDF_TAGS = True
PRINT_CSS = Path(__file__).resolve().parent.parent / "static" / "plans" / "print.css"

# --- Formatting -------------------------------------------------------------------------------------------

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(value) -> str:
    """``value`` as text that XML (Word, Excel) accepts: control characters removed, ``None`` → ""."""
    if value is None:
        return ""
    return _CONTROL.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n")).strip()


def fr_date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def fr_number(value, decimals: int = 2) -> str:
    """« 12 000 », « 0,5 », « 1 234,56 » (narrow no-break space between thousands), "" for None."""
    if value is None:
        return ""
    number = Decimal(value).quantize(Decimal(1).scaleb(-decimals))
    text = f"{number:,.{decimals}f}"
    if decimals:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",")


def amount(value, unit: str = FundingUnit.EUR) -> str:
    if value is None:
        return ""
    return f"{fr_number(value)} {'ETP' if unit == FundingUnit.FTE else '€'}"


def percent(value: int | None) -> str:
    return NOT_ENTERED if value is None else f"{value} %"


def filename_slug(contract) -> str:
    """« cls-d-albi-test » for « CLS d’Albi (test) » (apostrophes separate words)."""
    return slugify(re.sub(r"[’'ʼ]", " ", contract.name)) or "contrat"


def kind_label(contract) -> str:
    return KIND_LABELS.get(contract.kind, contract.get_kind_display())


def period_text(starts_on, ends_on) -> str:
    if starts_on and ends_on:
        return f"du {fr_date(starts_on)} au {fr_date(ends_on)}"
    if starts_on:
        return f"à partir du {fr_date(starts_on)}"
    if ends_on:
        return f"jusqu’au {fr_date(ends_on)}"
    return ""


# --- Reading the plan -------------------------------------------------------------------------------------


def visible_actions(contract, user) -> list[Action]:
    """The live fiches and sub-actions of ``contract`` that ``user`` may see (all when ``user`` is None),
    with every part prefetched, in plan order (``progress.plan_actions``)."""
    actions = (
        progress.plan_actions(contract, user)
        .select_related("section", "pilot_user")
        .prefetch_related(
            "publics",
            "intervention_types",
            "determinants",
            "communes",
            "neighbourhoods",
            "steps",
            "follow_ups",
            "links",
            "funding",
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("values")),
            # Linked fiches as the user may see them: a confidential one is not named to outsiders.
            Prefetch(
                "linked",
                queryset=progress.plan_actions(contract, user).only("pk", "number", "title", "contract_id"),
            ),
        )
        .order_by("position", "pk")
    )
    return list(actions)


def visible_indicators(contract, visible_pks) -> list[Indicator]:
    """The contract's indicators on the contract itself, on an axis, or on a visible fiche (one of
    ``visible_pks``), with their values."""
    indicators = (
        Indicator.objects.filter(contract=contract)
        .select_related("section", "action")
        .prefetch_related("values")
        .order_by("kind", "name", "pk")
    )
    return [i for i in indicators if i.action_id is None or i.action_id in visible_pks]


@dataclass
class PlanParts:
    """The plan as read once: sections in reading order, visible fiches grouped, sub-actions by parent."""

    tree: list  # [(Section, depth)]
    sections: dict  # pk → Section
    fiches_by_section: dict  # section pk (or None) → [Action]
    subs_by_parent: dict  # fiche pk → [Action]
    ordered: list  # fiches and sub-actions in reading order (each sub-action after its fiche)
    fiches: list  # fiches only, in reading order
    progress: dict  # action pk → progress in % or None

    @cached_property
    def fiche_by_pk(self) -> dict:
        return {a.pk: a for a in self.fiches}

    def axis_path(self, action: Action) -> str:
        """« 1. Accès aux soins › 1.1. Rendre l’offre lisible » (the parent's for a sub-action)."""
        section_id = action.section_id
        if action.parent_id is not None:
            parent = self.fiche_by_pk.get(action.parent_id)
            section_id = parent.section_id if parent else None
        chain = []
        while section_id is not None and section_id in self.sections:
            section = self.sections[section_id]
            chain.append(section.label)
            section_id = section.parent_id
        return " › ".join(reversed(chain))


def read_plan(contract, user) -> PlanParts:
    tree = section_tree(contract)
    prefetch_related_objects([s for s, _ in tree], "themes")
    sections = {s.pk: s for s, _ in tree}
    actions = visible_actions(contract, user)
    fiches_by_section = defaultdict(list)
    subs_by_parent = defaultdict(list)
    for action in actions:
        if action.parent_id is None:
            fiches_by_section[action.section_id if action.section_id in sections else None].append(action)
        else:
            subs_by_parent[action.parent_id].append(action)
    fiches = [a for s, _ in tree for a in fiches_by_section.get(s.pk, [])] + fiches_by_section.get(None, [])
    ordered = []
    for fiche in fiches:
        ordered.append(fiche)
        ordered += subs_by_parent.get(fiche.pk, [])
    return PlanParts(
        tree=tree,
        sections=sections,
        fiches_by_section=fiches_by_section,
        subs_by_parent=subs_by_parent,
        ordered=ordered,
        fiches=fiches,
        progress={a.pk: progress.action_progress(a, list(a.steps.all())) for a in actions},
    )


# --- The contract document (Word and PDF) -----------------------------------------------------------------


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
        done = f" le {fr_date(step.done_on)}" if step.done_on else ""
        return f"☑ {step.title} — réalisée{done}"
    due = f" (échéance {fr_date(step.due_on)})" if step.due_on else ""
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
                amount(line.planned, line.unit),
                amount(line.spent, line.unit) if line.spent is not None else "—",
            ]
        )
        totals[line.unit][0] += line.planned
        totals[line.unit][1] += line.spent or Decimal(0)
    for unit, (planned, spent) in totals.items():
        rows.append(["Total", "", "", FundingUnit(unit).label, amount(planned, unit), amount(spent, unit)])
    return Table("Financements", ["Année", "Financeur", "Nature", "Unité", "Prévu", "Réalisé"], rows)


def indicator_value(indicator: Indicator):
    """The value a report shows: the latest period with an actual value, else the latest with a target."""
    value = latest_value(indicator)
    if value is None:
        targets = [v for v in indicator.values.all() if v.target is not None]
        value = max(targets, key=lambda v: v.period) if targets else None
    return value


def _with_unit(number, unit: str) -> str:
    if number is None:
        return "—"
    return f"{fr_number(number)} {unit}".strip() if unit != "%" else f"{fr_number(number)} %"


def indicators_table(indicators) -> Table:
    rows = []
    for indicator in indicators:
        value = indicator_value(indicator)
        baseline = _with_unit(indicator.baseline, indicator.unit)
        if indicator.baseline is not None and indicator.baseline_period:
            baseline += f" ({indicator.baseline_period})"
        rows.append(
            [
                clean(indicator.name),
                indicator.get_kind_display(),
                clean(indicator.unit) or "—",
                baseline,
                value.period if value else "—",
                _with_unit(value.target if value else None, indicator.unit),
                _with_unit(value.actual if value else None, indicator.unit),
            ]
        )
    return Table(
        "Indicateurs",
        ["Indicateur", "Type", "Unité", "Référence", "Dernière période", "Cible", "Réalisé"],
        rows,
    )


def _fiche_doc(action: Action, parts: PlanParts, today: datetime.date) -> FicheDoc:
    late = action.is_late(today)
    status = action.get_status_display() or NOT_ENTERED
    if late and action.status != ActionStatus.LATE:
        status += " (en retard)"
    dates = "Amélioration continue" if action.is_continuous else period_text(action.starts_on, action.ends_on)
    visible_pks = parts.progress.keys()
    linked = [a.label for a in action.linked.all() if a.pk in visible_pks]
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
        Field("Avancement", percent(parts.progress.get(action.pk))),
    ]
    if action.budget is not None:
        fields.append(Field("Budget prévisionnel", amount(action.budget)))
    if action.funding_note.strip():
        fields.append(_text("Financements (précisions)", action.funding_note))
    fields += [
        _items("Étapes", [_step_item(s) for s in action.steps.all()]),
        _items("Notes de suivi", [f"{fr_date(n.noted_on)} — {n.text}" for n in action.follow_ups.all()]),
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
        sub_actions=[_fiche_doc(sub, parts, today) for sub in parts.subs_by_parent.get(action.pk, [])],
    )


def contract_document(contract, user, today: datetime.date | None = None) -> ContractDoc:
    """Everything the contract's Word and PDF documents show, for ``user``."""
    today = today or datetime.date.today()
    parts = read_plan(contract, user)
    perimeter = contract.perimeter
    signatories = list(contract.signatories.all())
    porteurs = [o.name for o in contract.porteurs.all()]
    territory = [
        Field("Périmètre", clean(perimeter.name)),
        Field("Nombre de communes", fr_number(perimeter.commune_count, 0)),
        Field("Population", f"{fr_number(perimeter.population, 0)} habitants"),
    ]
    if perimeter.commune_count <= MAX_LISTED_COMMUNES:
        names = list(perimeter.communes.order_by("name").values_list("name", flat=True))
        territory.append(Field("Communes", ", ".join(names) or "—"))
    else:
        territory.append(
            Field("Communes", f"{fr_number(perimeter.commune_count, 0)} communes (liste non reproduite)")
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
        Field("Période", period_text(contract.starts_on, contract.ends_on) or NOT_ENTERED),
        Field("Statut", contract.status_display(today)),
        Field("Signature", fr_date(contract.signed_on) or "—"),
        Field(
            "Fiches actions",
            f"{len(parts.fiches)} fiche(s), {len(parts.ordered) - len(parts.fiches)} sous-action(s)",
        ),
        Field("Document généré le", fr_date(today)),
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
                    fr_date(s.signed_on) or "—",
                ]
                for s in signatories
            ],
        ),
        territory=territory,
        sections=sections,
        unfiled=[clean(a.label) for a in parts.fiches_by_section.get(None, [])],
        fiches=[_fiche_doc(a, parts, today) for a in parts.fiches],
        generated_on=today,
    )


# --- Word -------------------------------------------------------------------------------------------------
#
# python-docx builds the package (styles, properties, footer); the body is written as WordprocessingML text
# and parsed once: creating tens of thousands of cells through python-docx's objects takes seconds.

W_NAMESPACE = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TWIPS_PER_CM = 567
TEXT_WIDTH_CM = 17  # A4 minus 2 cm margins


class WordWriter:
    """A Word document written paragraph by paragraph and table by table, with the template's styles
    (« Heading N » for the navigation pane, « Table Grid », lists, captions)."""

    def __init__(self, title: str, subject: str):
        from docx import Document
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt

        self.document = Document()
        self._parts: list[str] = []
        self._style_ids: dict[str, str] = {}
        properties = self.document.core_properties
        properties.title = title
        properties.subject = subject
        properties.language = "fr-FR"
        properties.author = "Santé Locale"
        properties.keywords = "CLS, CLSM, plan d’action"
        # The language of the text (spelling, screen readers), not only of the file's metadata.
        styles = self.document.styles.element
        r_pr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        lang = r_pr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            r_pr.append(lang)
        lang.set(qn("w:val"), "fr-FR")
        self.document.styles["Normal"].font.size = Pt(10)
        section = self.document.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2))
        footer = section.footer.paragraphs[0]
        footer.alignment = 1  # centred
        footer.add_run("page ")
        footer._p.append(self._field("PAGE"))
        footer.add_run(" / ")
        footer._p.append(self._field("NUMPAGES"))

    @staticmethod
    def _field(instruction: str):
        from docx.oxml import parse_xml

        return parse_xml(
            f'<w:fldSimple xmlns:w="{W_NAMESPACE}" w:instr="{instruction}">'
            "<w:r><w:t>1</w:t></w:r></w:fldSimple>"
        )

    def _style(self, name: str) -> str:
        if name not in self._style_ids:
            self._style_ids[name] = self.document.styles[name].style_id
        return self._style_ids[name]

    @staticmethod
    def _run(text: str, bold: bool = False) -> str:
        properties = "<w:rPr><w:b/></w:rPr>" if bold else ""
        lines = clean(text).split("\n")
        body = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in lines)
        return f"<w:r>{properties}{body}</w:r>"

    def _paragraph(self, text: str, style: str | None = None, *, page_break: bool = False, bold=False) -> str:
        properties = ""
        if style or page_break:
            properties = "<w:pPr>"
            if style:
                properties += f'<w:pStyle w:val="{self._style(style)}"/>'
            if page_break:
                properties += "<w:pageBreakBefore/>"
            properties += "</w:pPr>"
        return f"<w:p>{properties}{self._run(text, bold)}</w:p>"

    def paragraph(self, text: str, style: str | None = None, *, page_break: bool = False) -> None:
        self._parts.append(self._paragraph(text, style, page_break=page_break))

    def heading(self, text: str, level: int, *, page_break: bool = False) -> None:
        self.paragraph(text, f"Heading {level}" if level else "Title", page_break=page_break)

    def bullets(self, items: list[str], style: str = "List Bullet") -> None:
        for item in items:
            self.paragraph(item, style)

    def _cell(self, width: int, lines: list[str], *, bold: bool = False) -> str:
        paragraphs = "".join(self._paragraph(line, bold=bold) for line in lines or [""])
        return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{paragraphs}</w:tc>'

    def _table(self, widths_cm: list[float], rows: list[str]) -> None:
        widths = [round(w * TWIPS_PER_CM) for w in widths_cm]
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        self._parts.append(
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{self._style("Table Grid")}"/>'
            f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
            'w:noHBand="0" w:noVBand="1"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
        )
        self._parts.append("<w:p/>")  # Word needs a paragraph between two tables

    def table(self, table: "Table", *, caption: bool = True) -> None:
        """A table with a repeated header row (what screen readers announce as column headers)."""
        if caption:
            self.paragraph(table.caption, "Caption")
        width = TEXT_WIDTH_CM / len(table.header)
        widths = [width] * len(table.header)
        twips = [round(w * TWIPS_PER_CM) for w in widths]
        header = "".join(self._cell(w, [h], bold=True) for w, h in zip(twips, table.header, strict=True))
        rows = [f'<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>{header}</w:tr>']
        for values in table.rows:
            cells = "".join(self._cell(w, [v]) for w, v in zip(twips, values, strict=False))
            rows.append(f"<w:tr>{cells}</w:tr>")
        self._table(widths, rows)

    def fields(self, fields: list["Field"]) -> None:
        """Label | value rows (a value may be a list: one paragraph per item)."""
        widths = [4.5, TEXT_WIDTH_CM - 4.5]
        twips = [round(w * TWIPS_PER_CM) for w in widths]
        rows = [
            "<w:tr>"
            + self._cell(twips[0], [f.label], bold=True)
            + self._cell(twips[1], f.items or [f.text])
            + "</w:tr>"
            for f in fields
        ]
        self._table(widths, rows)

    def save(self) -> bytes:
        from docx.oxml import parse_xml

        body = self.document.element.body
        content = parse_xml(f'<w:body xmlns:w="{W_NAMESPACE}">{"".join(self._parts)}</w:body>')
        section_properties = body.sectPr
        for child in list(content):
            section_properties.addprevious(child)
        self._parts = []
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


def _word_fiche(writer: WordWriter, fiche: FicheDoc, level: int, *, page_break: bool) -> None:
    writer.heading(fiche.heading, level, page_break=page_break)
    writer.fields(fiche.fields)
    for table in fiche.tables:
        writer.table(table)
    if fiche.sub_actions:
        writer.paragraph(f"Sous-actions de la fiche ({len(fiche.sub_actions)})", "Caption")
    for sub in fiche.sub_actions:
        _word_fiche(writer, sub, level + 1, page_break=False)


def contract_docx(contract, user, today: datetime.date | None = None) -> bytes:
    """The contract (« la convention ») as a Word document: title page, parties, territory, axes, then one
    fiche per page with its sub-actions."""
    doc = contract_document(contract, user, today)
    writer = WordWriter(doc.title, doc.subject)
    writer.paragraph(doc.kind_label, "Subtitle")
    writer.heading(doc.title, 0)
    writer.fields(doc.facts)
    writer.paragraph(doc.notice, "Intense Quote")

    writer.heading("Les parties", 1, page_break=True)
    writer.heading("Collectivité(s) porteuse(s)", 2)
    writer.bullets(doc.porteurs or ["—"])
    writer.heading("Signataires", 2)
    if doc.signatories.rows:
        writer.table(doc.signatories, caption=False)
    else:
        writer.paragraph("Aucun signataire enregistré.")

    writer.heading("Le territoire", 1)
    writer.fields(doc.territory)

    writer.heading("Les axes", 1)
    if not doc.sections:
        writer.paragraph("Le plan ne compte encore aucun axe.")
    for section in doc.sections:
        writer.heading(section.heading, section.word_level)
        if section.description:
            writer.paragraph(section.description)
        if section.is_mental_health_volet:
            writer.paragraph("Cet axe constitue le volet santé mentale du contrat.")
        if section.themes:
            writer.paragraph("Socles régionaux couverts : " + ", ".join(section.themes))
        if section.prs_objectives:
            writer.paragraph("Objectifs du projet régional de santé :")
            writer.bullets(section.prs_objectives)
        if section.fiche_titles:
            writer.paragraph("Fiches actions :")
            writer.bullets(section.fiche_titles, "List Bullet 2")
    if doc.unfiled:
        writer.heading("Fiches hors axe", 2)
        writer.bullets(doc.unfiled)

    writer.heading("Les fiches actions", 1, page_break=True)
    writer.paragraph(
        f"{len(doc.fiches)} fiche(s) action, chacune sur sa page ; les sous-actions figurent sur la page "
        "de leur fiche."
    )
    writer.bullets([fiche.heading for fiche in doc.fiches], "List Number")
    for fiche in doc.fiches:
        _word_fiche(writer, fiche, 2, page_break=True)
    return writer.save()


# --- PDF --------------------------------------------------------------------------------------------------


def print_css() -> str:
    return PRINT_CSS.read_text(encoding="utf-8")


def render_pdf(html: str):
    """The WeasyPrint document of ``html`` (``len(result.pages)`` is its page count): nothing is fetched,
    neither from the network nor from the disk (only ``data:`` URIs)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=False)
    return HTML(string=html, url_fetcher=fetcher).render()


def pdf_bytes(html: str) -> bytes:
    return render_pdf(html).write_pdf(pdf_tags=PDF_TAGS)


def contract_html(contract, user, today: datetime.date | None = None) -> str:
    """The print HTML of the contract document (what the PDF shows)."""
    doc = contract_document(contract, user, today)
    return render_to_string("plans/print/contract.html", {"doc": doc, "css": print_css()})


def contract_pdf(contract, user, today: datetime.date | None = None) -> bytes:
    return pdf_bytes(contract_html(contract, user, today))


# --- Excel workbook ---------------------------------------------------------------------------------------


def _xl(value):
    """A cell value: text cleaned and neutralised against formula injection; numbers and dates as such."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, (int, Decimal, float, datetime.date)):
        return value
    text = clean(value)
    return safe_cell(text) if text else None


DATE_FORMAT = "DD/MM/YYYY"
MONEY_FORMAT = "#,##0.00"


def _sheet(workbook, title: str, columns: list[tuple[str, int, str]], rows, *, first: bool = False):
    """A sheet with a frozen bold header row, an autofilter, column widths and typed cells. ``columns``
    are (header, width, kind) with kind « text », « date », « money » or « int »."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append([header for header, _, _ in columns])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    count = 0
    for values in rows:
        sheet.append([_xl(v) for v in values])
        count += 1
    for index, (_, width, kind) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        number_format = {"date": DATE_FORMAT, "money": MONEY_FORMAT}.get(kind)
        if number_format and count:
            for (cell,) in sheet.iter_rows(min_row=2, max_row=count + 1, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return sheet


def _labels(terms) -> str:
    return ", ".join(t.label for t in terms)


FICHE_COLUMNS = [
    ("Numéro", 10, "text"),
    ("Titre", 45, "text"),
    ("Type", 12, "text"),
    ("Fiche parente", 30, "text"),
    ("Axe", 45, "text"),
    ("Statut", 14, "text"),
    ("Priorité", 10, "text"),
    ("Avancement (%)", 13, "int"),
    ("En retard", 10, "text"),
    ("Date de début", 13, "date"),
    ("Date de fin", 13, "date"),
    ("Amélioration continue", 13, "text"),
    ("Calendrier", 30, "text"),
    ("Descriptif", 60, "text"),
    ("Objectifs", 50, "text"),
    ("Résultats attendus", 50, "text"),
    ("Publics cibles", 30, "text"),
    ("Communes", 30, "text"),
    ("Quartiers prioritaires", 30, "text"),
    ("Structure porteuse", 30, "text"),
    ("Pilote", 25, "text"),
    ("Service pilote", 25, "text"),
    ("Partenaires", 40, "text"),
    ("Élu·e référent·e", 25, "text"),
    ("Instances de gouvernance", 30, "text"),
    ("Moyens humains et techniques", 30, "text"),
    ("Participation citoyenne", 22, "text"),
    ("Types d’intervention", 30, "text"),
    ("Déterminants de santé", 30, "text"),
    ("Budget prévisionnel (€)", 15, "money"),
    ("Financement prévu (€)", 15, "money"),
    ("Financement réalisé (€)", 15, "money"),
    ("Financement prévu (ETP)", 13, "money"),
    ("Financement réalisé (ETP)", 13, "money"),
    ("Financements (précisions)", 30, "text"),
    ("Étapes réalisées", 10, "text"),
    ("Mesures liées", 30, "text"),
    ("Fiches liées", 30, "text"),
    ("Notes complémentaires", 40, "text"),
    ("Confidentielle", 13, "text"),
]


def _fiche_row(action: Action, parts: PlanParts, by_pk: dict, today: datetime.date) -> list:
    money = {"EUR": [Decimal(0), Decimal(0)], "FTE": [Decimal(0), Decimal(0)]}
    for line in action.funding.all():
        money[line.unit][0] += line.planned
        money[line.unit][1] += line.spent or Decimal(0)
    steps = list(action.steps.all())
    parent = by_pk.get(action.parent_id)
    linked = [a.label for a in action.linked.all() if a.pk in by_pk]
    return [
        action.number,
        action.title,
        "Sous-action" if parent else "Fiche",
        parent.label if parent else None,
        parts.axis_path(action),
        action.get_status_display(),
        action.get_priority_display(),
        parts.progress.get(action.pk),
        action.is_late(today),
        action.starts_on,
        action.ends_on,
        action.is_continuous,
        action.calendar,
        action.description,
        action.objectives,
        action.expected_results,
        _labels(action.publics.all()),
        ", ".join(sorted(c.name for c in action.communes.all())),
        ", ".join(sorted(q.name for q in action.neighbourhoods.all())),
        action.operator,
        action.pilot_label,
        action.pilot_service,
        action.partners,
        action.elected_referent,
        action.governance,
        action.means,
        action.get_participation_display(),
        _labels(action.intervention_types.all()),
        _labels(action.determinants.all()),
        action.budget,
        money["EUR"][0],
        money["EUR"][1],
        money["FTE"][0],
        money["FTE"][1],
        action.funding_note,
        f"{sum(1 for s in steps if s.is_done)}/{len(steps)}" if steps else None,
        action.related_measures,
        "\n".join(linked + [t for t in action.related_text.splitlines() if t.strip()]),
        action.notes,
        action.is_confidential,
    ]


FUNDING_COLUMNS = [
    ("Numéro de la fiche", 12, "text"),
    ("Fiche", 45, "text"),
    ("Année", 8, "int"),
    ("Type de financeur", 20, "text"),
    ("Financeur", 30, "text"),
    ("Mission du FIR", 30, "text"),
    ("Ligne FIR", 25, "text"),
    ("Nature", 16, "text"),
    ("Unité", 8, "text"),
    ("Prévu", 14, "money"),
    ("Réalisé", 14, "money"),
    ("Commentaire", 40, "text"),
]

INDICATOR_COLUMNS = [
    ("Rattaché à", 40, "text"),
    ("Indicateur", 40, "text"),
    ("Type", 22, "text"),
    ("Unité", 10, "text"),
    ("Sens de l’amélioration", 16, "text"),
    ("Valeur de référence", 14, "money"),
    ("Période de référence", 12, "text"),
    ("Période", 10, "text"),
    ("Cible", 12, "money"),
    ("Valeur constatée", 12, "money"),
    ("Commentaire", 40, "text"),
    ("Source", 30, "text"),
]


def _indicator_rows(indicators):
    for indicator in indicators:
        head = [
            indicator.attached_to,
            indicator.name,
            indicator.get_kind_display(),
            indicator.unit,
            indicator.get_direction_display(),
            indicator.baseline,
            indicator.baseline_period,
        ]
        values = list(indicator.values.all())
        if not values:
            yield [*head, None, None, None, None, indicator.source]
        for value in values:
            yield [
                *head,
                value.period,
                value.target,
                value.actual,
                value.comment,
                value.source or indicator.source,
            ]


def _summary_sheet(workbook, contract, summary: progress.PlanSummary, today: datetime.date) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = workbook.create_sheet("Synthèse")
    bold = Font(bold=True)
    title = Font(bold=True, size=13)

    def block(heading: str, header: list[str], rows, formats=None) -> None:
        if sheet.max_row > 1:
            sheet.append([])
        sheet.append([heading])
        sheet.cell(sheet.max_row, 1).font = title
        sheet.append(header)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for values in rows:
            depth = 0
            if isinstance(values, tuple):
                depth, values = values
            sheet.append([_xl(v) for v in values])
            row = sheet[sheet.max_row]
            row[0].alignment = Alignment(indent=depth)
            for cell, number_format in zip(row, formats or [], strict=False):
                if number_format:
                    cell.number_format = number_format

    sheet.append([_xl(f"Synthèse du plan d’action — {contract.name}")])
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.append(["Date", today])
    sheet.cell(2, 2).number_format = DATE_FORMAT
    block(
        "Avancement par axe",
        ["Axe ou objectif", "Niveau", "Fiches", "Avancement (%)"],
        [
            (row.depth, [row.section.label, row.section.get_kind_display(), row.action_count, row.progress])
            for row in summary.sections
        ]
        + [(0, ["Contrat (ensemble du plan)", "", summary.action_count, summary.contract_progress])],
    )
    block(
        "Fiches par statut",
        ["Statut", "Fiches"],
        [[label, count] for _, label, count in summary.status_counts],
    )
    money = [None, None, MONEY_FORMAT, MONEY_FORMAT, MONEY_FORMAT, MONEY_FORMAT]
    header = ["Prévu (€)", "Réalisé (€)", "Prévu (ETP)", "Réalisé (ETP)"]
    figures = ("planned", "spent", "planned_fte", "spent_fte")
    funding = summary.funding
    block(
        "Financements par financeur",
        ["Type de financeur", "Financeur", *header],
        [[f["kind_label"], f["label"], *(f[k] for k in figures)] for f in funding.by_funder]
        + [["Total", "", *(funding.total[k] for k in figures)]],
        money,
    )
    block(
        "Financements par année",
        ["Année", "", *header],
        [[y["year"] or y["label"], "", *(y[k] for k in figures)] for y in funding.by_year]
        + [["Total", "", *(funding.total[k] for k in figures)]],
        money,
    )
    for letter, width in zip("ABCDEF", (55, 25, 14, 14, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width


def plan_workbook(contract, user, today: datetime.date | None = None) -> bytes:
    """The plan as an Excel workbook: « Fiches », « Financements », « Indicateurs », « Synthèse »."""
    from openpyxl import Workbook

    today = today or datetime.date.today()
    parts = read_plan(contract, user)
    by_pk = {a.pk: a for a in parts.ordered}
    summary = progress.summarize(contract, user, today)
    workbook = Workbook()
    properties = workbook.properties
    properties.title = f"Plan d’action — {clean(contract.name)}"
    properties.subject = f"{kind_label(contract)} — plan d’action"
    properties.creator = "Santé Locale"
    properties.language = "fr-FR"
    _sheet(
        workbook,
        "Fiches",
        FICHE_COLUMNS,
        (_fiche_row(a, parts, by_pk, today) for a in parts.ordered),
        first=True,
    )
    _sheet(
        workbook,
        "Financements",
        FUNDING_COLUMNS,
        (
            [
                action.number,
                action.title,
                line.year,
                line.get_funder_kind_display(),
                line.funder_label,
                line.get_fir_mission_display(),
                line.fir_line,
                line.get_nature_display(),
                line.get_unit_display(),
                line.planned,
                line.spent,
                line.comment,
            ]
            for action in parts.ordered
            for line in action.funding.all()
        ),
    )
    _sheet(
        workbook,
        "Indicateurs",
        INDICATOR_COLUMNS,
        _indicator_rows(visible_indicators(contract, {a.pk for a in parts.ordered})),
    )
    _summary_sheet(workbook, contract, summary, today)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- COPIL report -----------------------------------------------------------------------------------------


@dataclass
class ActionLine:
    """A fiche in one of the report's lists."""

    action: Action
    label: str
    pilot: str
    status: str
    ends_on: str
    progress: str
    url: str


@dataclass
class SectionLine:
    label: str
    depth: int
    action_count: int
    progress: int | None

    @property
    def progress_text(self) -> str:
        return percent(self.progress)

    @property
    def print_depth(self) -> int:
        return min(self.depth, 4)

    @property
    def indent_class(self) -> str:
        return f"fr-pl-{min(self.depth, 4) * 2}w" if self.depth else ""


@dataclass
class IndicatorLine:
    indicator: Indicator
    name: str
    attached_to: str
    kind: str
    direction: str
    baseline: str
    period: str
    target: str
    actual: str
    on_track: bool | None

    @property
    def verdict(self) -> str:
        return {True: "Cible atteinte", False: "Cible non atteinte", None: "Non comparable"}[self.on_track]


@dataclass
class AttentionList:
    """Fiches that need the COPIL's attention (late, blocked, without a pilot)."""

    key: str
    caption: str
    empty: str
    lines: list[ActionLine]

    @property
    def table(self) -> Table:
        return Table(
            self.caption,
            ["Fiche", "Pilote", "Statut", "Fin prévue", "Avancement"],
            [[line.label, line.pilot, line.status, line.ends_on, line.progress] for line in self.lines],
        )


@dataclass
class CopilData:
    """Everything the COPIL report shows, for one user on one day."""

    contract: object
    today: datetime.date
    kind_label: str
    contract_progress: int | None
    action_count: int
    status_counts: list  # [(code, label, count)]
    sections: list[SectionLine]
    late: list[ActionLine]
    blocked: list[ActionLine]
    without_pilot: list[ActionLine]
    funding: progress.FundingSummary
    funding_by_funder: Table
    funding_by_year: Table
    indicators: list[IndicatorLine]
    title: str = ""

    @property
    def contract_progress_text(self) -> str:
        return percent(self.contract_progress)

    @property
    def counts_by_status(self) -> dict[str, int]:
        return {code: count for code, _, count in self.status_counts}

    @property
    def attention(self) -> list[AttentionList]:
        return [
            AttentionList("late", "Fiches en retard", "Aucune fiche en retard.", self.late),
            AttentionList("blocked", "Fiches bloquées", "Aucune fiche bloquée.", self.blocked),
            AttentionList(
                "without_pilot", "Fiches sans pilote", "Toutes les fiches ont un pilote.", self.without_pilot
            ),
        ]

    @property
    def funding_tables(self) -> list[Table]:
        return [self.funding_by_funder, self.funding_by_year]

    @property
    def statuses_table(self) -> Table:
        return Table(
            "Fiches par statut",
            ["Statut", "Fiches"],
            [[label, str(count)] for _, label, count in self.status_counts],
        )

    @property
    def sections_table(self) -> Table:
        return Table(
            "Avancement par axe et objectif",
            ["Axe ou objectif", "Fiches", "Avancement"],
            [["\u2003" * s.depth + s.label, str(s.action_count), s.progress_text] for s in self.sections]
            + [["Ensemble du contrat", str(self.action_count), self.contract_progress_text]],
        )

    @property
    def indicators_table(self) -> Table:
        return Table(
            "Indicateurs et cibles",
            ["Indicateur", "Rattaché à", "Période", "Cible", "Valeur constatée", "Atteinte"],
            [[i.name, i.attached_to, i.period, i.target, i.actual, i.verdict] for i in self.indicators],
        )


def _action_line(contract, action: Action, value: int | None) -> ActionLine:
    return ActionLine(
        action=action,
        label=clean(action.label),
        pilot=clean(action.pilot_label) or "Sans pilote",
        status=action.get_status_display() or NOT_ENTERED,
        ends_on=("Amélioration continue" if action.is_continuous else fr_date(action.ends_on)) or "—",
        progress=percent(value),
        url=reverse("plans:action", args=[contract.public_id, action.pk]),
    )


def _funding_table(caption: str, first: str, rows: list[dict], total: dict, label_key: str) -> Table:
    def figures(bucket: dict) -> list[str]:
        planned, spent = bucket["planned"], bucket["spent"]
        rate = f"{round(100 * spent / planned)} %" if planned else "—"
        return [
            amount(planned),
            amount(spent),
            rate,
            amount(bucket["planned_fte"], FundingUnit.FTE),
            amount(bucket["spent_fte"], FundingUnit.FTE),
        ]

    header = [first, "Prévu", "Réalisé", "Taux de réalisation", "Prévu (ETP)", "Réalisé (ETP)"]
    body = [[clean(r[label_key]), *figures(r)] for r in rows]
    if rows:
        body.append(["Total", *figures(total)])
    return Table(caption, header, body)


def copil_data(contract, user, today: datetime.date | None = None) -> CopilData:
    """The figures of the COPIL report for ``user``: statuses, progress of the contract and per section,
    late / blocked / without-pilot fiches, funding, indicators against their targets."""
    today = today or datetime.date.today()
    summary = progress.summarize(contract, user, today)
    by_progress = summary.progress_by_action  # every visible fiche and sub-action
    indicator_lines = []
    for indicator in visible_indicators(contract, by_progress):
        value = indicator_value(indicator)
        indicator_lines.append(
            IndicatorLine(
                indicator=indicator,
                name=clean(indicator.name),
                attached_to=clean(indicator.attached_to),
                kind=indicator.get_kind_display(),
                direction=indicator.get_direction_display() or "—",
                baseline=_with_unit(indicator.baseline, indicator.unit),
                period=value.period if value else "—",
                target=_with_unit(value.target if value else None, indicator.unit),
                actual=_with_unit(value.actual if value else None, indicator.unit),
                on_track=on_track(indicator, value),
            )
        )
    funding = summary.funding
    return CopilData(
        contract=contract,
        today=today,
        kind_label=kind_label(contract),
        title=f"Rapport d’avancement au comité de pilotage — {clean(contract.name)}",
        contract_progress=summary.contract_progress,
        action_count=summary.action_count,
        status_counts=summary.status_counts,
        sections=[
            SectionLine(clean(section_heading(row.section)), row.depth, row.action_count, row.progress)
            for row in summary.sections
        ],
        late=[_action_line(contract, a, by_progress.get(a.pk)) for a in summary.late],
        blocked=[_action_line(contract, a, by_progress.get(a.pk)) for a in summary.blocked],
        without_pilot=[_action_line(contract, a, by_progress.get(a.pk)) for a in summary.without_pilot],
        funding=funding,
        funding_by_funder=_funding_table(
            "Financements par financeur", "Financeur", funding.by_funder, funding.total, "label"
        ),
        funding_by_year=_funding_table(
            "Financements par année", "Année", funding.by_year, funding.total, "label"
        ),
        indicators=indicator_lines,
    )


def copil_docx(contract, user, today: datetime.date | None = None) -> bytes:
    data = copil_data(contract, user, today)
    writer = WordWriter(data.title, f"{data.kind_label} — rapport au comité de pilotage")
    writer.paragraph(data.kind_label, "Subtitle")
    writer.heading(data.title, 0)
    writer.paragraph(f"Date du rapport : {fr_date(data.today)}")
    writer.paragraph(
        f"{data.action_count} fiche(s) action ; avancement global du contrat : {data.contract_progress_text}."
    )
    writer.heading("Fiches par statut", 1)
    writer.table(data.statuses_table, caption=False)
    writer.heading("Avancement par axe", 1)
    writer.table(data.sections_table, caption=False)
    writer.heading("Points d’attention", 1)
    for attention in data.attention:
        writer.heading(f"{attention.caption} ({len(attention.lines)})", 2)
        if attention.lines:
            writer.table(attention.table, caption=False)
        else:
            writer.paragraph(attention.empty)
    writer.heading("Financements", 1)
    if data.funding.line_count:
        for table in data.funding_tables:
            writer.heading(table.caption, 2)
            writer.table(table, caption=False)
    else:
        writer.paragraph("Aucun financement saisi.")
    writer.heading("Indicateurs", 1)
    if data.indicators:
        writer.table(data.indicators_table, caption=False)
    else:
        writer.paragraph("Aucun indicateur défini.")
    return writer.save()


def copil_html(contract, user, today: datetime.date | None = None) -> str:
    data = copil_data(contract, user, today)
    return render_to_string(
        "plans/print/copil.html",
        {"data": data, "css": print_css()},
    )


def copil_pdf(contract, user, today: datetime.date | None = None) -> bytes:
    return pdf_bytes(copil_html(contract, user, today))
