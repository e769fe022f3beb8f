"""Territoires en Transitions (TeT) action-plan workbooks: read one (preview, then import in one
transaction) and write a plan in the same format.

Territoires en Transitions (github incubateur-ademe/territoires-en-transitions, MIT licence) is where many
collectivités keep their action plans. Its import template (« modele-import-pa.xlsx », sheet « Fichier
dimport ») is the format: row 2 holds the column titles, row 3 the field types, then one row per fiche; a
sub-action repeats its fiche's axes and title and fills « Titre de la sous-action ».

Real files drift from the template, and every drift seen in TeT's own sample files is accepted: other
column titles (« Titre de l'action », « Service-département-pôle pilote », « Montant € TTC »…), trailing
spaces, dates as real dates, Excel serial numbers, « JJ/MM/AAAA » text or the American « 12/14/20 »,
booleans as True/« VRAI »/« TRUE »/« Oui »/1, amounts as numbers or « 12 500 € », numbered levels
(« Axe 1. … », « Objectif stratégique 2. … », « 4.2 : … ») and skipped levels.

Nothing a file carries is lost: every non-empty cell of a known column lands in a field of the fiche,
and the content of an unknown column is kept in the fiche's notes (« <colonne> : <valeur> »). A file with
any problem is refused as a whole, with every problem listed by row and column; nothing is written.
"""

import dataclasses
import datetime
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import openpyxl
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from santelocale.plans import progress, services
from santelocale.plans.enums import (
    ActionStatus,
    FunderKind,
    Participation,
    Priority,
    SectionKind,
    Vocabulary,
)
from santelocale.plans.models import (
    ACTION_HISTORY,
    Action,
    ActionLink,
    FollowUpNote,
    FundingLine,
    Section,
    Step,
    Term,
)
from santelocale.plans.services import ActionData, FundingData, PlanError, SectionData
from santelocale.utils.spreadsheet import FORMULA_STARTS
from santelocale.utils.text import fold

#: Largest file accepted (bytes) and most data rows in one import.
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 2000
#: Largest total size of the workbook's parts once unzipped: a 300 KB file can hold millions of empty
#: rows (or a zip bomb); it is refused before openpyxl reads anything.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
#: This many empty rows in a row mark the end of the data: reading stops there, so that a sheet
#: formatted down to row 1,048,576 costs no more than its real rows.
EMPTY_RUN = 500
#: Columns read on each row (TeT's files have about 40).
MAX_COLUMNS = 200

UNREADABLE = "Le fichier n’est pas un classeur Excel (.xlsx) lisible."
SHEET_NAME = "Fichier dimport"
SOURCE_PREFIX = "Import Territoires en Transitions : "

EXPECTED_DATE = "une date JJ/MM/AAAA ou un nombre de série Excel"
EXPECTED_AMOUNT = "un montant en euros, par exemple 12500 ou 12 500"
EXPECTED_BOOL = "VRAI ou FAUX (ou Oui / Non)"
EXPECTED_TITLE = "le titre de la fiche action (obligatoire)"


# --- The columns ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    variants: tuple[str, ...] = ()


#: Every column the importer knows: its key, its title in TeT's template (or newer files), and the other
#: titles TeT's files use for it. Financeur N / Montant are recognised by pattern (see ``_column_key``).
COLUMNS = (
    Column("axis", "Axe (x)", ("Axe",)),
    Column("sub_axis", "Sous-axe (x.x)", ("Sous-axe", "Sous axe")),
    Column("sub_sub_axis", "Sous-sous axe (x.x.x)", ("Sous-sous-axe", "Sous-sous axe")),
    Column(
        "title",
        "Titre de la fiche action",
        ("Titre de l'action", "Titre de l’action", "Titre de la fiche", "Titre", "Fiche action"),
    ),
    Column("sub_title", "Titre de la sous-action", ("Sous-action",)),
    Column("description", "Descriptif", ("Description",)),
    Column("governance", "Instances de gouvernance"),
    Column("objectives", "Objectifs"),
    Column("indicators_text", "Indicateurs liés"),
    Column("operator", "Structure pilote"),
    Column("means", "Moyens humains et techniques"),
    Column("partners", "Partenaires"),
    Column("pilot_service", "Direction ou service pilote", ("Service-département-pôle pilote",)),
    Column("pilot_name", "Personne pilote", ("Personnes pilotes",)),
    Column("elected_referent", "Élu·e référent·e", ("Élu référent", "Élus référents")),
    Column("participation", "Participation Citoyenne"),
    Column("funding_note", "Financements"),
    Column("budget", "Budget prévisionnel total € HT", ("Budget prévisionnel total € TTC",)),
    Column("status", "Statut"),
    Column("priority", "Niveau de priorité", ("Priorité",)),
    Column("starts_on", "Date de début"),
    Column("ends_on", "Date de fin", ("Date de fin prévisionnelle",)),
    Column("is_continuous", "Action en amélioration continue"),
    Column("calendar", "Calendrier"),
    Column("related_measures", "Mesures liées"),
    Column("related_text", "Actions liées", ("Fiches liées",)),
    Column("related_plans_text", "Fiches des plans liées", ("Actions des plans liées",)),
    Column("follow_up", "Notes", ("Notes de suivi",)),
    Column("notes", "Notes complémentaires"),
    Column("steps", "Etapes de la fiche action", ("Etapes de l'action", "Étapes de l’action", "Étapes")),
    Column("links", "Documents et liens"),
    Column("expected_results", "Résultats attendus"),
    Column("publics", "Cibles"),
    Column("theme", "Thématique principale", ("Thématique",)),
    Column("sub_themes", "Sous-thématiques"),
)

_BY_FOLDED = {fold(name): c.key for c in COLUMNS for name in (c.header, *c.variants)}
_FUNDER = re.compile(r"^financeur\s*(\d+)?$")
LEVEL_KEYS = ("axis", "sub_axis", "sub_sub_axis")
#: Plain text fields of ActionData filled as they are.
TEXT_KEYS = (
    "description",
    "governance",
    "objectives",
    "indicators_text",
    "means",
    "funding_note",
    "calendar",
    "related_measures",
    "related_text",
    "related_plans_text",
    "expected_results",
)
#: Comma-separated lists, kept as « a, b, c »; with the model's length limit when there is one.
LIST_KEYS = {
    "operator": 500,
    "partners": None,
    "pilot_service": 500,
    "pilot_name": 500,
    "elected_referent": 500,
}


