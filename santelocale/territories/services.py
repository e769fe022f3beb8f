"""Business rules of the territories app: search, perimeters.

Each service that writes runs in one transaction and takes keyword-only arguments.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import shapely
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.urls import reverse

from santelocale.territories.enums import Level, Zoom
from santelocale.territories.models import (
    Boundary,
    CityContract,
    Commune,
    Dataset,
    Department,
    Epci,
    Perimeter,
    PriorityNeighbourhood,
    Region,
)
from santelocale.utils import fr
from santelocale.utils.bounds import column_problems
from santelocale.utils.iterables import chunked
from santelocale.utils.shapes import without_slivers
from santelocale.utils.text import fold, search_words

SEARCH_LEVELS = [Level.REGION, Level.DEPARTMENT, Level.EPCI, Level.COMMUNE, Level.QPV]
SEARCH_LEVEL_CHOICES = [(str(level), level.label) for level in SEARCH_LEVELS]
PERIMETER_LEVELS = [Level.COMMUNE, Level.EPCI, Level.DEPARTMENT, Level.QPV]
MODELS = {
    Level.REGION: Region,
    Level.DEPARTMENT: Department,
    Level.EPCI: Epci,
    Level.COMMUNE: Commune,
    Level.QPV: PriorityNeighbourhood,
}
#: How many candidates of each kind are ranked before the best ones are kept.
_CANDIDATES = 200


@dataclass(frozen=True)
class SearchResult:
    """One territory found by ``search_territories``."""

    level: str
    code: str
    name: str
    context: str
    population: int | None
    url: str
    rank: tuple = field(compare=False, repr=False, default=())
    #: short facts other apps add (« CLS en vigueur »): ``label_results``
    badges: list[str] = field(compare=False, default_factory=list)

    @property
    def level_label(self) -> str:
        return Level(self.level).label


def _context(obj) -> str:
    if isinstance(obj, Commune):
        epci = f" · {obj.epci.name}" if obj.epci_id else ""
        return f"{obj.department.name} ({obj.department_id}){epci}"
    if isinstance(obj, Department):
        return obj.region.name
    if isinstance(obj, Epci):
        return obj.get_kind_display()
    if isinstance(obj, PriorityNeighbourhood):
        return f"QPV {obj.generation} · {obj.department.name}"
    return obj.get_zone_display()


def search_territories(query: str, *, levels=None, limit: int = 20) -> list[SearchResult]:
    """Return up to ``limit`` territories matching ``query``, best first.

    Matching ignores case, accents and punctuation ("saint etienne" finds Saint-Étienne), and each word
    of the query must start a word of the name, or be an INSEE code, SIREN or postcode. Exact names and
    codes rank first, then names that start with the query, then the most populous. An empty query
    returns no result.
    """
    words = search_words(query)
    if not words:
        return []
    folded = " ".join(words)
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=f" {word}")
    results = []
    for level in levels or SEARCH_LEVELS:
        model = MODELS[level]
        queryset = model.objects.filter(condition)
        if level == Level.COMMUNE:
            queryset = queryset.select_related("department", "epci")
        elif level in {Level.DEPARTMENT, Level.QPV}:
            queryset = queryset.select_related("region" if level == Level.DEPARTMENT else "department")
        for obj in queryset.order_by("-population")[:_CANDIDATES]:
            name = fold(obj.name)
            code = str(obj.pk).lower()
            if folded in {name, code}:
                closeness = 0
            elif name.startswith(folded):
                closeness = 1
            else:
                closeness = 2
            results.append(
                SearchResult(
                    level=level,
                    code=str(obj.pk),
                    name=obj.name,
                    context=_context(obj),
                    population=obj.population,
                    url=obj.get_absolute_url(),
                    rank=(closeness, -(obj.population or 0), name),
                )
            )
    results.sort(key=lambda result: result.rank)
    return results[:limit]


class PerimeterError(ValueError):
    """A perimeter cannot be saved; ``messages`` lists every problem in French."""

    def __init__(self, messages: list[str], unknown: list[str] | None = None):
        super().__init__(" ; ".join(messages))
        self.messages = messages
        self.unknown = unknown or []


_CODE_PATTERNS = [
    (Level.QPV, re.compile(r"^Q[PN][0-9A-Z]{6,8}$")),
    (Level.EPCI, re.compile(r"^\d{9}$")),
    (Level.COMMUNE, re.compile(r"^(\d{5}|2[AB]\d{3})$")),
    (Level.DEPARTMENT, re.compile(r"^(\d{2,3}|2[AB])$")),
]


def parse_components(values: list[str]) -> list[dict]:
    """Turn ``"kind:code"`` values (form fields, ``?ajouter=`` links) into components, dropping repeats."""
    components, seen = [], set()
    for value in values:
        if value in seen:
            continue
        seen.add(value)
        kind, _, code = value.partition(":")
        components.append({"kind": kind, "code": code})
    return components


def parse_codes(text: str) -> list[dict]:
    """Turn pasted codes (commas, spaces, semicolons or new lines) into perimeter components.

    The kind is guessed from the shape of each code: 5 characters an INSEE commune code, 9 digits an EPCI
    SIREN, 2–3 characters a département, ``QP…``/``QN…`` a QPV. A code of no known shape is kept with kind
    ``"?"`` so that the caller reports it.
    """
    components = []
    for token in re.split(r"[\s,;]+", text.strip().upper()):
        if not token:
            continue
        kind = next((level for level, pattern in _CODE_PATTERNS if pattern.match(token)), "?")
        components.append({"kind": str(kind), "code": token})
    return components


@dataclass
class ResolvedPerimeter:
    """What a list of components amounts to: its communes, labels and population."""

    components: list[dict]
    commune_codes: list[str]
    population: int


def resolve_components(components: list[dict]) -> ResolvedPerimeter:
    """Return the communes that ``components`` cover (a commune chosen twice counts once).

    Raises ``PerimeterError`` listing every unknown code (``"commune 99999"``) when any is unknown.
    """
    wanted: dict[str, set[str]] = {str(level): set() for level in PERIMETER_LEVELS}
    unknown, unrecognised = [], []
    for component in components:
        kind, code = str(component.get("kind", "")), str(component.get("code", "")).strip().upper()
        if kind not in wanted or not code:
            unrecognised.append(f"{code or '(vide)'} (type de territoire non reconnu)")
            continue
        wanted[kind].add(code)
    labelled = []
    communes: set[str] = set()
    for level in PERIMETER_LEVELS:
        codes = wanted[str(level)]
        if not codes:
            continue
        found = {
            str(pk): name
            for chunk in chunked(sorted(codes))
            for pk, name in MODELS[level].objects.filter(pk__in=chunk).values_list("pk", "name")
        }
        unknown += [f"{Level(level).label.lower()} {code}" for code in sorted(codes - found.keys())]
        labelled += [
            {"kind": str(level), "label": Level(level).label, "code": code, "name": found[code]}
            for code in sorted(found)
        ]
        if level == Level.COMMUNE:
            communes |= found.keys()
        elif level == Level.EPCI:
            communes |= set(Commune.objects.filter(epci_id__in=found).values_list("code", flat=True))
        elif level == Level.DEPARTMENT:
            communes |= set(Commune.objects.filter(department_id__in=found).values_list("code", flat=True))
        else:
            communes |= set(
                PriorityNeighbourhood.communes.through.objects.filter(
                    priorityneighbourhood_id__in=found
                ).values_list("commune_id", flat=True)
            )
    unknown += unrecognised
    if unknown:
        raise PerimeterError([f"Codes inconnus : {', '.join(unknown)}."], unknown=unknown)
    population = sum(
        population or 0
        for chunk in chunked(sorted(communes))
        for population in Commune.objects.filter(pk__in=chunk).values_list("population", flat=True)
    )
    return ResolvedPerimeter(components=labelled, commune_codes=sorted(communes), population=population)


def union_contour(commune_codes: list[str]) -> tuple[str, list[float]]:
    """Return the GeoJSON contour (and bounding box) of the union of these communes' contours.

    Communes with no contour in the bundle (overseas collectivities) are left out; with none at all the
    result is ``("", [])``. The gaps between neighbouring communes' contours (slivers) are not kept as holes.
    """
    texts = [
        text
        for chunk in chunked(commune_codes)
        for text in Boundary.objects.filter(level=Level.COMMUNE, code__in=chunk).values_list(
            "geometry", flat=True
        )
    ]
    if not texts:
        return "", []
    merged = without_slivers(shapely.union_all(shapely.make_valid(shapely.from_geojson(texts))))
    merged = shapely.set_precision(merged.simplify(0.0005, preserve_topology=True), 0.0001)
    return shapely.to_geojson(merged), [round(value, 4) for value in merged.bounds]


def delete_refusal(perimeter: Perimeter) -> str:
    """Why ``perimeter`` cannot be deleted now (French), or ``""`` when it can."""
    count = perimeter.contracts.count()
    if not count:
        return ""
    used_by = "1 contrat l’utilise" if count == 1 else f"{count} contrats l’utilisent"
    return (
        f"Ce périmètre ne peut pas être supprimé : {used_by}. Donnez-leur d’abord un autre périmètre "
        "(chaque contrat garde le sien)."
    )


@transaction.atomic
def delete_perimeter(perimeter: Perimeter) -> None:
    """Delete ``perimeter``. Refuses (``PerimeterError``, naming how many) a perimeter that contracts use:
    a contract keeps its perimeter, so it must be given another one first."""
    if refusal := delete_refusal(perimeter):
        raise PerimeterError([refusal])
    try:
        perimeter.delete()
    except ProtectedError:  # a contract chose it in the meantime
        raise PerimeterError([delete_refusal(perimeter)]) from None


@transaction.atomic
def save_perimeter(
    *, name: str, components: list[dict], user, organisation=None, description: str = "", perimeter=None
) -> Perimeter:
    """Create a perimeter (or update ``perimeter``) from its components and return it.

    A new perimeter belongs to ``organisation``, by default its author's home organisation (see
    ``User.home_organisation``); an updated one keeps its organisation.

    Population and contour are derived from the resolved communes. Refuses (``PerimeterError``, nothing
    written) an empty name, no component, or any unknown code, listing all the unknown codes.
    """
    problems = []
    name = (name or "").strip()
    if not name:
        problems.append("Donnez un nom au périmètre.")
    if not components:
        problems.append("Ajoutez au moins un territoire (commune, EPCI, département ou QPV).")
    problems += column_problems(Perimeter, {"name": name, "description": description or ""})
    if problems:
        raise PerimeterError(problems)
    resolved = resolve_components(components)
    geometry, bbox = union_contour(resolved.commune_codes)
    if perimeter is None:
        author = user if user and user.is_authenticated else None
        if organisation is None and author is not None:
            organisation = author.home_organisation()
        perimeter = Perimeter(created_by=author, organisation=organisation)
    perimeter.name = name
    perimeter.description = description
    perimeter.components = resolved.components
    perimeter.population = resolved.population
    perimeter.commune_count = len(resolved.commune_codes)
    perimeter.geometry = geometry
    perimeter.bbox = bbox
    perimeter.save()
    # Through rows are written directly: `communes.set()` would query with one parameter per commune, past
    # SQLite's limit for a région-sized perimeter.
    through = Perimeter.communes.through
    through.objects.filter(perimeter=perimeter).delete()
    through.objects.bulk_create(
        [through(perimeter=perimeter, commune_id=code) for code in resolved.commune_codes], batch_size=2000
    )
    return perimeter


@dataclass
class Table:
    """A list shown on a territory page: a title, column headers and rows of (text, url) cells."""

    title: str
    columns: list[str]
    rows: list[list[tuple[str, str | None]]]
    caption_note: str = ""
    empty_text: str = "Aucun."


class Fact(NamedTuple):
    """One line of a territory's facts: a label, its value and where it leads (or None)."""

    label: str
    value: str
    url: str | None


