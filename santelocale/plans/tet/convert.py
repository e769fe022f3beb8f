"""Cell converters of Territoires en Transitions workbooks: a cell's value (text, number, date, boolean, as
openpyxl reads it) → the value a fiche holds; a value that cannot be read raises ``Bad`` with what was
expected, in French. No models, no database."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from openpyxl.utils.datetime import from_excel

from santelocale.plans.enums import ActionStatus, FunderKind, Participation, Priority
from santelocale.utils import fr
from santelocale.utils.text import fold

EXPECTED_DATE = "une date JJ/MM/AAAA ou un nombre de série Excel"
EXPECTED_AMOUNT = "un montant en euros, par exemple 12500 ou 12 500"
EXPECTED_BOOL = "VRAI ou FAUX (ou Oui / Non)"
EXPECTED_TITLE = "le titre de la fiche action (obligatoire)"


class Bad(Exception):
    def __init__(self, expected: str):
        super().__init__(expected)
        self.expected = expected


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value) -> str:
    """A cell as text: numbers without a useless « .0 », dates as JJ/MM/AAAA, booleans as VRAI/FAUX."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() != datetime.time():
        return fr.short_datetime(value)
    if isinstance(value, datetime.date):
        return fr.short_date(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "").strip()


def one_line(text: str) -> str:
    return " ".join(text.split())


def as_list(value) -> str:
    """« a,b ,  c » → « a, b, c » (TeT's comma-separated fields)."""
    return ", ".join(part.strip() for part in as_text(value).split(",") if part.strip())


def _two_digit_year(year: int) -> int:
    return year + (2000 if year < 70 else 1900) if year < 100 else year


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


def as_date(value) -> tuple[datetime.date, bool]:
    """A date cell → (date, read as American?). Raises ``Bad``."""
    if isinstance(value, datetime.datetime):
        return value.date(), False
    if isinstance(value, datetime.date):
        return value, False
    if isinstance(value, bool):
        raise Bad(EXPECTED_DATE)
    if isinstance(value, int | float):
        if not 1 <= value < 2958466:
            raise Bad(EXPECTED_DATE)
        converted = from_excel(value)
        return (converted.date() if isinstance(converted, datetime.datetime) else converted), False
    text = as_text(value)
    if re.fullmatch(r"\d{4,5}(\.0+)?", text):
        return as_date(float(text))
    match = _ISO.match(text)
    if match:
        try:
            return datetime.date(*(int(g) for g in match.groups())), False
        except ValueError:
            raise Bad(EXPECTED_DATE) from None
    match = _DMY.match(text)
    if not match:
        raise Bad(EXPECTED_DATE)
    first, second, year = int(match[1]), int(match[2]), _two_digit_year(int(match[3]))
    try:
        return datetime.date(year, second, first), False
    except ValueError:
        pass
    try:
        return datetime.date(year, first, second), True
    except ValueError:
        raise Bad(EXPECTED_DATE) from None


def as_day(value) -> datetime.date:
    """A date cell → its date, between 1900 and 2200. Raises ``Bad``."""
    day, _ = as_date(value)
    if not 1900 <= day.year <= 2200:
        raise Bad(EXPECTED_DATE)
    return day


def american_notice(value, day: datetime.date) -> str:
    """What to tell about a date cell read as ``day``: empty, or that it was read as an American date."""
    if not as_date(value)[1]:
        return ""
    return (
        f"« {as_text(value)} » est lu comme une date américaine (mois/jour/année) : {fr.short_date(day)}. "
        "Vérifiez-la."
    )


_TRUE = {"vrai", "true", "oui", "yes", "1", "x"}
_FALSE = {"faux", "false", "non", "no", "0"}


def as_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    folded = fold(as_text(value))
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise Bad(EXPECTED_BOOL)


_AMOUNT_NOISE = re.compile(r"(€|euros?|eur\b|\bht\b|\bttc\b|\s|\u202f|\xa0)", re.IGNORECASE)
_AMOUNT_MAX = Decimal(10) ** 12


def as_amount(value) -> Decimal:
    if isinstance(value, bool):
        raise Bad(EXPECTED_AMOUNT)
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
    else:
        cleaned = _AMOUNT_NOISE.sub("", as_text(value))
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", cleaned):
            cleaned = cleaned.replace(".", "")
        cleaned = cleaned.replace(",", ".")
        try:
            amount = Decimal(cleaned)
        except InvalidOperation:
            raise Bad(EXPECTED_AMOUNT) from None
    if not amount.is_finite():
        raise Bad(EXPECTED_AMOUNT)
    if amount < 0:
        raise Bad("un montant positif ou nul")
    if amount >= _AMOUNT_MAX:
        raise Bad("un montant inférieur à mille milliards d’euros")
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Choice:
    """The converter of a column holding one value of ``enum``: its labels, its values and ``aliases``
    (other words TeT's files use), read without accents or case."""

    def __init__(self, enum, aliases: dict[str, str]):
        self.enum = enum
        self.table = {fold(label): value for value, label in enum.choices}
        self.table.update({fold(value): value for value in enum.values})
        self.table.update({fold(k): v for k, v in aliases.items()})

    def __call__(self, value) -> str:
        folded = fold(as_text(value))
        if folded in self.table:
            return self.table[folded]
        labels = ", ".join(f"« {label} »" for label in self.enum.labels)
        raise Bad(f"l’une des valeurs {labels}")


as_status = Choice(
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
as_priority = Choice(
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
as_participation = Choice(
    Participation,
    {
        "Coconstruction": Participation.CO_CONSTRUCTION,
        "Aucune": Participation.NONE,
        "Pas de participation": Participation.NONE,
    },
)


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
    text = one_line(text)
    for pattern in (_WITH_PREFIX, _BARE):
        match = pattern.match(text)
        if match and match["title"].strip():
            return match[1].rstrip("."), match["title"].strip()
    return "", text


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


def split_links(text: str) -> list[tuple[str, str]]:
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


def split_steps(text: str) -> list[tuple[str, bool]]:
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


def split_follow_ups(text: str) -> list[tuple[datetime.date | None, str]]:
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


def as_steps(value) -> list[tuple[str, bool]]:
    """« Étapes » → (title, done) pairs, one per line (see ``split_steps``)."""
    return split_steps(as_text(value))


def as_links(value) -> list[tuple[str, str]]:
    """« Documents et liens » → (title, url) pairs (see ``split_links``)."""
    return split_links(as_text(value))


def as_follow_ups(value) -> list[tuple[datetime.date | None, str]]:
    """« Notes (de suivi) » → (date or None, text) notes (see ``split_follow_ups``)."""
    return split_follow_ups(as_text(value))