def _column_key(header: str) -> str | None:
    folded = fold(header)
    if not folded:
        return None
    if folded in _BY_FOLDED:
        return _BY_FOLDED[folded]
    if _FUNDER.match(folded):
        return "funder"
    if folded.startswith("montant"):
        return "amount"
    if folded.startswith("budget previsionnel"):
        return "budget"
    return None


# --- What a parse gives ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem of the file: a cell (row, column, value, what was expected), or the whole file."""

    row: int | None = None
    column: str = ""
    value: str = ""
    expected: str = ""
    message: str = ""

    def __str__(self) -> str:
        if self.message:
            return f"Ligne {self.row} : {self.message}" if self.row else self.message
        where = f"Ligne {self.row}" if self.row else "Fichier"
        if self.column:
            where += f", colonne « {self.column} »"
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


# --- Cell readers -----------------------------------------------------------------------------------------


class _Bad(Exception):
    def __init__(self, expected: str):
        super().__init__(expected)
        self.expected = expected


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    """A cell as text: numbers without a useless « .0 », dates as JJ/MM/AAAA, booleans as VRAI/FAUX."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return (
            value.strftime("%d/%m/%Y")
            if value.time() == datetime.time()
            else value.strftime("%d/%m/%Y %H:%M")
        )
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value).replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "").strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _list_text(value) -> str:
    """« a,b ,  c » → « a, b, c » (TeT's comma-separated fields)."""
    return ", ".join(part.strip() for part in _text(value).split(",") if part.strip())


def _two_digit_year(year: int) -> int:
    return year + (2000 if year < 70 else 1900) if year < 100 else year


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


def _date(value) -> tuple[datetime.date, bool]:
    """A date cell → (date, read as American?). Raises ``_Bad``."""
    if isinstance(value, datetime.datetime):
        return value.date(), False
    if isinstance(value, datetime.date):
        return value, False
    if isinstance(value, bool):
        raise _Bad(EXPECTED_DATE)
    if isinstance(value, int | float):
        if not 1 <= value < 2958466:
            raise _Bad(EXPECTED_DATE)
        converted = from_excel(value)
        return (converted.date() if isinstance(converted, datetime.datetime) else converted), False
    text = _text(value)
    if re.fullmatch(r"\d{4,5}(\.0+)?", text):
        return _date(float(text))
    match = _ISO.match(text)
    if match:
        try:
            return datetime.date(*(int(g) for g in match.groups())), False
        except ValueError:
            raise _Bad(EXPECTED_DATE) from None
    match = _DMY.match(text)
    if not match:
        raise _Bad(EXPECTED_DATE)
    first, second, year = int(match[1]), int(match[2]), _two_digit_year(int(match[3]))
    try:
        return datetime.date(year, second, first), False
    except ValueError:
        pass
    try:
        return datetime.date(year, first, second), True
    except ValueError:
        raise _Bad(EXPECTED_DATE) from None


_TRUE = {"vrai", "true", "oui", "yes", "1", "x"}
_FALSE = {"faux", "false", "non", "no", "0"}


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    folded = fold(_text(value))
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise _Bad(EXPECTED_BOOL)


_AMOUNT_NOISE = re.compile(r"(€|euros?|eur\b|\bht\b|\bttc\b|\s|\u202f|\xa0)", re.IGNORECASE)
_AMOUNT_MAX = Decimal(10) ** 12


def _amount(value) -> Decimal:
    if isinstance(value, bool):
        raise _Bad(EXPECTED_AMOUNT)
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
    else:
        cleaned = _AMOUNT_NOISE.sub("", _text(value))
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", cleaned):
            cleaned = cleaned.replace(".", "")
        cleaned = cleaned.replace(",", ".")
        try:
            amount = Decimal(cleaned)
        except InvalidOperation:
            raise _Bad(EXPECTED_AMOUNT) from None
    if not amount.is_finite():
        raise _Bad(EXPECTED_AMOUNT)
    if amount < 0:
        raise _Bad("un montant positif ou nul")
    if amount >= _AMOUNT_MAX:
        raise _Bad("un montant inférieur à mille milliards d’euros")
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _aliases(enum, extra: dict[str, str]) -> dict[str, str]:
    table = {fold(label): value for value, label in enum.choices}
    table.update({fold(value): value for value in enum.values})
    table.update({fold(k): v for k, v in extra.items()})
    return table


STATUSES = _aliases(
    ActionStatus,
    {
        "Terminé": ActionStatus.DONE,
        "Terminée": ActionStatus.DONE,
        "Réalisée": ActionStatus.DONE,
        "Non commencé": ActionStatus.UPCOMING,
        "Pas commencé": ActionStatus.UPCOMING,
        "A venir": ActionStatus.UPCOMING,
    },
)
PRIORITIES = _aliases(
    Priority,
    {
        "Élevée": Priority.HIGH,
        "Haute": Priority.HIGH,
        "Haut": Priority.HIGH,
        "Forte": Priority.HIGH,
        "Moyenne": Priority.MEDIUM,
        "Basse": Priority.LOW,
        "Faible": Priority.LOW,
    },
)
PARTICIPATIONS = _aliases(
    Participation,
    {
        "Coconstruction": Participation.CO_CONSTRUCTION,
        "Aucune": Participation.NONE,
        "Pas de participation": Participation.NONE,
    },
)


def _choice(value, table: dict[str, str], enum) -> str:
    folded = fold(_text(value))
    if folded in table:
        return table[folded]
    labels = ", ".join(f"« {label} »" for label in enum.labels)
    raise _Bad(f"l’une des valeurs {labels}")


# --- Numbers in titles -----------------------------------------------------------------------------------

_PREFIX = (
    r"(?:axe|sous[\s-]*sous[\s-]*axe|sous[\s-]*axe|orientation(?:\s+strat[ée]gique)?|"
    r"objectifs?(?:\s+(?:strat[ée]giques?|op[ée]rationnels?|g[ée]n[ée]ral|sp[ée]cifiques?))?|"
    r"fiche(?:[\s-]+action)?|sous[\s-]*action|action|mesure)"
)
_NUMBER = r"(?:n°\s*|no\s+)?(\d{1,3}(?:\.\d{1,3})*)"
_WITH_PREFIX = re.compile(
    rf"^{_PREFIX}\s+{_NUMBER}(?![\d.]*\d)\s*[.:)\-–]*\s+(?P<title>\S.*)$", re.IGNORECASE | re.DOTALL
)
_BARE = re.compile(rf"^{_NUMBER}(?![\d.]*\d)\s*[.:)\-–]+\s+(?P<title>\S.*)$", re.DOTALL)


def split_number(text: str) -> tuple[str, str]:
    """« Axe 1. COORDINATION » → ("1", "COORDINATION"); « 4.2 : Déployer… » → ("4.2", "Déployer…");
    « Fiche Action 12. Titre » → ("12", "Titre"); text with no number, or nothing after it → ("", text)."""
    text = _one_line(text)
    for pattern in (_WITH_PREFIX, _BARE):
        match = pattern.match(text)
        if match and match["title"].strip():
            return match[1].rstrip("."), match["title"].strip()
    return "", text


# --- Funders, publics, links, steps, notes -------------------------------------------------------------

FUNDER_WORDS = (
    (FunderKind.ARS, ("ars", "agence regionale de sante", "fir", "fonds d intervention regional")),
    (
        FunderKind.HEALTH_INSURANCE,
        ("cpam", "assurance maladie", "msa", "cnam", "carsat", "mutualite sociale agricole"),
    ),
    (FunderKind.CAF, ("caf", "allocations familiales")),
    (FunderKind.CITY_POLICY, ("politique de la ville", "contrat de ville", "qpv")),
    (
        FunderKind.STATE,
        (
            "etat",
            "prefecture",
            "prefet",
            "dreal",
            "dreets",
            "ddets",
            "ddcs",
            "drac",
            "draaf",
            "anct",
            "education nationale",
            "ministere",
            "mildeca",
            "fipd",
            "sgar",
        ),
    ),
    (
        FunderKind.COLLECTIVITY,
        (
            "collectivite",
            "commune",
            "ville",
            "mairie",
            "communaute",
            "agglomeration",
            "metropole",
            "departement",
            "conseil departemental",
            "region",
            "conseil regional",
            "intercommunalite",
            "epci",
            "ccas",
            "cias",
            "cc",
            "ca",
        ),
    ),
    (FunderKind.OTHER, ("autre",)),
)


def funder_kind(name: str) -> str:
    """The kind of a funder named in a file: ARS, assurance maladie, CAF, politique de la ville, État,
    collectivité, or « autre » (several funders of different kinds are « autre » too)."""
    kinds = set()
    for part in name.split(","):
        folded = f" {fold(part)} "
        if not folded.strip():
            continue
        for kind, words in FUNDER_WORDS:
            if any(f" {word} " in folded for word in words):
                kinds.add(kind)
                break
        else:
            kinds.add(FunderKind.OTHER)
    return kinds.pop() if len(kinds) == 1 else FunderKind.OTHER


_URL = re.compile(r"(https?://\S+|www\.\S+)", re.IGNORECASE)


def _links(text: str) -> list[tuple[str, str]]:
    """« Documents et liens » → (title, url) pairs: one per line, and per comma item on a line that is not
    one title followed by its address; an item that is not an address keeps its text as title only."""
    links = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        urls = _URL.findall(line)
        if len(urls) == 1 and line.endswith(urls[0]):
            title = line[: -len(urls[0])].strip().rstrip(":,;–-—").strip()
            links.append((title or urls[0], urls[0]))
            continue
        for item in line.split(","):
            item = item.strip()
            if not item:
                continue
            found = _URL.search(item)
            if found and item.endswith(found[0]):
                title = item[: -len(found[0])].strip().rstrip(":,;–-—").strip()
                links.append((title or found[0], found[0]))
            else:
                links.append((item, ""))
    return links


_BULLET = re.compile(r"^(?:[-•*·▪►➔]+|\d{1,2}[.)])\s+")
_DONE = re.compile(r"^(?:\[[xX]\]|☑|✓|✔)\s*")


def _steps(text: str) -> list[tuple[str, bool]]:
    steps = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        done = bool(_DONE.match(line))
        line = _DONE.sub("", line)
        line = _BULLET.sub("", line).strip() or line
        line = re.sub(r"^\[\s?\]\s*", "", line)
        if line:
            steps.append((line, done))
    return steps


_DATED = re.compile(r"^(\d{2}/\d{2}/\d{4})\s*[:–—-]\s*(.*)$")


def _follow_ups(text: str) -> list[tuple[datetime.date | None, str]]:
    """« Notes (de suivi) »: dated paragraphs « JJ/MM/AAAA : texte » (as the export writes them) become one
    note each; anything else is one note dated the day of the import."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    match = _DATED.match(first.strip())
    if not match or _valid_dmy(match[1]) is None:
        return [(None, text.strip())]
    notes: list[list] = []
    for line in lines:
        match = _DATED.match(line.strip())
        day = _valid_dmy(match[1]) if match else None
        if day is not None:
            notes.append([day, match[2]])
        else:
            notes[-1][1] += "\n" + line
    return [(day, body.strip()) for day, body in notes if body.strip()]


def _valid_dmy(text: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


# --- The workbook ---------------------------------------------------------------------------------------


def _read_bytes(fileobj) -> bytes:
    if isinstance(fileobj, bytes | bytearray):
        return bytes(fileobj)
    if hasattr(fileobj, "read"):
        if hasattr(fileobj, "seek"):
            fileobj.seek(0)
        return fileobj.read()
    with open(fileobj, "rb") as handle:
        return handle.read()


def _header_keys(row: tuple) -> dict[int, str]:
    return {i: key for i, value in enumerate(row) if isinstance(value, str) and (key := _column_key(value))}


def _find_table(workbook):
    """The sheet and its header row: « Fichier dimport » if there is one, else the first sheet with column
    titles (« Axe (x) », « Titre de la fiche action »…) in its first 10 rows."""
    sheets = list(workbook.worksheets)
    preferred = [ws for ws in sheets if fold(ws.title).replace(" ", "") == "fichierdimport"]
    for ws in preferred + [ws for ws in sheets if ws not in preferred]:
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # read-only sheets trust the file's declared size, which may be wrong
        for number, row in enumerate(ws.iter_rows(max_row=10, values_only=True), start=1):
            keys = _header_keys(row)
            values = set(keys.values())
            if len(keys) >= 2 and ("axis" in values or "title" in values):
                return ws, number, row
    return None, None, None


def _archive_refusal(data: bytes) -> str:
    """Why the workbook is refused before being read (empty when it may be read): not a zip archive, or
    parts whose unzipped size exceeds ``MAX_UNPACKED_BYTES``. Reads only the zip's directory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return UNREADABLE
    if unpacked > MAX_UNPACKED_BYTES:
        return (
            f"Le classeur décompressé occuperait {unpacked / (1024 * 1024):.0f} Mo "
            f"({MAX_UNPACKED_BYTES // (1024 * 1024)} Mo au plus) : il contient sans doute des milliers de "
            "lignes vides ou mises en forme. Copiez les seules lignes du plan dans un nouveau classeur, "
            "puis importez-le."
        )
    return ""


def parse_workbook(fileobj, *, filename: str) -> ImportPreview:
    """Read a TeT action-plan workbook; every problem is in ``preview.errors`` (nothing raises)."""
    preview = ImportPreview(filename=filename)
    if not filename.lower().endswith((".xlsx", ".xlsm")):
        preview.errors.append(RowError(message=UNREADABLE))
        if filename.lower().endswith((".xls", ".ods", ".csv")):
            preview.warnings.append(
                "Enregistrez le fichier au format « Classeur Excel (.xlsx) » puis importez-le à nouveau."
            )
        return preview
    try:
        data = _read_bytes(fileobj)
        refusal = _archive_refusal(data)
        if refusal:
            preview.errors.append(RowError(message=refusal))
            return preview
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                table = _read_table(workbook)
            finally:
                workbook.close()
    except Exception:  # openpyxl raises many kinds (zip, XML, key, value errors) on a damaged file
        preview.errors.append(RowError(message=UNREADABLE))
        return preview
    _parse(table, preview)
    return preview


@dataclass
class _Table:
    sheet: str = ""
    header_row: int | None = None
    header: tuple = ()
    rows: list[tuple[int, dict]] = field(default_factory=list)
    stopped_at: int | None = None


def _read_table(workbook) -> _Table:
    """The rows under the header row, as {column index: value} without empty cells: at most a few more
    non-empty rows than an import may hold, and up to the first run of ``EMPTY_RUN`` empty rows (the
    data's end; ``stopped_at`` then says where reading stopped)."""
    ws, header_row, header = _find_table(workbook)
    if ws is None:
        return _Table()
    table = _Table(ws.title, header_row, header)
    empty_run = 0
    for row, values in enumerate(
        ws.iter_rows(min_row=header_row + 1, max_col=MAX_COLUMNS, values_only=True), start=header_row + 1
    ):
        cells = {i: v for i, v in enumerate(values) if not _is_empty(v)}
        if not cells:
            empty_run += 1
            if empty_run >= EMPTY_RUN:
                table.stopped_at = row
                break
            continue
        empty_run = 0
        table.rows.append((row, cells))
        if len(table.rows) > MAX_ROWS + 10:
            break
    return table


class _Reader:
    """The state of one parse: columns, sections met so far, fiches by key."""

    def __init__(self, preview: ImportPreview, header: tuple):
        self.preview = preview
        self.columns: dict[int, str] = {}
        self.headers: dict[int, str] = {}
        self.funders: list[tuple[int, int | None]] = []
        seen: set[str] = set()
        for index, value in enumerate(header):
            text = _text(value) if not _is_empty(value) else ""
            self.headers[index] = text
            key = _column_key(text) if text else None
            if key == "funder":
                self.funders.append((index, None))
            elif key == "amount":
                if self.funders and self.funders[-1][0] == index - 1 and self.funders[-1][1] is None:
                    self.funders[-1] = (index - 1, index)
            elif key and key not in seen:
                self.columns[index] = key
                seen.add(key)
        self.by_key = {key: index for index, key in self.columns.items()}
        self.known = set(self.columns) | {i for pair in self.funders for i in pair if i is not None}
        self.sections: dict[tuple, ParsedSection] = {}
        self.fiches: dict[tuple, ParsedFiche] = {}
        self.publics = {fold(t.label): t for t in Term.objects.filter(vocabulary=Vocabulary.PUBLIC)}
        self.publics.setdefault("grand public", self.publics.get("tout public"))
        self.publics.setdefault("elus locaux", self.publics.get("elus"))
        self.warned_extras: set[int] = set()

    def header(self, key_or_index) -> str:
        index = self.by_key[key_or_index] if isinstance(key_or_index, str) else key_or_index
        return self.headers.get(index) or f"colonne {get_column_letter(index + 1)}"

    def error(self, row: int, column, value, expected: str) -> None:
        self.preview.errors.append(
            RowError(row=row, column=self.header(column), value=_text(value), expected=expected)
        )

    # Sections --------------------------------------------------------------------------------------

    def levels(self, row: int, cells: dict) -> list[tuple[str, str]] | None:
        levels = []
        ok = True
        for key in LEVEL_KEYS:
            index = self.by_key.get(key)
            if index is None or _is_empty(cells.get(index)):
                continue
            text = _text(cells[index])
            parts = text.split(" > ") if key == "sub_sub_axis" else [text]
            for part in parts:
                if not part.strip():
                    continue
                number, title = split_number(part)
                if len(title) > 500:
                    self.error(row, key, part, "un intitulé d’axe de 500 caractères au plus")
                    ok = False
                levels.append((number, title))
        return levels if ok else None

    def section_for(self, row: int, levels: list[tuple[str, str]]) -> ParsedSection | None:
        path: tuple = ()
        node = None
        for depth, (number, title) in enumerate(levels):
            path = (*path, fold(title))
            if path not in self.sections:
                self.sections[path] = ParsedSection(
                    key=f"s{len(self.sections) + 1}",
                    number=number,
                    title=title,
                    kind=SectionKind.AXIS if depth == 0 else SectionKind.SUB_AXIS,
                    parent_key=node.key if node else None,
                    depth=depth,
                    row=row,
                )
                self.preview.sections.append(self.sections[path])
            node = self.sections[path]
        return node

    # Rows ------------------------------------------------------------------------------------------

    def read_row(self, row: int, cells: dict) -> None:
        levels = self.levels(row, cells)
        title_index = self.by_key["title"]
        sub_index = self.by_key.get("sub_title")
        raw_title = cells.get(title_index)
        raw_sub = cells.get(sub_index) if sub_index is not None else None
        level_indexes = {self.by_key[k] for k in LEVEL_KEYS if k in self.by_key}
        if _is_empty(raw_title):
            if set(cells) <= level_indexes and levels is not None:
                self.section_for(row, levels)  # a row that only declares axes
                return
            self.error(row, "title", "", EXPECTED_TITLE)
            return
        if levels is None:
            return
        section = self.section_for(row, levels)
        number, title = split_number(_text(raw_title))
        fiche_key = (section.key if section else None, fold(_text(raw_title)))
        is_sub = not _is_empty(raw_sub)
        if is_sub:
            sub_number, sub_title = split_number(_text(raw_sub))
            target = ParsedFiche(row=row, title=sub_title, number=sub_number)
            self.check_title(row, "sub_title", raw_sub, sub_title)
        else:
            target = ParsedFiche(row=row, title=title, number=number)
            self.check_title(row, "title", raw_title, title)
        if section is not None:
            target.section_key = section.key
            target.section_label = " > ".join(s.label for s in self.chain(section))
        self.read_fields(row, cells, target)
        if is_sub:
            parent = self.fiches.get(fiche_key)
            if parent is None:
                parent = ParsedFiche(
                    row=row,
                    title=title,
                    number=number,
                    section_key=target.section_key,
                    section_label=target.section_label,
                    implicit=True,
                )
                self.check_title(row, "title", raw_title, title)
                self.add_fiche(fiche_key, parent)
            parent.sub_actions.append(target)
            return
        existing = self.fiches.get(fiche_key)
        if existing is not None and existing.implicit:
            target.sub_actions = existing.sub_actions
            index = self.preview.fiches.index(existing)
            self.preview.fiches[index] = target
            self.fiches[fiche_key] = target
            return
        if existing is not None:
            self.preview.warnings.append(
                f"Ligne {row} : une fiche « {target.label} » figure déjà ligne {existing.row} dans le même "
                "axe ; les deux sont importées."
            )
        self.add_fiche(fiche_key, target)

    def add_fiche(self, key, fiche: ParsedFiche) -> None:
        self.fiches.setdefault(key, fiche)
        self.preview.fiches.append(fiche)

    def chain(self, section: ParsedSection) -> list[ParsedSection]:
        by_key = {s.key: s for s in self.preview.sections}
        chain = [section]
        while chain[0].parent_key:
            chain.insert(0, by_key[chain[0].parent_key])
        return chain

    def check_title(self, row: int, key: str, raw, title: str) -> None:
        if len(title) > services.TITLE_MAX:
            self.error(
                row, key, raw, f"un titre de {services.TITLE_MAX} caractères au plus (ici {len(title)})"
            )

    def read_fields(self, row: int, cells: dict, fiche: ParsedFiche) -> None:
        values = fiche.values
        notes: list[str] = []
        for index, key in self.columns.items():
            value = cells.get(index)
            if _is_empty(value) or key in LEVEL_KEYS or key in ("title", "sub_title"):
                continue
            try:
                self.read_field(row, index, key, value, fiche, notes)
            except _Bad as bad:
                self.error(row, index, value, bad.expected)
        start, end = values.get("starts_on"), values.get("ends_on")
        if start and end and end < start:
            self.error(
                row,
                "ends_on",
                cells.get(self.by_key["ends_on"]),
                f"une date de fin postérieure à la date de début ({start:%d/%m/%Y})",
            )
        year = start.year if start and 2000 <= start.year <= 2100 else None
        for funder_index, amount_index in self.funders:
            name = _list_text(cells.get(funder_index))
            raw_amount = cells.get(amount_index) if amount_index is not None else None
            if not name and _is_empty(raw_amount):
                continue
            planned = Decimal(0)
            if not _is_empty(raw_amount):
                try:
                    planned = _amount(raw_amount)
                except _Bad as bad:
                    self.error(row, amount_index, raw_amount, bad.expected)
                    continue
            comment = ""
            if amount_index is not None and "ttc" in fold(self.headers.get(amount_index, "")).split():
                comment = "Montant TTC"
            if len(name) > 255:
                notes.append(f"{self.header(funder_index)} (texte complet) : {name}")
                self.preview.warnings.append(
                    f"Ligne {row} : « {self.header(funder_index)} » dépasse 255 caractères ; "
                    "le texte complet est gardé dans les notes de la fiche."
                )
            fiche.funding.append(
                FundingData(
                    funder_kind=funder_kind(name),
                    funder_name=name[:255],
                    planned=planned,
                    year=year,
                    comment=comment,
                )
            )
        for index, value in cells.items():
            if index in self.known:
                continue
            notes.append(f"{self.header(index)} : {_text(value)}")
            if index not in self.warned_extras:
                self.warned_extras.add(index)
                self.preview.warnings.append(
                    f"Colonne « {self.header(index)} » non reconnue : son contenu est gardé dans les notes "
                    "de chaque fiche."
                )
        if notes:
            values["notes"] = "\n".join(filter(None, [values.get("notes", ""), *notes]))

    def read_field(self, row, index, key, value, fiche: ParsedFiche, notes: list[str]) -> None:
        values = fiche.values
        if key in TEXT_KEYS:
            values[key] = _text(value)
        elif key in LIST_KEYS:
            text = _list_text(value)
            limit = LIST_KEYS[key]
            if limit and len(text) > limit:
                notes.append(f"{self.header(index)} (texte complet) : {text}")
                self.preview.warnings.append(
                    f"Ligne {row} : « {self.header(index)} » dépasse {limit} caractères ; le champ en garde "
                    "le début et le texte complet est gardé dans les notes de la fiche."
                )
                text = text[: limit - 1].rstrip() + "…"
            values[key] = text
        elif key == "participation":
            values[key] = _choice(value, PARTICIPATIONS, Participation)
        elif key == "status":
            values[key] = _choice(value, STATUSES, ActionStatus)
        elif key == "priority":
            values[key] = _choice(value, PRIORITIES, Priority)
        elif key in ("starts_on", "ends_on"):
            day, american = _date(value)
            if not 1900 <= day.year <= 2200:
                raise _Bad(EXPECTED_DATE)
            values[key] = day
            if american:
                self.preview.warnings.append(
                    f"Ligne {row}, colonne « {self.header(index)} » : « {_text(value)} » est lu comme une "
                    f"date américaine (mois/jour/année) : {day:%d/%m/%Y}. Vérifiez-la."
                )
        elif key == "is_continuous":
            values[key] = _bool(value)
        elif key == "budget":
            values[key] = _amount(value)
        elif key == "notes":
            values["notes"] = "\n".join(filter(None, [_text(value), values.get("notes", "")]))
        elif key == "follow_up":
            fiche.follow_ups.extend(_follow_ups(_text(value)))
        elif key == "steps":
            for title, done in _steps(_text(value)):
                if len(title) > 300:
                    notes.append(f"Étape (texte complet) : {title}")
                    title = title[:299] + "…"
                fiche.steps.append((title, done))
        elif key == "links":
            for title, url in _links(_text(value)):
                if len(title) > 300 or len(url) > 1000:
                    notes.append(f"{self.header(index)} : {title} {url}".strip())
                    continue
                fiche.links.append((title, url))
        elif key == "publics":
            self.read_publics(value, fiche, notes)
        elif key in ("theme", "sub_themes"):
            notes.append(f"{self.header(index)} : {_text(value)}")

    def read_publics(self, value, fiche: ParsedFiche, notes: list[str]) -> None:
        text = _text(value)
        whole = self.publics.get(fold(text))
        items = [text] if whole else [p.strip() for p in text.split(",") if p.strip()]
        unknown = []
        for item in items:
            term = self.publics.get(fold(item))
            if term is None:
                unknown.append(item)
            elif term not in fiche.publics:
                fiche.publics.append(term)
        if unknown:
            notes.append("Cibles (non reconnues) : " + ", ".join(unknown))


def _row_kind(cells: dict, reader: _Reader) -> str:
    """Before the first fiche: « type » (field types), « help » (template help), « marker » (one lone
    cell such as « Données »), or « data »."""
    texts = [_text(v) for v in cells.values()]
    if texts and all(fold(t).startswith("champ") for t in texts):
        return "type"
    first = fold(texts[0]) if texts else ""
    title = fold(_text(cells.get(reader.by_key["title"])))
    if first.startswith("si vos") or title.startswith("texte court de 300 caracteres"):
        return "help"
    if len(cells) == 1 and reader.by_key["title"] not in cells:
        return "marker"
    return "data"


def _is_template_example(cells: dict, reader: _Reader) -> bool:
    axis = fold(_text(cells.get(reader.by_key.get("axis", -1))))
    title = fold(_text(cells.get(reader.by_key["title"])))
    return axis.startswith("1 un territoire desirable qui allie bien etre") and title.startswith(
        "action 1 assurer la coordination de la transition ecologique"
    )


def _parse(table: _Table, preview: ImportPreview) -> None:
    if table.header_row is None:
        preview.errors.append(
            RowError(
                message="Aucune ligne d’en-têtes trouvée : le fichier doit reprendre les colonnes du modèle "
                "Territoires en Transitions (« Axe (x) », « Titre de la fiche action »…) dans ses 10 "
                "premières lignes."
            )
        )
        return
    preview.sheet, preview.header_row = table.sheet, table.header_row
    reader = _Reader(preview, table.header)
    if "title" not in reader.by_key:
        preview.errors.append(
            RowError(
                row=table.header_row,
                column="Titre de la fiche action",
                expected="une colonne « Titre de la fiche action » (ou « Titre de l’action »)",
                message="aucune colonne « Titre de la fiche action » (ou « Titre de l’action ») : "
                "le titre de chaque fiche est obligatoire.",
            )
        )
        return
    started = False
    data_rows = 0
    for row, cells in table.rows:
        if not started:
            kind = _row_kind(cells, reader)
            if kind in ("type", "help"):
                continue
            if kind == "marker":
                preview.warnings.append(f"Ligne {row} ignorée : « {_text(next(iter(cells.values())))} ».")
                continue
        if _is_template_example(cells, reader):
            preview.warnings.append(
                f"Ligne {row} ignorée : c’est l’exemple prérempli du modèle Territoires en Transitions."
            )
            continue
        started = True
        data_rows += 1
        if data_rows > MAX_ROWS:
            preview.errors.append(
                RowError(
                    message=f"Le fichier compte plus de {MAX_ROWS} lignes de données : découpez-le en "
                    f"plusieurs fichiers de {MAX_ROWS} lignes au plus."
                )
            )
            return
        reader.read_row(row, cells)
    _count(preview)
    if table.stopped_at:
        preview.warnings.append(
            f"Lecture arrêtée ligne {table.stopped_at} : {EMPTY_RUN} lignes vides de suite marquent la fin "
            "des données ; ce qui suivrait plus bas dans la feuille n’est pas lu."
        )
    if not preview.fiches and not preview.errors:
        preview.warnings.append("Le fichier ne contient aucune fiche action.")


def _count(preview: ImportPreview) -> None:
    by_key = {s.key: s for s in preview.sections}
    for fiche in preview.fiches:
        if fiche.implicit:
            preview.warnings.append(
                f"Ligne {fiche.row} : la fiche « {fiche.label} » n’a pas de ligne propre ; elle est créée "
                "avec son seul titre pour porter ses sous-actions."
            )
        if fiche.section_key:
            by_key[fiche.section_key].fiche_count += 1
            key = fiche.section_key
            while key:
                by_key[key].total_count += 1
                key = by_key[key].parent_key


# --- Keeping a preview between the upload and the confirmation ---------------------------------------


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


# --- Import ---------------------------------------------------------------------------------------------


def apply_import(
    contract,
    preview: ImportPreview,
    *,
    user,
    mark_mental_health: set[str] | frozenset = frozenset(),
    replace: bool = False,
) -> ImportResult:
    """Write ``preview`` into ``contract``'s plan in one transaction: sections (an existing section with
    the same title under the same parent is reused), fiches, sub-actions, funding lines, steps, notes and
    links. ``replace`` first moves the plan's live fiches to the bin and then deletes the sections left
    empty. Raises ``PlanError`` with every problem, and then nothing is written."""
    if preview.errors:
        raise PlanError(preview.messages)
    if not preview.fiches and not preview.sections:
        raise PlanError("Le fichier ne contient aucune fiche action à importer.")
    source = (SOURCE_PREFIX + preview.filename)[:255]
    today = datetime.date.today()
    problems = []
    for fiche in preview.all_fiches:
        data = fiche.action_data(source=source)
        found = services.action_problems(contract, data)
        for line in fiche.funding:
            found += services.funding_problems(line)
        for title, done in fiche.steps:
            found += services.step_problems(title=title, is_done=done)
        for day, text in fiche.follow_ups:
            found += services.follow_up_problems(noted_on=day or today, text=text)
        for title, url in fiche.links:
            found += services.link_problems(title=title, url=url)
        problems += [f"Ligne {fiche.row} : {p}" for p in found]
    if problems:
        raise PlanError(problems)

    result = ImportResult()
    axis_keys = {s.key for s in preview.axes}
    marked = set(mark_mental_health) & axis_keys
    with transaction.atomic():
        if replace:
            for action in Action.objects.alive().filter(contract=contract, parent__isnull=True):
                result.trashed += 1
                services.trash_action(action)
            for action in Action.objects.alive().filter(contract=contract):  # orphans of binned parents
                result.trashed += 1
                services.trash_action(action)
        sections = _write_sections(contract, preview, marked, result)
        _write_fiches(contract, preview, sections, source, user, today)
        for fiche in preview.fiches:
            result.fiches += 1
            result.sub_actions += len(fiche.sub_actions)
            for item in (fiche, *fiche.sub_actions):
                _count_details(result, item)
        if replace:
            used = {section.pk for section in sections.values()}
            result.sections_deleted = _delete_empty_sections(contract, used)
    return result


def _write_fiches(contract, preview: ImportPreview, sections: dict, source: str, user, today) -> None:
    """Insert every fiche and sub-action of ``preview`` with their publics, funding lines, steps, notes
    and links, and their history records (by ``user``, at one date), in a few bulk inserts: 2,000 fiches
    take seconds, not a minute of SQLite's write lock. Everything was checked by ``apply_import``."""
    now = timezone.now()
    author = user if getattr(user, "pk", None) else None
    position = Action.objects.filter(contract=contract, parent=None).count()
    tops = []
    for fiche in preview.fiches:
        data = fiche.action_data(source=source, section=sections.get(fiche.section_key))
        tops.append((fiche, services.fill_action(Action(contract=contract, position=position), data)))
        position += 1
    Action.objects.bulk_create([action for _, action in tops])
    subs = []
    for fiche, parent in tops:
        for rank, sub in enumerate(fiche.sub_actions):
            data = sub.action_data(source=source, parent=parent)
            subs.append((sub, services.fill_action(Action(contract=contract, position=rank), data)))
    Action.objects.bulk_create([action for _, action in subs])
    written = tops + subs

    through = Action.publics.through
    publics = through.objects.bulk_create(
        [through(action_id=action.pk, term_id=term.pk) for fiche, action in written for term in fiche.publics]
    )
    records = Action.history.bulk_history_create(
        [action for _, action in written], default_user=author, default_date=now
    )
    # Each fiche's history record carries its lists, as ``services`` records them one save at a time.
    record_of = {action.pk: record for (_, action), record in zip(written, records, strict=True)}
    publics_history = ACTION_HISTORY.m2m_models[Action._meta.get_field("publics")]
    publics_history.objects.bulk_create(
        [
            publics_history(
                id=row.id, action_id=row.action_id, term_id=row.term_id, history=record_of[row.action_id]
            )
            for row in publics
        ]
    )

    lines, steps, notes, documents = [], [], [], []
    for fiche, action in written:
        lines += [services.fill_funding_line(FundingLine(action=action), data) for data in fiche.funding]
        steps += [
            Step(action=action, title=title.strip()[:300], is_done=done, position=rank)
            for rank, (title, done) in enumerate(fiche.steps)
        ]
        notes += [
            FollowUpNote(action=action, noted_on=day or today, text=text.strip(), author=author)
            for day, text in fiche.follow_ups
        ]
        documents += [
            ActionLink(action=action, title=(title.strip() or url.strip())[:300], url=url.strip())
            for title, url in fiche.links
        ]
    for model, objects in ((FundingLine, lines), (Step, steps), (FollowUpNote, notes)):
        created = model.objects.bulk_create(objects)
        model.history.bulk_history_create(created, default_user=author, default_date=now)
    ActionLink.objects.bulk_create(documents)


def _count_details(result: ImportResult, fiche: ParsedFiche) -> None:
    result.funding_lines += len(fiche.funding)
    result.steps += len(fiche.steps)
    result.follow_ups += len(fiche.follow_ups)
    result.links += len(fiche.links)


def _write_sections(contract, preview: ImportPreview, marked: set[str], result: ImportResult) -> dict:
    existing: dict[tuple, Section] = {}
    for section in contract.sections.all().order_by("position", "pk"):
        existing.setdefault((section.parent_id, fold(section.title)), section)
    written: dict[str, Section] = {}
    for node in preview.sections:
        parent = written.get(node.parent_key) if node.parent_key else None
        section = existing.get((parent.pk if parent else None, fold(node.title)))
        if section is not None:
            result.sections_reused += 1
            if node.key in marked and not section.is_mental_health_volet:
                data = SectionData.of(section)
                data.is_mental_health_volet = True
                section = services.save_section(contract, data, section=section)
        else:
            kind = SectionKind.AXIS if parent is None else SectionKind.SUB_AXIS
            section = services.save_section(
                contract,
                SectionData(
                    title=node.title,
                    number=node.number,
                    kind=kind,
                    parent=parent,
                    is_mental_health_volet=node.key in marked,
                ),
            )
            result.sections_created += 1
            existing[(section.parent_id, fold(section.title))] = section
        if node.key in marked:
            result.mental_health_axes.append(section.label)
        written[node.key] = section
    return written


def _delete_empty_sections(contract, used: set[int]) -> int:
    deleted = 0
    changed = True
    while changed:
        changed = False
        for section in contract.sections.exclude(pk__in=used):
            if section.children.exists() or Action.objects.alive().filter(section=section).exists():
                continue
            services.delete_section(section)
            deleted += 1
            changed = True
    return deleted


# --- Export ---------------------------------------------------------------------------------------------

#: Row 2 of TeT's template (« modele-import-pa.xlsx »), exactly, then the columns of TeT's newer files
#: that carry what the template has no place for.
TEMPLATE_HEADERS = [
    ("axis", "Axe (x)", "Champ texte"),
    ("sub_axis", "Sous-axe (x.x)", "Champ texte"),
    ("sub_sub_axis", "Sous-sous axe (x.x.x)", "Champ texte"),
    ("title", "Titre de la fiche action", "Champ texte"),
    ("sub_title", "Titre de la sous-action", "Champ texte non importé"),
    ("description", "Descriptif", "Champ texte "),
    ("governance", "Instances de gouvernance", "Champ texte"),
    ("objectives", "Objectifs", "Champ texte"),
    ("indicators_text", "Indicateurs liés", "Champ texte non importé\n🟢 Clé pour le pilotage"),
    ("operator", "Structure pilote", "Champ texte\n(séparateur virgule)"),
    ("means", "Moyens humains et techniques", "Champ texte"),
    ("partners", "Partenaires ", "Champ texte\n(séparateur virgule)"),
    ("pilot_service", "Direction ou service pilote", "Champ texte\n(séparateur virgule)"),
    ("pilot_name", "Personne pilote", "Champ texte 🟢 Clé pour le pilotage\n(séparateur virgule)"),
    ("elected_referent", "Élu·e référent·e ", "Champ texte 🟢 Clé pour le pilotage\n(séparateur virgule)"),
    ("participation", "Participation Citoyenne", "Champ liste déroulante \n(choix prédéfinis)"),
    ("funding_note", "Financements", "Champ texte libre"),
    ("funder1", "Financeur 1", "Champ texte\n(séparateur virgule)"),
    ("amount1", "Montant € HT", "Champ numérique"),
    ("funder2", "Financeur 2", "Champ texte\n(séparateur virgule)"),
    ("amount2", "Montant € HT", "Champ numérique"),
    ("funder3", "Financeur 3", "Champ texte\n(séparateur virgule)"),
    ("amount3", "Montant € HT", "Champ numérique"),
    ("budget", "Budget prévisionnel total € HT", "Champ numérique"),
    ("status", "Statut ", "Champ liste déroulante 🟢 Clé pour le pilotage\n(choix prédéfinis)"),
    ("priority", "Niveau de priorité", "Champ liste déroulante 🟢 Clé pour le pilotage\n(choix prédéfinis)"),
    ("starts_on", "Date de début", "Champ date"),
    ("ends_on", "Date de fin", "Champ date"),
    ("is_continuous", "Action en amélioration continue", "Champ binaire"),
    ("related_measures", "Mesures liées", "Champ texte non importé"),
    ("related_text", "Actions liées", "Champ texte non importé"),
    ("follow_up", "Notes", "Champ texte non importé"),
    ("links", "Documents et liens", "Champ texte non importé"),
]
EXTRA_HEADERS = [
    ("calendar", "Calendrier", "Champ texte libre"),
    ("related_plans_text", "Fiches des plans liées", "Champ texte non importé"),
    ("steps", "Etapes de la fiche action", "Champ texte non importé"),
    ("notes", "Notes complémentaires", "Champ texte"),
    ("expected_results", "Résultats attendus", "Champ texte"),
    ("publics", "Cibles", "Champ texte\n(séparateur virgule)"),
]
EXPORT_COLUMNS = TEMPLATE_HEADERS + EXTRA_HEADERS
#: Row 1 of the template: group titles (column number, text), and its merged ranges.
GROUPS = [
    (1, "Présentation de l’action"),
    (8, "Objectifs et indicateurs"),
    (10, "Acteurs"),
    (17, "Modalités de mise en oeuvre "),
    (30, "Actions liées"),
    (34, "Compléments (fichiers Territoires en Transitions récents)"),
]
MERGED = ["H1:I1", "J1:P1"]

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


def _euros(amount: Decimal) -> str:
    text = f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",")
    return (text[:-3] if text.endswith(",00") else text) + " €"


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
        detail = " ; ".join(f"{label} : {_euros(planned)}" for label, planned in others)
        total = sum((planned for _, planned in others), Decimal(0))
        note = "\n".join(filter(None, [note, f"Autres financements ({_euros(total)}) : {detail}"]))
    cells["funding_note"] = note
    return cells