@dataclass
class TerritoryPage:
    """Everything a territory page shows, computed here so that the template only lays it out (and the API
    returns as it is: ``territories.api.TerritoryOut``)."""

    obj: object
    level: str
    code: str
    title: str
    kind_label: str
    facts: list[Fact]
    tables: list[Table]
    map_url: str
    map_zoom: str
    perimeter_component: str | None
    source_note: str


#: Tables that apps above this one add at the top of a territory page, each ``provider(territory, user)``
#: returning a list of ``Table`` (the contracts covering it: ``contracts.reading``). Territories sit below
#: contracts (docs/architecture.md, « Layers »): they cannot ask for them, the contracts app offers them.
TerritoryTables = Callable[[object, object], list[Table]]
_TABLE_PROVIDERS: list[TerritoryTables] = []


def register_territory_tables(provider: TerritoryTables) -> TerritoryTables:
    """Add ``provider`` to what a territory page shows first (once, however often it is registered)."""
    if provider not in _TABLE_PROVIDERS:
        _TABLE_PROVIDERS.append(provider)
    return provider


def tables_from_apps(territory, user) -> list[Table]:
    """The tables the registered providers give for ``territory`` as ``user`` may see it."""
    return [table for provider in _TABLE_PROVIDERS for table in provider(territory, user)]


