"""Reading a Territoires en Transitions workbook into an ``ImportPreview`` (nothing written): the
archive checked before openpyxl opens it, the sheet and its header row found, each row read into sections,
fiches and sub-actions, every problem listed by row and column."""

import io
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
from openpyxl.utils import get_column_letter

from santelocale.plans.enums import SectionKind, Vocabulary
from santelocale.plans.models import Action, ActionLink, FollowUpNote, FundingLine, Section, Step, Term
from santelocale.plans.services import FundingData
from santelocale.plans.tet.columns import LEVEL_KEYS, Column, column_for
from santelocale.plans.tet.convert import EXPECTED_TITLE, Bad, as_text, funder_kind, is_empty, split_number
from santelocale.plans.tet.results import ImportPreview, ParsedFiche, ParsedSection, RowError
from santelocale.utils import fr
from santelocale.utils.bounds import text_limit
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
    return {
        i: column.key
        for i, value in enumerate(row)
        if isinstance(value, str) and (column := column_for(value))
    }


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
        cells = {i: v for i, v in enumerate(values) if not is_empty(v)}
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
        self.columns: dict[int, Column] = {}
        self.headers: dict[int, str] = {}
        #: (Financeur column, its Montant column or None); their Column in ``funding_columns``
        self.funders: list[tuple[int, int | None]] = []
        self.funding_columns: dict[int, Column] = {}
        seen: set[str] = set()
        for index, value in enumerate(header):
            text = as_text(value) if not is_empty(value) else ""
            self.headers[index] = text
            column = column_for(text) if text else None
            if column is None:
                continue
            if column.into == "funding":
                if column.key == "funder":
                    self.funders.append((index, None))
                    self.funding_columns[index] = column
                elif self.funders and self.funders[-1][0] == index - 1 and self.funders[-1][1] is None:
                    self.funders[-1] = (index - 1, index)
                    self.funding_columns[index] = column
            elif column.key not in seen:
                self.columns[index] = column
                seen.add(column.key)
        self.by_key = {column.key: index for index, column in self.columns.items()}
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
            RowError(row=row, column=self.header(column), value=as_text(value), expected=expected)
        )

    def fits(self, row: int, column, text: str, model, name: str, what: str, *, quote: bool = False) -> bool:
        """Whether ``text`` fits the column ``model.name`` is stored in; if not, the row's error naming
        ``what`` (« une étape ») and the limit. Nothing is ever cut: a cut text would be stored as if whole.
        ``quote`` adds the text's beginning, to find which item of a cell is meant."""
        limit = text_limit(model, name)
        if len(text) <= limit:
            return True
        message = f"{what} dépasse {limit} caractères ({len(text)})"
        if quote:
            message += f" : « {text[:60].rstrip()}… »"
        self.preview.errors.append(
            RowError(row=row, column=self.header(column) if column is not None else "", message=message + ".")
        )
        return False

    # Sections --------------------------------------------------------------------------------------

    def levels(self, row: int, cells: dict) -> list[tuple[str, str]] | None:
        levels = []
        ok = True
        for key in LEVEL_KEYS:
            index = self.by_key.get(key)
            if index is None or is_empty(cells.get(index)):
                continue
            text = as_text(cells[index])
            parts = text.split(" > ") if key == "sub_sub_axis" else [text]
            for part in parts:
                if not part.strip():
                    continue
                number, title = split_number(part)
                limit = text_limit(Section, "title")
                if len(title) > limit:
                    self.error(row, key, part, f"un intitulé d’axe de {limit} caractères au plus")
                    ok = False
                ok = self.fits(row, key, number, Section, "number", "le numéro d’axe", quote=True) and ok
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
        if is_empty(raw_title):
            if set(cells) <= level_indexes and levels is not None:
                self.section_for(row, levels)  # a row that only declares axes
                return
            self.error(row, "title", "", EXPECTED_TITLE)
            return
        if levels is None:
            return
        section = self.section_for(row, levels)
        number, title = split_number(as_text(raw_title))
        fiche_key = (section.key if section else None, fold(as_text(raw_title)))
        is_sub = not is_empty(raw_sub)
        if is_sub:
            sub_number, sub_title = split_number(as_text(raw_sub))
            target = ParsedFiche(row=row, title=sub_title, number=sub_number)
            self.check_title(row, "sub_title", raw_sub, sub_number, sub_title)
        else:
            target = ParsedFiche(row=row, title=title, number=number)
            self.check_title(row, "title", raw_title, number, title)
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
                self.check_title(row, "title", raw_title, number, title)
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

    def check_title(self, row: int, key: str, raw, number: str, title: str) -> None:
        limit = text_limit(Action, "title")
        if len(title) > limit:
            self.error(row, key, raw, f"un titre de {limit} caractères au plus (ici {len(title)})")
        self.fits(row, key, number, Action, "number", "le numéro de la fiche", quote=True)

    def read_fields(self, row: int, cells: dict, fiche: ParsedFiche) -> None:
        values = fiche.values
        notes: list[str] = []
        for index, column in self.columns.items():
            raw = cells.get(index)
            if is_empty(raw) or column.converter is None:
                continue
            try:
                value = column.converter(raw)
            except Bad as bad:
                self.error(row, index, raw, bad.expected)
                continue
            self.keep(row, index, column, raw, value, fiche, notes)
        start, end = values.get("starts_on"), values.get("ends_on")
        if start and end and end < start:
            self.error(
                row,
                "ends_on",
                cells.get(self.by_key["ends_on"]),
                f"une date de fin postérieure à la date de début ({fr.short_date(start)})",
            )
        year = start.year if start and 2000 <= start.year <= 2100 else None
        for funder_index, amount_index in self.funders:
            raw_name = cells.get(funder_index)
            name = self.funding_columns[funder_index].converter(raw_name) if not is_empty(raw_name) else ""
            raw_amount = cells.get(amount_index) if amount_index is not None else None
            if not name and is_empty(raw_amount):
                continue
            planned = Decimal(0)
            if not is_empty(raw_amount):
                try:
                    planned = self.funding_columns[amount_index].converter(raw_amount)
                except Bad as bad:
                    self.error(row, amount_index, raw_amount, bad.expected)
                    continue
            comment = ""
            if amount_index is not None and "ttc" in fold(self.headers.get(amount_index, "")).split():
                comment = "Montant TTC"
            if not self.fits(row, funder_index, name, FundingLine, "funder_name", "le nom du financeur"):
                continue
            fiche.funding.append(
                FundingData(
                    funder_kind=funder_kind(name),
                    funder_name=name,
                    planned=planned,
                    year=year,
                    comment=comment,
                )
            )
        for index, value in cells.items():
            if index in self.known:
                continue
            notes.append(f"{self.header(index)} : {as_text(value)}")
            if index not in self.warned_extras:
                self.warned_extras.add(index)
                self.preview.warnings.append(
                    f"Colonne « {self.header(index)} » non reconnue : son contenu est gardé dans les notes "
                    "de chaque fiche."
                )
        if notes:
            values["notes"] = "\n".join(filter(None, [values.get("notes", ""), *notes]))
        if "notes" in values:
            # The notes gather the « Notes complémentaires » column and what has no field of its own.
            what = "le texte" if not notes else "le texte des notes (avec les colonnes sans champ propre)"
            self.fits(row, self.by_key.get("notes"), values["notes"], Action, "notes", what)

    def keep(self, row: int, index: int, column: Column, raw, value, fiche: ParsedFiche, notes: list) -> None:
        """Put ``value``, read from ``raw`` in ``column``, where the column says (``Column.into``), each
        text checked against the model field that will store it."""
        if column.into == "values":
            fiche.values[column.key] = value
            if isinstance(value, str) and column.key != "notes":  # notes: checked once complete
                self.fits(row, index, value, Action, column.key, "le texte")
            notice = column.notice(raw, value) if column.notice else ""
            if notice:
                self.preview.warnings.append(f"Ligne {row}, colonne « {self.header(index)} » : {notice}")
        elif column.into == "steps":
            for title, done in value:
                if self.fits(row, index, title, Step, "title", "une étape", quote=True):
                    fiche.steps.append((title, done))
        elif column.into == "links":
            for title, url in value:
                # A link without a title is shown by its address: that label is cut, as ``add_link`` does.
                titled = title == url or self.fits(
                    row, index, title, ActionLink, "title", "l’intitulé d’un document", quote=True
                )
                if self.fits(row, index, url, ActionLink, "url", "une adresse", quote=True) and titled:
                    fiche.links.append((title, url))
        elif column.into == "follow_ups":
            for day, text in value:
                if self.fits(row, index, text, FollowUpNote, "text", "une note de suivi", quote=True):
                    fiche.follow_ups.append((day, text))
        elif column.into == "publics":
            self.read_publics(value, fiche, notes)
        elif column.into == "notes":
            notes.append(f"{self.header(index)} : {value}")
        else:
            raise ValueError(f"Column {column.key}: unknown destination « {column.into} »")

    def read_publics(self, text: str, fiche: ParsedFiche, notes: list[str]) -> None:
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
    texts = [as_text(v) for v in cells.values()]
    if texts and all(fold(t).startswith("champ") for t in texts):
        return "type"
    first = fold(texts[0]) if texts else ""
    title = fold(as_text(cells.get(reader.by_key["title"])))
    if first.startswith("si vos") or title.startswith("texte court de 300 caracteres"):
        return "help"
    if len(cells) == 1 and reader.by_key["title"] not in cells:
        return "marker"
    return "data"


def _is_template_example(cells: dict, reader: _Reader) -> bool:
    axis = fold(as_text(cells.get(reader.by_key.get("axis", -1))))
    title = fold(as_text(cells.get(reader.by_key["title"])))
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
                preview.warnings.append(f"Ligne {row} ignorée : « {as_text(next(iter(cells.values())))} ».")
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