def _link_line(link) -> str:
    if not link.url:
        return link.title
    return link.url if link.title == link.url else f"{link.title} : {link.url}"


def _action_cells(action: Action) -> dict:
    cells = {
        key: getattr(action, key)
        for key in (
            *TEXT_KEYS,
            "operator",
            "partners",
            "pilot_service",
            "elected_referent",
            "calendar",
            "notes",
            "budget",
            "starts_on",
            "ends_on",
        )
    }
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
        f"{note.noted_on:%d/%m/%Y} : {note.text}"
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
        progress.plan_actions(contract, user)
        .select_related("pilot_user", "section")
        .prefetch_related(
            "publics",
            "funding",
            "links",
            # Linked fiches as the user may see them: a confidential one is not named to outsiders.
            Prefetch("linked", queryset=progress.plan_actions(contract, user).only("pk", "number", "title")),
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
    for column, text in GROUPS:
        _put(ws, 1, column, text)
        ws.cell(1, column).font = Font(bold=True, color="FFFFFFFF")
    for column in range(1, len(EXPORT_COLUMNS) + 1):
        ws.cell(1, column).fill = _GROUP_FILL
    for rng in MERGED:
        ws.merge_cells(rng)
    for column, (_, header, kind) in enumerate(EXPORT_COLUMNS, start=1):
        _put(ws, 2, column, header)
        _put(ws, 3, column, kind)
        ws.cell(2, column).font = bold
        ws.cell(2, column).fill = _HEADER_FILL
        ws.cell(3, column).alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(column)].width = 40 if column in (4, 6, 8) else 22
    ws.freeze_panes = "E4"
    positions = {key: column for column, (key, _, _) in enumerate(EXPORT_COLUMNS, start=1)}

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