#: Badges that apps above this one put on search results, each ``provider(results, user)`` returning
#: ``{(level, code): [badge, …]}`` (the contracts covering a commune: ``contracts.reading``).
ResultBadges = Callable[[list, object], dict[tuple[str, str], list[str]]]
_BADGE_PROVIDERS: list[ResultBadges] = []


def register_result_badges(provider: ResultBadges) -> ResultBadges:
    """Add ``provider`` to what labels search results (once, however often it is registered)."""
    if provider not in _BADGE_PROVIDERS:
        _BADGE_PROVIDERS.append(provider)
    return provider


def label_results(results: list[SearchResult], user) -> list[SearchResult]:
    """Put on each result the badges the registered providers give it for ``user``; returns ``results``."""
    by_key = {(result.level, result.code): result for result in results}
    for provider in _BADGE_PROVIDERS:
        for key, badges in provider(results, user).items():
            if key in by_key:
                by_key[key].badges.extend(badges)
    return results


def get_territory(level: str, code: str):
    """Return the territory of ``level`` with ``code``, or raise ``LookupError`` whose message says so in
    French (unknown level or code): the page's 404 and the API's 404 both show it."""
    if level == Level.CITY_CONTRACT:
        generation, _, contract_code = code.partition("-")
        obj = CityContract.objects.filter(generation=generation, code=contract_code).first()
    elif level in MODELS:
        obj = MODELS[Level(level)].objects.filter(pk=code.upper() if level != Level.QPV else code).first()
    else:
        obj = None
    if obj is None:
        kind = Level(level).label.lower() if level in Level.values else "inconnu"
        raise LookupError(f"Aucun territoire « {code} » de niveau « {kind} ».")
    return obj


