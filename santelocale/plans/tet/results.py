"""What reading a workbook gives (the preview, its errors) and what an import wrote; the preview kept as
JSON between the upload and the confirmation."""

import dataclasses
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from santelocale.plans.enums import ActionStatus
from santelocale.plans.models import Term
from santelocale.plans.services import ActionData, FundingData
from santelocale.utils.text import fold


@dataclass(frozen=True)
class RowError:
    """One problem of the file: a cell (row, column, value, what was expected), or the whole file."""

    row: int | None = None
    column: str = ""
    value: str = ""
    expected: str = ""
    message: str = ""

    def __str__(self) -> str:
        where = f"Ligne {self.row}" if self.row else "Fichier"
        if self.column:
            where += f", colonne « {self.column} »"
        if self.message:
            return f"{where} : {self.message}" if self.row else self.message
        value = self.value if len(self.value) <= 120 else self.value[:119] + "…"
        shown = f"« {value} »" if value else "vide"
        return f"{where} : {shown} — attendu : {self.expected}."


@dataclass
class ParsedSection:
    key: str
    number: str
    title: str
    kind: str
    parent_key: str | None
    depth: int
    row: int
    fiche_count: int = 0
    total_count: int = 0

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title

    @property
    def is_axis(self) -> bool:
        return self.parent_key is None

    @property
    def indent(self) -> range:
        return range(self.depth)


@dataclass
class ParsedFiche:
    """A fiche (or sub-action) read from one row, ready to become an ``ActionData``."""

    row: int
    title: str
    number: str = ""
    section_key: str | None = None
    section_label: str = ""
    values: dict = field(default_factory=dict)
    publics: list = field(default_factory=list)
    funding: list[FundingData] = field(default_factory=list)
    steps: list[tuple[str, bool]] = field(default_factory=list)
    follow_ups: list[tuple[datetime.date | None, str]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    sub_actions: list["ParsedFiche"] = field(default_factory=list)
    implicit: bool = False

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title

    @property
    def status_label(self) -> str:
        value = self.values.get("status")
        return ActionStatus(value).label if value else ""

    @property
    def pilot(self) -> str:
        return self.values.get("pilot_name", "")

    @property
    def starts_on(self):
        return self.values.get("starts_on")

    @property
    def ends_on(self):
        return self.values.get("ends_on")

    @property
    def funding_total(self) -> Decimal:
        return sum((line.planned for line in self.funding), Decimal(0))

    @property
    def sub_action_count(self) -> int:
        return len(self.sub_actions)

    def action_data(self, *, source: str, section=None, parent=None) -> ActionData:
        return ActionData(
            title=self.title,
            number=self.number,
            section=None if parent is not None else section,
            parent=parent,
            source=source,
            publics=list(self.publics),
            **self.values,
        )


@dataclass
class ImportPreview:
    filename: str
    sheet: str = ""
    header_row: int | None = None
    sections: list[ParsedSection] = field(default_factory=list)
    fiches: list[ParsedFiche] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def all_fiches(self) -> list[ParsedFiche]:
        return [item for fiche in self.fiches for item in (fiche, *fiche.sub_actions)]

    @property
    def axes(self) -> list[ParsedSection]:
        return [s for s in self.sections if s.is_axis]

    @property
    def suggested_mental_health(self) -> list[ParsedSection]:
        """The axes whose title names « santé mentale »: proposed as the contract's mental-health volet."""
        return [s for s in self.axes if "sante mentale" in fold(s.title)]

    @property
    def counts(self) -> dict:
        subs = [sub for fiche in self.fiches for sub in fiche.sub_actions]
        everything = self.all_fiches
        return {
            "axes": len(self.axes),
            "sections": len(self.sections),
            "sub_axes": len(self.sections) - len(self.axes),
            "fiches": len(self.fiches),
            "sub_actions": len(subs),
            "funding_lines": sum(len(f.funding) for f in everything),
            "steps": sum(len(f.steps) for f in everything),
            "follow_ups": sum(len(f.follow_ups) for f in everything),
            "links": sum(len(f.links) for f in everything),
        }

    @property
    def summary(self) -> str:
        """« 29 fiches actions, 5 axes, 17 sous-axes, 3 lignes de financement. » (what the file holds)."""
        counts = self.counts
        parts = [
            _count_label(counts["fiches"], "fiche action", "fiches actions") or "Aucune fiche action",
            _count_label(counts["sub_actions"], "sous-action", "sous-actions"),
            _count_label(counts["axes"], "axe", "axes"),
            _count_label(counts["sub_axes"], "sous-axe", "sous-axes"),
            _count_label(counts["funding_lines"], "ligne de financement", "lignes de financement"),
            _count_label(counts["steps"], "étape", "étapes"),
            _count_label(counts["follow_ups"], "note de suivi", "notes de suivi"),
            _count_label(counts["links"], "document ou lien", "documents et liens"),
        ]
        return ", ".join(part for part in parts if part) + "."

    @property
    def can_import(self) -> bool:
        return not self.errors and bool(self.fiches or self.sections)

    @property
    def messages(self) -> list[str]:
        return [str(error) for error in self.errors]


@dataclass
class ImportResult:
    fiches: int = 0
    sub_actions: int = 0
    sections_created: int = 0
    sections_reused: int = 0
    funding_lines: int = 0
    steps: int = 0
    follow_ups: int = 0
    links: int = 0
    trashed: int = 0
    sections_deleted: int = 0
    mental_health_axes: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        """« 29 fiches importées (22 axes et sous-axes créés, 3 lignes de financement). »"""
        details = [
            _count_label(self.sub_actions, "sous-action", "sous-actions"),
            _count_label(self.sections_created, "axe ou sous-axe créé", "axes et sous-axes créés"),
            _count_label(self.sections_reused, "axe existant repris", "axes existants repris"),
            _count_label(self.funding_lines, "ligne de financement", "lignes de financement"),
            _count_label(self.steps, "étape", "étapes"),
            _count_label(self.follow_ups, "note de suivi", "notes de suivi"),
            _count_label(self.links, "document ou lien", "documents et liens"),
        ]
        details = [d for d in details if d]
        text = _count_label(self.fiches, "fiche importée", "fiches importées") or "Aucune fiche importée"
        if details:
            text += " (" + ", ".join(details) + ")"
        text += "."
        if self.trashed:
            text += " " + _count_label(
                self.trashed, "fiche de l’ancien plan mise", "fiches de l’ancien plan mises"
            )
            text += " à la corbeille."
        if self.mental_health_axes:
            axes = ", ".join(f"« {axis} »" for axis in self.mental_health_axes)
            text += f" Volet santé mentale du contrat : {axes}."
        return text


def _count_label(count: int, singular: str, plural: str) -> str:
    if not count:
        return ""
    return f"{count} {singular if count == 1 else plural}"


def _encode(value):
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Term):
        return {"$term": value.pk}
    if dataclasses.is_dataclass(value):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    return value


