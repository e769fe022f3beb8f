"""The columns of a Territoires en Transitions workbook, each declared once: the reader recognises a column
by its title or one of its variants and reads its cells with its converter; the exporter writes the same
columns, in the same order, with their titles and field types.

A column's ``into`` says where what its converter gives goes in a ``ParsedFiche``:

- ``"values"``: the fiche field of the column's key (``ActionData``), checked against the model field's
  length, and written back by the export from that field;
- ``"steps"``, ``"links"``, ``"follow_ups"``: items added to the fiche's list of that name;
- ``"publics"``: labels matched against the « publics » list;
- ``"notes"``: a line « <colonne> : <valeur> » of the fiche's notes;
- ``"funding"``: a Financeur N / Montant pair, read together into a funding line;
- ``"level"`` and ``"title"``: the structure of the plan (axes, fiche and sub-action titles), read by the
  reader itself (no converter).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from santelocale.plans.tet.convert import (
    american_notice,
    as_amount,
    as_bool,
    as_day,
    as_follow_ups,
    as_links,
    as_list,
    as_participation,
    as_priority,
    as_status,
    as_steps,
    as_text,
)
from santelocale.utils.text import fold

#: Row 3 of TeT's template: the field types, as the template words them.
TEXT = "Champ texte"
LIST = "Champ texte\n(séparateur virgule)"
FREE_TEXT = "Champ texte libre"
NOT_IMPORTED = "Champ texte non importé"
KEY = "🟢 Clé pour le pilotage"
CHOICE = "Champ liste déroulante 🟢 Clé pour le pilotage\n(choix prédéfinis)"
NUMBER = "Champ numérique"
DATE = "Champ date"
BINARY = "Champ binaire"


@dataclass(frozen=True)
class Column:
    """One column of a TeT workbook."""

    #: what the column fills: the ``ActionData`` field for ``into="values"``
    key: str
    #: its title in TeT's template (exactly, trailing space included: the export writes it)
    header: str
    #: the template's field type (row 3), written by the export
    kind: str = TEXT
    #: cell → value; raises ``convert.Bad`` with what was expected. None: read by the reader itself
    converter: Callable[[Any], Any] | None = None
    #: where the value goes (see the module's docstring)
    into: str = "values"
    #: other titles TeT's files use for it
    variants: tuple[str, ...] = ()
    #: a title matching this (folded, from its start) is this column too: « Financeur 2 », « Montant € TTC »
    pattern: str = ""
    #: (raw cell, value) → a warning about how the cell was read, or ""
    notice: Callable[[Any, Any], str] | None = None
    #: the n-th Financeur / Montant column of the template
    slot: int = 0
    #: the title of the group of columns this one opens (row 1 of the template)
    group: str = ""


def _text(key, header, kind=TEXT, **options) -> Column:
    return Column(key, header, kind, as_text, **options)


def _list(key, header, kind=LIST, **options) -> Column:
    return Column(key, header, kind, as_list, **options)


def _funding(slot: int) -> tuple[Column, Column]:
    return (
        Column(
            "funder",
            f"Financeur {slot}",
            LIST,
            as_list,
            into="funding",
            pattern=r"financeur\s*\d*$",
            slot=slot,
        ),
        Column("amount", "Montant € HT", NUMBER, as_amount, into="funding", pattern="montant", slot=slot),
    )


#: TeT's import template (« modele-import-pa.xlsx »), in its order, with its titles and field types.
TEMPLATE_COLUMNS = (
    Column("axis", "Axe (x)", into="level", variants=("Axe",), group="Présentation de l’action"),
    Column("sub_axis", "Sous-axe (x.x)", into="level", variants=("Sous-axe", "Sous axe")),
    Column(
        "sub_sub_axis", "Sous-sous axe (x.x.x)", into="level", variants=("Sous-sous-axe", "Sous-sous axe")
    ),
    Column(
        "title",
        "Titre de la fiche action",
        into="title",
        variants=("Titre de l'action", "Titre de l’action", "Titre de la fiche", "Titre", "Fiche action"),
    ),
    Column("sub_title", "Titre de la sous-action", NOT_IMPORTED, into="title", variants=("Sous-action",)),
    _text("description", "Descriptif", "Champ texte ", variants=("Description",)),
    _text("governance", "Instances de gouvernance"),
    _text("objectives", "Objectifs", group="Objectifs et indicateurs"),
    _text("indicators_text", "Indicateurs liés", f"{NOT_IMPORTED}\n{KEY}"),
    _list("operator", "Structure pilote", group="Acteurs"),
    _text("means", "Moyens humains et techniques"),
    _list("partners", "Partenaires "),
    _list("pilot_service", "Direction ou service pilote", variants=("Service-département-pôle pilote",)),
    _list(
        "pilot_name",
        "Personne pilote",
        f"{TEXT} {KEY}\n(séparateur virgule)",
        variants=("Personnes pilotes",),
    ),
    _list(
        "elected_referent",
        "Élu·e référent·e ",
        f"{TEXT} {KEY}\n(séparateur virgule)",
        variants=("Élu référent", "Élus référents"),
    ),
    Column(
        "participation",
        "Participation Citoyenne",
        "Champ liste déroulante \n(choix prédéfinis)",
        as_participation,
    ),
    _text("funding_note", "Financements", FREE_TEXT, group="Modalités de mise en oeuvre "),
    *_funding(1),
    *_funding(2),
    *_funding(3),
    Column(
        "budget",
        "Budget prévisionnel total € HT",
        NUMBER,
        as_amount,
        variants=("Budget prévisionnel total € TTC",),
        pattern="budget previsionnel",
    ),
    Column("status", "Statut ", CHOICE, as_status),
    Column("priority", "Niveau de priorité", CHOICE, as_priority, variants=("Priorité",)),
    Column("starts_on", "Date de début", DATE, as_day, notice=american_notice),
    Column(
        "ends_on",
        "Date de fin",
        DATE,
        as_day,
        variants=("Date de fin prévisionnelle",),
        notice=american_notice,
    ),
    Column("is_continuous", "Action en amélioration continue", BINARY, as_bool),
    _text("related_measures", "Mesures liées", NOT_IMPORTED, group="Actions liées"),
    _text("related_text", "Actions liées", NOT_IMPORTED, variants=("Fiches liées",)),
    Column(
        "follow_up", "Notes", NOT_IMPORTED, as_follow_ups, into="follow_ups", variants=("Notes de suivi",)
    ),
    Column("links", "Documents et liens", NOT_IMPORTED, as_links, into="links"),
)
#: The columns of TeT's newer files that carry what the template has no place for (exported after it).
EXTRA_COLUMNS = (
    _text(
        "calendar", "Calendrier", FREE_TEXT, group="Compléments (fichiers Territoires en Transitions récents)"
    ),
    _text(
        "related_plans_text", "Fiches des plans liées", NOT_IMPORTED, variants=("Actions des plans liées",)
    ),
    Column(
        "steps",
        "Etapes de la fiche action",
        NOT_IMPORTED,
        as_steps,
        into="steps",
        variants=("Etapes de l'action", "Étapes de l’action", "Étapes"),
    ),
    _text("notes", "Notes complémentaires"),
    _text("expected_results", "Résultats attendus"),
    Column("publics", "Cibles", LIST, as_text, into="publics"),
)
#: Columns of TeT's files read into the fiche's notes, not exported (no field of their own).
NOTE_COLUMNS = (
    _text("theme", "Thématique principale", into="notes", variants=("Thématique",)),
    _text("sub_themes", "Sous-thématiques", into="notes"),
)
#: What the export writes, in order.
EXPORT_COLUMNS = TEMPLATE_COLUMNS + EXTRA_COLUMNS
#: Every column the reader knows.
COLUMNS = EXPORT_COLUMNS + NOTE_COLUMNS
#: The axis levels, from the top.
LEVEL_KEYS = tuple(column.key for column in COLUMNS if column.into == "level")

_BY_FOLDED = {fold(name): column for column in COLUMNS for name in (column.header, *column.variants)}
_PATTERNS = [(re.compile(column.pattern), column) for column in COLUMNS if column.pattern]


def column_for(header: str) -> Column | None:
    """The column a title names: its title or a variant (without accents, case or punctuation), or a title
    matching a column's pattern; None for an unknown title."""
    folded = fold(header)
    if not folded:
        return None
    if folded in _BY_FOLDED:
        return _BY_FOLDED[folded]
    return next((column for pattern, column in _PATTERNS if pattern.match(folded)), None)