def _fmt(number) -> str:
    return "non disponible" if number is None else fr.number(number, 0)


def _commune_rows(communes) -> list[list[tuple[str, str | None]]]:
    return [
        [(c.name, c.get_absolute_url()), (c.code, None), (_fmt(c.population), None)]
        for c in communes.only("code", "name", "population").order_by("-population", "name")
    ]


def communes_of(obj):
    """Return the queryset of the current communes making up a territory or a perimeter."""
    if isinstance(obj, Commune):
        return Commune.objects.filter(pk=obj.pk)
    if isinstance(obj, (PriorityNeighbourhood, CityContract, Perimeter)):
        return obj.communes.all()
    key = {Region: "region", Department: "department", Epci: "epci"}[type(obj)]
    return Commune.objects.filter(**{key: obj})


def qpvs_in(obj):
    """Return the QPV lying in (or being) a territory or a perimeter."""
    if isinstance(obj, PriorityNeighbourhood):
        return PriorityNeighbourhood.objects.filter(pk=obj.pk)
    return PriorityNeighbourhood.objects.filter(communes__in=communes_of(obj)).distinct().order_by("code")


#: Where the figures of a territory's page come from (the packages and files of data/, docs/data.md). The
#: communes' populations are INSEE's « populations de référence » dated 1 January 2023, in force since
#: 1 January 2026 (published in December 2025; INSEE statistiques 8680726, the page the COG 2026 package
#: cites), except Mayotte's, from its 2017 census (INSEE statistiques 3291775, cited likewise).
POPULATION_YEAR = "INSEE, population au 1er janvier 2023"
MAYOTTE_POPULATION_YEAR = "INSEE, recensement de Mayotte 2017"
MAYOTTE = "976"
QPV_SOURCE = "INSEE / ANCT, indicateurs 2015–2017"
SOURCE_NOTES = {
    "territory": "Découpage administratif COG 2026 (INSEE, DGCL) ; populations INSEE au 1er janvier 2023 "
    "(en vigueur au 1er janvier 2026 ; Mayotte : recensement 2017) ; contours IGN 2018 simplifiés.",
    "qpv": "Quartier prioritaire de 2015 et ses indicateurs : INSEE / ANCT (2015–2017), via Toulouse "
    "DataViz ; contour ANCT.",
    "city_contract": "Contrat de ville 2015–2020 : périmètre CGET / ANCT, population des quartiers publiée "
    "par l’ANCT (2024) ; communes rattachées d’après les contours IGN 2018 (COG 2026).",
}