def _decode(value, terms: dict):
    if isinstance(value, dict):
        if len(value) == 1:
            key, item = next(iter(value.items()))
            if key == "$decimal":
                return Decimal(item)
            if key == "$date":
                return datetime.date.fromisoformat(item)
            if key == "$term":
                return terms.get(item)
        return {key: _decode(item, terms) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item, terms) for item in value]
    return value


def _term_ids(value, found: set) -> set:
    if isinstance(value, dict):
        if set(value) == {"$term"}:
            found.add(value["$term"])
        for item in value.values():
            _term_ids(item, found)
    elif isinstance(value, list):
        for item in value:
            _term_ids(item, found)
    return found


def preview_to_json(preview: ImportPreview) -> dict:
    """``preview`` as JSON-ready data (dates, amounts and publics tagged), for ``PendingImport.content``;
    ``preview_from_json`` gives it back equal."""
    return _encode(preview)


def _fiche_from(data: dict) -> ParsedFiche:
    return ParsedFiche(
        row=data["row"],
        title=data["title"],
        number=data["number"],
        section_key=data["section_key"],
        section_label=data["section_label"],
        values=data["values"],
        publics=[term for term in data["publics"] if term is not None],
        funding=[FundingData(**line) for line in data["funding"]],
        steps=[tuple(step) for step in data["steps"]],
        follow_ups=[tuple(note) for note in data["follow_ups"]],
        links=[tuple(link) for link in data["links"]],
        sub_actions=[_fiche_from(sub) for sub in data["sub_actions"]],
        implicit=data["implicit"],
    )


def preview_from_json(content: dict) -> ImportPreview:
    """The ``ImportPreview`` that ``preview_to_json`` stored (a public term deleted since is dropped)."""
    terms = Term.objects.in_bulk(_term_ids(content, set()))
    data = _decode(content, terms)
    return ImportPreview(
        filename=data["filename"],
        sheet=data["sheet"],
        header_row=data["header_row"],
        sections=[ParsedSection(**section) for section in data["sections"]],
        fiches=[_fiche_from(fiche) for fiche in data["fiches"]],
        warnings=data["warnings"],
        errors=[RowError(**error) for error in data["errors"]],
    )
