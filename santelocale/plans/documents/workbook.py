"""The plan as an Excel workbook (« Fiches », « Financements », « Indicateurs », « Synthèse »): typed cells
(numbers, dates, amounts), a frozen header row and an autofilter on each sheet, text neutralised against
formula injection.
"""

import datetime
import io
from decimal import Decimal

from django.utils import timezone

from santelocale.plans import progress
from santelocale.plans.documents.model import kind_label, plan_progress
from santelocale.plans.models import Action
from santelocale.plans.read import PlanParts, read_plan, visible_indicators
from santelocale.utils.spreadsheet import safe_cell
from santelocale.utils.text import clean

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def _fiche_row(action: Action, parts: PlanParts, progress_by_action: dict, by_pk: dict, today) -> list:
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
        progress_by_action.get(action.pk),
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

    today = today or timezone.localdate()
    parts = read_plan(contract, user)
    by_pk = {a.pk: a for a in parts.ordered}
    progress_by_action = plan_progress(parts)
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
        (_fiche_row(a, parts, progress_by_action, by_pk, today) for a in parts.ordered),
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
        _indicator_rows(visible_indicators(contract, user)),
    )
    _summary_sheet(workbook, contract, summary, today)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