def _in_mayotte(obj) -> bool:
    if isinstance(obj, Commune):
        return obj.department_id == MAYOTTE
    if isinstance(obj, Department):
        return obj.code == MAYOTTE
    if isinstance(obj, Region):
        return obj.departments.filter(code=MAYOTTE).exists()
    return obj.communes.filter(department_id=MAYOTTE).exists()  # an EPCI


def population_label(obj, what: str = "Population") -> str:
    """« Population (INSEE, population au 1er janvier 2023) » for a commune, an EPCI, a département or a
    région, with Mayotte's own source."""
    return f"{what} ({MAYOTTE_POPULATION_YEAR if _in_mayotte(obj) else POPULATION_YEAR})"


def _qpv_table(obj) -> Table:
    qpvs = qpvs_in(obj).select_related("department")
    return Table(
        title="Quartiers prioritaires de la politique de la ville (QPV)",
        columns=["Quartier", "Code", "Génération", f"Population municipale du quartier ({QPV_SOURCE})"],
        rows=[
            [(q.name, q.get_absolute_url()), (q.code, None), (q.generation, None), (_fmt(q.population), None)]
            for q in qpvs
        ],
        caption_note="QPV de 2015, région Occitanie seulement : la liste nationale n’est pas encore chargée.",
    )


def describe_perimeter(perimeter: Perimeter) -> list[Table]:
    """Return the lists of a perimeter's page: the QPV inside it and the contrats de ville it touches."""
    return [_qpv_table(perimeter), _city_contract_table(communes_of(perimeter))]


def _city_contract_table(communes) -> Table:
    contracts = CityContract.objects.filter(communes__in=communes).distinct().order_by("generation", "name")
    return Table(
        title="Contrats de ville",
        columns=["Contrat de ville", "Génération", "Code"],
        rows=[
            [(c.name, c.get_absolute_url()), (c.generation_label, None), (c.code, None)] for c in contracts
        ],
        caption_note="Contrats de ville 2015-2020 : périmètres CGET, ou à défaut communes de l’EPCI "
        "signataire (ANCT).",
    )


