"""A contract's plan as a Territoires en Transitions import workbook (what the user may see of it)."""

import datetime
import io
from decimal import Decimal

import openpyxl
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from santelocale.plans import read, services
from santelocale.plans.models import Action, Section, Step
from santelocale.plans.tet.columns import EXPORT_COLUMNS, LEVEL_KEYS, Column
from santelocale.utils import fr
from santelocale.utils.spreadsheet import FORMULA_STARTS

SHEET_NAME = "Fichier dimport"
#: Row 1 of TeT's template merges these group titles over their columns.
MERGED = ["H1:I1", "J1:P1"]
#: The columns shown wider: the fiche's title, its description, its objectives.
WIDE = ("title", "description", "objectives")

_HEADER_FILL = PatternFill("solid", fgColor="FFFFF2CC")
_GROUP_FILL = PatternFill("solid", fgColor="FF5E88B1")
_DATE_FORMAT = "DD/MM/YYYY"


def _put(ws, row: int, column: int, value) -> None:
    cell = ws.cell(row=row, column=column)
    if value is None or value == "":
        return
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = text
        if text.startswith(FORMULA_STARTS):
            # Stored as text and shown with Excel's « ' » prefix: never run as a formula, value unchanged.
            cell.data_type = "s"
            cell.quotePrefix = True
        return
    cell.value = value
    if isinstance(value, datetime.date):
        cell.number_format = _DATE_FORMAT


def _number(amount: Decimal | None):
    if amount is None:
        return None
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _section_cells(section: Section | None, by_pk: dict[int, Section]) -> list[str]:
    if section is None:
        return ["", "", ""]
    chain = [section]
    while chain[0].parent_id is not None:
        chain.insert(0, by_pk[chain[0].parent_id])
    labels = [s.label for s in chain]
    return [labels[0], labels[1] if len(labels) > 1 else "", " > ".join(labels[2:])]


def _funding_cells(action: Action) -> dict:
    grouped: dict[str, Decimal] = {}
    for line in action.funding.all():
        grouped[line.funder_label] = grouped.get(line.funder_label, Decimal(0)) + line.planned
    cells = {}
    items = list(grouped.items())
    for position, (label, planned) in enumerate(items[:3], start=1):
        cells[f"funder{position}"] = label
        cells[f"amount{position}"] = _number(planned)
    note = action.funding_note
    if len(items) > 3:
        others = items[3:]
        detail = " ; ".join(f"{label} : {fr.euros(planned)}" for label, planned in others)
        total = sum((planned for _, planned in others), Decimal(0))
        note = "\n".join(filter(None, [note, f"Autres financements ({fr.euros(total)}) : {detail}"]))
    cells["funding_note"] = note
    return cells


def _link_line(link) -> str:
    if not link.url:
        return link.title
    return link.url if link.title == link.url else f"{link.title} : {link.url}"


def _cell_key(column: Column) -> str:
    """The key of ``column``'s cell in a row's cells: « funder2 », « amount2 » for the second funding pair."""
    return f"{column.key}{column.slot}" if column.slot else column.key


def _action_cells(action: Action) -> dict:
    """The cells of ``action``'s row by ``_cell_key``: a column read into a fiche field is written from that
    field, unless written otherwise below (labels of choices, numbers, lists, funding)."""
    cells = {column.key: getattr(action, column.key) for column in EXPORT_COLUMNS if column.into == "values"}
    cells["budget"] = _number(action.budget)
    pilots = []
    if action.pilot_user_id and not action.pilot_hidden and action.pilot_user.get_full_name().strip():
        pilots.append(action.pilot_user.get_full_name().strip())
    pilots += [p.strip() for p in action.pilot_person.split(",") if p.strip() and p.strip() not in pilots]
    cells["pilot_name"] = ", ".join(pilots)
    cells["participation"] = action.get_participation_display() if action.participation else ""
    cells["status"] = action.get_status_display() if action.status else ""
    cells["priority"] = action.get_priority_display() if action.priority else ""
    cells["is_continuous"] = "VRAI" if action.is_continuous else "FAUX"
    linked = [other.label for other in action.linked.all() if other.label not in action.related_text]
    cells["related_text"] = "\n".join(filter(None, [action.related_text, *linked]))
    cells["follow_up"] = "\n".join(
        f"{fr.short_date(note.noted_on)} : {note.text}"
        for note in sorted(action.follow_ups.all(), key=lambda n: (n.noted_on, n.pk))
    )
    cells["links"] = "\n".join(_link_line(link) for link in action.links.all())
    cells["steps"] = "\n".join(
        f"[x] {step.title}" if step.is_done else step.title for step in action.steps.all()
    )
    cells["publics"] = ", ".join(term.label for term in action.publics.all())
    cells.update(_funding_cells(action))
    return cells


