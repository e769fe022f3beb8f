"""Exports of the registry: CSV (with its Frictionless Table Schema), GeoJSON, and the contrats de ville
layer of the registry map.

One list of columns (``COLUMNS``) defines the CSV header, the records of the JSON API and of the GeoJSON
properties, and the Table Schema, so that they cannot drift apart.

The CSV is UTF-8 with a byte order mark and ``;`` as separator: that is what Excel expects in a French
locale (with ``,`` it puts every row in one cell, and without the BOM it misreads accents). Dates are
ISO 8601 (``2024-03-01``), booleans ``true``/``false``, an empty cell is a missing value.
"""

import datetime
import json
from dataclasses import dataclass

import shapely
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from santelocale.contracts.enums import ContractKind, Status, StatusGroup
from santelocale.observatory.coverage import city_contracts_geography
from santelocale.territories import geo
from santelocale.territories.enums import ZOOM_TOLERANCE, Level, Zoom
from santelocale.territories.models import Boundary, Perimeter
from santelocale.territories.services import union_contour
from santelocale.utils.iterables import chunked
from santelocale.utils.shapes import without_slivers
from santelocale.utils.spreadsheet import spreadsheet_csv

SCHEMA_NAME = "registre-cls-clsm"
PORTEUR_SEPARATOR = " | "
INSEE_PATTERN = r"[0-9][0-9AB][0-9]{3}"