def describe_territory(obj) -> TerritoryPage:
    """Return the facts, lists and map address of a territory's page."""
    level = obj.level
    facts: list[tuple[str, str, str | None]] = []
    tables: list[Table] = []
    commune_columns = ["Commune", "Code INSEE", "Population"]
    if isinstance(obj, Commune):
        facts += [
            ("Code INSEE", obj.code, None),
            ("SIREN", obj.siren or "—", None),
            ("Codes postaux", ", ".join(obj.postcode_list) or "—", None),
            (population_label(obj), _fmt(obj.population), None),
            (
                "EPCI",
                obj.epci.name if obj.epci_id else "aucun (commune isolée)",
                obj.epci.get_absolute_url() if obj.epci_id else None,
            ),
            ("Département", str(obj.department), obj.department.get_absolute_url()),
            ("Région", obj.region.name, obj.region.get_absolute_url()),
        ]
        communes = Commune.objects.filter(pk=obj.pk)
    elif isinstance(obj, Epci):
        members = obj.communes.all()
        departments = Department.objects.filter(communes__epci=obj).distinct().order_by("code")
        facts += [
            ("SIREN", obj.siren, None),
            ("Nature juridique", obj.get_kind_display(), None),
            (population_label(obj, "Population, somme des communes"), _fmt(obj.population), None),
            ("Nombre de communes", _fmt(members.count()), None),
        ]
        facts += [("Département", str(d), d.get_absolute_url()) for d in departments]
        tables.append(Table("Communes membres", commune_columns, _commune_rows(members)))
        communes = members
    elif isinstance(obj, Department):
        communes = obj.communes.all()
        epcis = Epci.objects.filter(communes__department=obj).distinct().order_by("name")
        facts += [
            ("Code", obj.code, None),
            ("Région", obj.region.name, obj.region.get_absolute_url()),
            (population_label(obj, "Population, somme des communes"), _fmt(obj.population), None),
            ("Nombre de communes", _fmt(communes.count()), None),
            ("Nombre d’EPCI", _fmt(epcis.count()), None),
        ]
        tables.append(
            Table(
                "EPCI",
                ["EPCI", "SIREN", "Population"],
                [
                    [(e.name, e.get_absolute_url()), (e.siren, None), (_fmt(e.population), None)]
                    for e in epcis
                ],
            )
        )
        tables.append(Table("Communes", commune_columns, _commune_rows(communes)))
    elif isinstance(obj, Region):
        communes = obj.communes.all()
        departments = obj.departments.order_by("code")
        facts += [
            ("Code", obj.code, None),
            ("Zone", obj.get_zone_display(), None),
            (population_label(obj, "Population, somme des communes"), _fmt(obj.population), None),
            ("Nombre de communes", _fmt(communes.count()), None),
        ]
        tables.append(
            Table(
                "Départements",
                ["Département", "Code", "Population"],
                [
                    [(d.name, d.get_absolute_url()), (d.code, None), (_fmt(d.population), None)]
                    for d in departments
                ],
            )
        )
    elif isinstance(obj, PriorityNeighbourhood):
        communes = obj.communes.all()
        facts += [
            ("Code", obj.code, None),
            ("Génération", f"QPV {obj.generation}", None),
            (f"Population municipale du quartier ({QPV_SOURCE})", _fmt(obj.population), None),
            ("Département", str(obj.department), obj.department.get_absolute_url()),
        ]
        facts += [("Commune", c.name, c.get_absolute_url()) for c in communes.order_by("name")]
        tables.append(_indicator_table(obj))
    else:
        communes = obj.communes.all()
        facts += [
            ("Code", obj.code, None),
            ("Génération", obj.generation_label, None),
            (
                "EPCI signataire (SIREN)",
                obj.epci_siren or "—",
                obj.epci.get_absolute_url() if obj.epci_id else None,
            ),
            ("Nombre de communes rattachées", _fmt(communes.count()), None),
        ]
        if obj.population is not None:
            # As the ANCT publishes it (2024), beside the sum of the QPV listed below, which the platform
            # holds for Occitanie only: the two need not agree, and each says where it comes from.
            facts.append(("Population des quartiers (ANCT, publication 2024)", _fmt(obj.population), None))
        listed = [q.population for q in qpvs_in(obj) if q.population is not None]
        if listed:
            facts.append(
                (f"Population des quartiers listés ci-dessous ({QPV_SOURCE})", _fmt(sum(listed)), None)
            )
        tables.append(Table("Communes", commune_columns, _commune_rows(communes)))
    if not isinstance(obj, PriorityNeighbourhood):
        tables.insert(0, _qpv_table(obj))
    if not isinstance(obj, CityContract):
        tables.insert(1, _city_contract_table(communes))
    kind_label = obj.get_kind_display() if isinstance(obj, Epci) else Level(level).label
    code = obj.slug if isinstance(obj, CityContract) else str(obj.pk)
    return TerritoryPage(
        obj=obj,
        level=level,
        code=code,
        title=obj.name,
        kind_label=kind_label,
        facts=[Fact(*fact) for fact in facts],
        tables=tables,
        map_url=reverse("territories:territory_geojson", args=[level, code]),
        map_zoom={Level.REGION: Zoom.LOW, Level.DEPARTMENT: Zoom.MEDIUM}.get(level, Zoom.HIGH),
        perimeter_component=f"{level}:{code}" if level in PERIMETER_LEVELS else None,
        source_note=SOURCE_NOTES[
            {PriorityNeighbourhood: "qpv", CityContract: "city_contract"}.get(type(obj), "territory")
        ],
    )


def _indicator_table(qpv: PriorityNeighbourhood) -> Table:
    meta = {
        column["column"]: column["description"]
        for dataset in Dataset.objects.all()
        if "qpv.json" in dataset.files
        for column in dataset.columns
    }
    rows = [
        [
            (meta.get(key, key), None),
            (
                _fmt(value)
                if isinstance(value, int)
                else str(value)
                if value is not None
                else "non disponible",
                None,
            ),
        ]
        for key, value in qpv.indicators.items()
    ]
    return Table(
        "Indicateurs INSEE du quartier",
        ["Indicateur", "Valeur"],
        rows,
        caption_note="INSEE, données 2015 à 2017, via Toulouse DataViz (génération QPV 2015).",
    )
