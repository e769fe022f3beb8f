"""The columns of a Territoires en Transitions workbook that the importer knows."""

import re
from dataclasses import dataclass

from santelocale.utils.text import fold


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    variants: tuple[str, ...] = ()


#: Every column the importer knows: its key, its title in TeT's template (or newer files), and the other
#: titles TeT's files use for it. Financeur N / Montant are recognised by pattern (see ``column_key``).
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
#: Comma-separated lists, kept as « a, b, c ».
LIST_KEYS = ("operator", "partners", "pilot_service", "pilot_name", "elected_referent")


def column_key(header: str) -> str | None:
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