@dataclass(frozen=True)
class Column:
    """One column of the registry export, as a Table Schema field."""

    name: str
    type: str
    title: str
    description: str
    format: str = "default"
    required: bool = False
    enum: tuple = ()
    unique: bool = False
    minimum: int | None = None
    pattern: str = ""

    def as_field(self) -> dict:
        """Return the Table Schema field descriptor."""
        constraints = {}
        if self.required:
            constraints["required"] = True
        if self.unique:
            constraints["unique"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if self.pattern:
            constraints["pattern"] = self.pattern
        descriptor = {
            "name": self.name,
            "type": self.type,
            "format": self.format,
            "title": self.title,
            "description": self.description,
        }
        if constraints:
            descriptor["constraints"] = constraints
        return descriptor


def _date(name: str, title: str, description: str) -> Column:
    return Column(name, "date", title, description + " (AAAA-MM-JJ).")


COLUMNS = [
    Column(
        "public_id",
        "string",
        "Identifiant",
        "Identifiant public et stable du contrat sur la plateforme.",
        format="uuid",
        required=True,
        unique=True,
    ),
    Column(
        "kind",
        "string",
        "Type",
        "CLS : contrat local de santé ; CLSM : conseil local de santé mentale.",
        required=True,
        enum=tuple(ContractKind.values),
    ),
    Column(
        "name",
        "string",
        "Nom",
        "Nom du contrat ; s’il commence par =, +, - ou @, il est précédé d’une apostrophe (protection des "
        "tableurs contre l’injection de formules).",
        required=True,
    ),
    Column(
        "status",
        "string",
        "Statut (code)",
        "Étape de la vie du contrat : "
        + ", ".join(f"{value} ({label.lower()})" for value, label in Status.choices)
        + ".",
        required=True,
        enum=tuple(Status.values),
    ),
    Column(
        "status_label",
        "string",
        "Statut",
        "Statut en clair ; un contrat en cours dont la date de fin est passée est dit « à échéance, "
        "à réactiver ».",
        required=True,
    ),
    Column(
        "family",
        "string",
        "Famille",
        "Famille de la carte : PROJECT (en projet), ACTIVE (signé, en vigueur), ENDED (achevé ou à "
        "réactiver, y compris un contrat en cours dont la date de fin est passée).",
        required=True,
        enum=tuple(StatusGroup.values),
    ),
    Column("region_code", "string", "Code de la région", "Code INSEE de la région de l’ARS.", required=True),
    Column("region_name", "string", "Région", "Nom de la région de l’ARS.", required=True),
    Column(
        "department_code", "string", "Code du département", "Code INSEE du département (délégation de l’ARS)."
    ),
    Column("department_name", "string", "Département", "Nom du département (délégation de l’ARS)."),
    Column(
        "generation",
        "integer",
        "Génération",
        "1 pour un premier contrat, 2 pour son renouvellement, etc. ; vide quand les sources ne la "
        "donnent pas.",
        minimum=1,
    ),
    Column(
        "renews_public_id",
        "string",
        "Contrat renouvelé",
        "Identifiant du contrat de la génération précédente, s’il figure dans cet export.",
        format="uuid",
    ),
    _date("launched_on", "Lancement", "Date de lancement de la démarche"),
    _date("signed_on", "Signature", "Date de signature"),
    _date("starts_on", "Début de validité", "Premier jour de validité"),
    _date("ends_on", "Fin de validité", "Dernier jour de validité"),
    Column(
        "population",
        "integer",
        "Population du périmètre",
        "Somme des populations légales (COG 2026) des communes du périmètre.",
        required=True,
        minimum=0,
    ),
    Column(
        "commune_count", "integer", "Nombre de communes", "Communes du périmètre.", required=True, minimum=0
    ),
    Column(
        "commune_codes",
        "string",
        "Communes (codes INSEE)",
        "Codes INSEE (COG 2026) des communes du périmètre, séparés par une espace.",
        pattern=f"{INSEE_PATTERN}( {INSEE_PATTERN})*",
    ),
    Column(
        "porteurs",
        "string",
        "Collectivités porteuses",
        f"Noms des collectivités porteuses, séparés par « {PORTEUR_SEPARATOR.strip()} » (apostrophe en tête "
        "comme pour le nom).",
    ),
    Column(
        "published",
        "boolean",
        "Publié",
        "true quand le contrat est public ; false pour un brouillon visible des seules parties prenantes.",
        required=True,
    ),
    Column("url", "string", "Page", "Adresse de la page du contrat.", format="uri", required=True),
]
COLUMN_NAMES = [column.name for column in COLUMNS]


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _commune_codes(perimeter_ids: list[int]) -> dict[int, list[str]]:
    through = Perimeter.communes.through
    codes: dict[int, list[str]] = {}
    for chunk in chunked(sorted(set(perimeter_ids))):
        rows = through.objects.filter(perimeter_id__in=chunk).values_list("perimeter_id", "commune_id")
        for perimeter_id, code in rows:
            codes.setdefault(perimeter_id, []).append(code)
    return codes


def registry_records(contracts, *, base_url: str, today: datetime.date | None = None) -> list[dict]:
    """Return one record per contract (keys: ``COLUMN_NAMES``; missing values ``None``), in order.

    ``contracts`` is the registry queryset (``services.registry``); ``base_url`` makes page addresses
    absolute (``https://example.org``). The renewed contract is named only when it is in ``contracts``
    too, so that the export's foreign key always resolves.
    """
    today = today or timezone.localdate()
    contracts = list(contracts)
    exported = {contract.pk for contract in contracts}
    codes = _commune_codes([contract.perimeter_id for contract in contracts])
    records = []
    for contract in contracts:
        department = contract.department
        renews = contract.renews if contract.renews_id in exported else None
        records.append(
            {
                "public_id": str(contract.public_id),
                "kind": contract.kind,
                "name": contract.name,
                "status": contract.status,
                "status_label": contract.status_display(today),
                "family": str(contract.group(today).value),
                "region_code": contract.region_id,
                "region_name": contract.region.name,
                "department_code": department.code if department else None,
                "department_name": department.name if department else None,
                "generation": contract.generation,
                "renews_public_id": str(renews.public_id) if renews else None,
                "launched_on": _iso(contract.launched_on),
                "signed_on": _iso(contract.signed_on),
                "starts_on": _iso(contract.starts_on),
                "ends_on": _iso(contract.ends_on),
                "population": contract.perimeter.population,
                "commune_count": contract.perimeter.commune_count,
                "commune_codes": " ".join(sorted(codes.get(contract.perimeter_id, []))) or None,
                "porteurs": PORTEUR_SEPARATOR.join(sorted(org.name for org in contract.porteurs.all()))
                or None,
                "published": contract.is_published,
                "url": base_url + contract.get_absolute_url(),
            }
        )
    return records


def _csv_value(value):
    """Booleans as the Table Schema writes them; the rest as is (``utils.spreadsheet`` makes cells safe)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def registry_csv(records: list[dict]) -> str:
    """Return the CSV text of ``records`` for spreadsheets (see ``utils.spreadsheet``)."""
    rows = ([_csv_value(record[name]) for name in COLUMN_NAMES] for record in records)
    return spreadsheet_csv(COLUMN_NAMES, rows)


def table_schema() -> dict:
    """Return the Frictionless Table Schema (https://specs.frictionlessdata.io/table-schema/) of the CSV."""
    return {
        "name": SCHEMA_NAME,
        "title": "Registre des contrats locaux de santé (CLS) et conseils locaux de santé mentale (CLSM)",
        "description": (
            "Une ligne par contrat visible de la personne qui télécharge (le public voit les contrats "
            "publiés). Fichier CSV en UTF-8 avec BOM, séparateur point-virgule, guillemets doubles, fins de "
            "ligne CRLF ; cellule vide = valeur manquante. Géographie : COG 2026."
        ),
        "fields": [column.as_field() for column in COLUMNS],
        "missingValues": [""],
        "primaryKey": ["public_id"],
        "foreignKeys": [
            {"fields": ["renews_public_id"], "reference": {"resource": "", "fields": ["public_id"]}}
        ],
    }


# --- GeoJSON ------------------------------------------------------------------------------------------


def display_geometry(text: str, zoom: str) -> dict:
    """Return a GeoJSON contour ready for the maps: slivers removed, simplified and rounded for ``zoom``."""
    shape = without_slivers(shapely.from_geojson(text))
    tolerance = ZOOM_TOLERANCE[Zoom(zoom)]
    if tolerance:
        shape = shapely.simplify(shape, tolerance, preserve_topology=True)
    precision = 0.0001 if zoom == Zoom.HIGH else 0.001
    return json.loads(shapely.to_geojson(shapely.set_precision(shape, precision)))


def _simplified_contours(perimeters: dict[int, str], zoom: str) -> dict[int, dict | None]:
    """Return each perimeter's contour as a GeoJSON geometry simplified for ``zoom`` (cached per perimeter
    version; ``None`` for a perimeter without contour). ``perimeters`` maps id → version (public UUID and
    update time: an id may be reused by SQLite after a deletion, a UUID never is)."""
    keys = {pk: f"observatory:perimeter:v2:{version}:{zoom}" for pk, version in perimeters.items()}
    found = cache.get_many(list(keys.values()))
    result = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in perimeters if pk not in result]
    fresh = {}
    for chunk in chunked(missing, 500):
        for pk, text in Perimeter.objects.filter(pk__in=chunk).values_list("pk", "geometry"):
            geometry = display_geometry(text, zoom) if text else None
            result[pk] = geometry
            fresh[keys[pk]] = geometry
    if fresh:
        cache.set_many(fresh)
    return result


def registry_geojson(contracts, records: list[dict], *, zoom: str = Zoom.MEDIUM) -> bytes:
    """Return a FeatureCollection: one feature per contract, with the export's record (plus
    ``family_label``) as properties and its perimeter's contour for the maps (``display_geometry``:
    ``high`` is not simplified further), ``null`` for a perimeter without contour."""
    contracts = list(contracts)
    stamps = {
        c.perimeter_id: f"{c.perimeter.public_id}:{c.perimeter.updated_at.isoformat()}" for c in contracts
    }
    contours = _simplified_contours(stamps, zoom)
    labels = dict(StatusGroup.choices)
    features = [
        {
            "type": "Feature",
            "id": record["public_id"],
            "properties": {**record, "family_label": labels[record["family"]]},
            "geometry": contours.get(contract.perimeter_id),
        }
        for contract, record in zip(contracts, records, strict=True)
    ]
    collection = {
        "type": "FeatureCollection",
        "metadata": {"count": len(features), "zoom": zoom, "source": "registre Santé Locale, COG 2026"},
        "features": features,
    }
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


def city_contract_layer(region_code: str = "", zoom: str = Zoom.MEDIUM) -> bytes:
    """Return the contrats de ville of a région (or of France) as a FeatureCollection, cached per bundle
    version: the CGET perimeter where the bundle has one, else the union of the contract's communes."""

    def build() -> bytes:
        contracts = [c for c in city_contracts_geography() if not region_code or c.region == region_code]
        props = {
            c.slug: {
                "code": c.code,
                "nom": c.name,
                "url": reverse("territories:detail", args=[Level.CITY_CONTRACT, c.slug]),
                "role": "contrat-de-ville",
            }
            for c in contracts
        }
        with_contour = set(
            Boundary.objects.filter(level=Level.CITY_CONTRACT, code__in=list(props)).values_list(
                "code", flat=True
            )
        )
        features = geo.boundary_features(
            Level.CITY_CONTRACT, {k: v for k, v in props.items() if k in with_contour}, zoom
        )
        for contract in contracts:
            if contract.slug in with_contour:
                continue
            contour, _bbox = union_contour(sorted(contract.communes))
            if not contour:
                continue  # no commune known (a contract still in project in the ANCT file)
            features.append(
                {
                    "type": "Feature",
                    "properties": props[contract.slug],
                    "geometry": display_geometry(contour, zoom),
                }
            )
        return geo.feature_collection(
            features,
            niveau="contrats-de-ville",
            region=region_code,
            zoom=zoom,
            source="CGET / ANCT 2015-2020",
        )

    key = f"observatory:city-contracts:{region_code or 'france'}:{zoom}"
    return geo.cached_layer(key, build)