def export_plan(contract, user) -> bytes:
    """The plan of ``contract`` as a TeT import workbook: the live fiches ``user`` may see, one row per
    fiche and per sub-action (sections deeper than three levels joined with « > » in the third column),
    sections without fiches as rows of their own. Raises ``PermissionDenied`` when ``user`` may not read
    the plan at all."""
    if not user.has_perm("plans.view_plan", contract):
        raise PermissionDenied("Ce plan d’action n’est pas visible avec votre compte.")
    visible = (
        read.plan_actions(contract, user)
        .select_related("pilot_user", "section")
        .prefetch_related(
            "publics",
            "funding",
            "links",
            # Linked fiches as the user may see them: a confidential one is not named to outsiders.
            Prefetch("linked", queryset=read.plan_actions(contract, user).only("pk", "number", "title")),
            Prefetch("steps", queryset=Step.objects.order_by("position", "pk")),
            "follow_ups",
        )
        .order_by("position", "pk")
    )
    actions = list(visible)
    top = [a for a in actions if a.parent_id is None]
    top_ids = {a.pk for a in top}
    subs: dict[int, list[Action]] = {}
    for action in actions:
        if action.parent_id in top_ids:
            subs.setdefault(action.parent_id, []).append(action)
    by_section: dict[int | None, list[Action]] = {}
    for action in top:
        by_section.setdefault(action.section_id, []).append(action)

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = SHEET_NAME
    bold = Font(bold=True)
    for number, column in enumerate(EXPORT_COLUMNS, start=1):
        if column.group:
            _put(ws, 1, number, column.group)
            ws.cell(1, number).font = Font(bold=True, color="FFFFFFFF")
        ws.cell(1, number).fill = _GROUP_FILL
        _put(ws, 2, number, column.header)
        _put(ws, 3, number, column.kind)
        ws.cell(2, number).font = bold
        ws.cell(2, number).fill = _HEADER_FILL
        ws.cell(3, number).alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(number)].width = 40 if column.key in WIDE else 22
    for rng in MERGED:
        ws.merge_cells(rng)
    ws.freeze_panes = "E4"
    positions = {_cell_key(column): number for number, column in enumerate(EXPORT_COLUMNS, start=1)}

    row = 4

    def write(levels: list[str], cells: dict) -> None:
        nonlocal row
        for key, value in zip(LEVEL_KEYS, levels, strict=True):
            _put(ws, row, positions[key], value)
        for key, value in cells.items():
            _put(ws, row, positions[key], value)
        row += 1

    tree = services.section_tree(contract)
    by_pk = {section.pk: section for section, _ in tree}
    has_children = {section.parent_id for section, _ in tree}
    for section, _depth in tree:
        levels = _section_cells(section, by_pk)
        fiches = by_section.get(section.pk, [])
        if not fiches and section.pk not in has_children:
            write(levels, {})
        for action in fiches:
            write(levels, {"title": action.label, **_action_cells(action)})
            for sub in subs.get(action.pk, []):
                write(levels, {"title": action.label, "sub_title": sub.label, **_action_cells(sub)})
    for action in by_section.get(None, []):
        write(["", "", ""], {"title": action.label, **_action_cells(action)})
        for sub in subs.get(action.pk, []):
            write(["", "", ""], {"title": action.label, "sub_title": sub.label, **_action_cells(sub)})
    for column in range(1, len(EXPORT_COLUMNS) + 1):
        for line in range(4, row):
            ws.cell(line, column).alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
