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
and the content of an unknown column is kept in the fiche's notes (« <colonne> : <valeur> »). Nothing is
cut either: a text longer than the model field that would store it (a step over 300 characters…) is an
error of its row and column, naming the limit. A file with any problem is refused as a whole, with every
problem listed by row and column; nothing is written.

The package: ``columns`` (each column declared once: titles, converter, field type), ``convert`` (cell →
value), ``results`` (the preview, its errors, the import's result), ``reader`` (workbook → preview),
``importer`` (preview → plan), ``exporter`` (plan → workbook).
"""

from santelocale.plans.tet.columns import COLUMNS, EXPORT_COLUMNS, TEMPLATE_COLUMNS, Column
from santelocale.plans.tet.convert import funder_kind, split_number
from santelocale.plans.tet.exporter import export_plan
from santelocale.plans.tet.importer import apply_import
from santelocale.plans.tet.reader import EMPTY_RUN, MAX_BYTES, MAX_ROWS, parse_workbook
from santelocale.plans.tet.results import (
    ImportPreview,
    ImportResult,
    ParsedFiche,
    ParsedSection,
    RowError,
    preview_from_json,
    preview_to_json,
)

__all__ = [
    "COLUMNS",
    "EMPTY_RUN",
    "EXPORT_COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "TEMPLATE_COLUMNS",
    "Column",
    "ImportPreview",
    "ImportResult",
    "ParsedFiche",
    "ParsedSection",
    "RowError",
    "apply_import",
    "export_plan",
    "funder_kind",
    "parse_workbook",
    "preview_from_json",
    "preview_to_json",
    "split_number",
]
