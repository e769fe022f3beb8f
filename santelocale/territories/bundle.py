"""Load the project's data bundle (``data/``, built by ``scripts/build_bundle.py``) into the database.

Every file is checked against ``data/MANIFEST.json`` (SHA-256) and parsed before anything is written; the
load then runs in one transaction, so a missing or corrupt file leaves the database as it was. Loading the
same bundle twice changes nothing (territories are upserted by code).
"""

import gzip
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Sum

from santelocale.territories.enums import Level
from santelocale.territories.models import (
    Boundary,
    CityContract,
    Commune,
    DataRelease,
    Dataset,
    Department,
    Epci,
    PriorityNeighbourhood,
    Region,
)
from santelocale.utils.iterables import chunked
from santelocale.utils.text import search_text

BATCH = 2000


class BundleError(Exception):
    """The bundle cannot be loaded; the message (French) says which file and why."""


@dataclass
class Bundle:
    """The parsed content of ``data/``, validated but not yet written."""

    version: str
    counts: dict
    regions: list
    departements: list
    communes: list
    epci: list
    qpv: list
    city_contracts: list
    sources: list
    qpv_columns: list
    boundaries: dict = field(default_factory=dict)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read_json(data_dir: Path, name: str):
    path = data_dir / name
    try:
        raw = path.read_bytes()
        if name.endswith(".gz"):
            raw = gzip.decompress(raw)
        return json.loads(raw)
    except FileNotFoundError as exc:
        raise BundleError(f"Fichier manquant : {path}") from exc
    except (OSError, EOFError, ValueError) as exc:
        raise BundleError(f"Fichier illisible ou corrompu : {path} ({exc})") from exc


def read_manifest(data_dir: Path) -> tuple[str, dict, dict]:
    """Return ``(bundle_version, files, counts)`` from ``data_dir/MANIFEST.json``.

    Raises ``BundleError`` when the manifest is missing, unreadable or lacks one of these fields.
    """
    manifest = _read_json(data_dir, "MANIFEST.json")
    try:
        return manifest["bundle_version"], manifest["files"], manifest["counts"]
    except (KeyError, TypeError) as exc:
        raise BundleError(f"Manifeste incomplet : {data_dir / 'MANIFEST.json'} (champ {exc} absent)") from exc


def read_bundle(data_dir: Path, progress: Callable[[str], None] = lambda _msg: None) -> Bundle:
    """Return the bundle in ``data_dir`` after checking every file against its manifest.

    Raises ``BundleError`` (French message naming the file) for a missing manifest or file, a checksum
    mismatch, unreadable JSON or a record missing a required field.
    """
    version, files, counts = read_manifest(data_dir)
    for name, meta in sorted(files.items()):
        path = data_dir / name
        if not path.is_file():
            raise BundleError(f"Fichier manquant : {path}")
        if _sha256(path) != meta["sha256"]:
            raise BundleError(
                f"Fichier corrompu : {path} (son empreinte SHA-256 ne correspond pas au manifeste ; "
                "reconstruisez le lot avec scripts/build_bundle.py)"
            )
    progress("Empreintes vérifiées")
    bundle = Bundle(
        version=version,
        counts=counts,
        regions=_read_json(data_dir, "regions.json"),
        departements=_read_json(data_dir, "departements.json"),
        communes=_read_json(data_dir, "communes.json.gz"),
        epci=_read_json(data_dir, "epci.json"),
        qpv=_read_json(data_dir, "qpv.json"),
        city_contracts=_read_json(data_dir, "contrats_de_ville.json"),
        sources=_read_json(data_dir, "sources.json"),
        qpv_columns=_read_json(data_dir, "qpv_indicators_meta.json"),
    )
    for level, name in [
        (Level.REGION, "geo/regions.geojson"),
        (Level.DEPARTMENT, "geo/departements.geojson"),
        (Level.EPCI, "geo/epci.geojson"),
        (Level.COMMUNE, "geo/communes.geojson.gz"),
    ]:
        collection = _read_json(data_dir, name)
        try:
            bundle.boundaries[level] = [
                (f["properties"]["code"], f["geometry"]) for f in collection["features"]
            ]
        except (KeyError, TypeError) as exc:
            raise BundleError(f"Contours mal formés : {data_dir / name} ({exc})") from exc
    progress("Fichiers lus")
    return bundle


def _require(record: dict, keys: Iterable[str], source: str) -> None:
    if not isinstance(record, dict):
        raise BundleError(f"{source} : enregistrement mal formé ({str(record)[:60]!r})")
    missing = [key for key in keys if record.get(key) is None]
    if missing:
        raise BundleError(
            f"{source} : enregistrement {record.get('code', '?')!r} sans le champ {missing[0]!r}"
        )


def _upsert(model, rows: list, unique: str, fields: list[str], tick) -> None:
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        model.objects.bulk_create(chunk, update_conflicts=True, unique_fields=[unique], update_fields=fields)
        tick(len(chunk))
    # Rows no longer in the bundle, deleted in chunks: one `exclude(pk__in=…)` with every commune code would
    # pass SQLite's limit on query parameters.
    keep = {getattr(row, unique) for row in rows}
    stale = [pk for pk in model.objects.values_list("pk", flat=True) if pk not in keep]
    for chunk in chunked(stale):
        model.objects.filter(pk__in=chunk).delete()


def _boundaries(level: str, items: list[tuple[str, dict]]) -> list[Boundary]:
    return [
        Boundary(level=level, code=code, geometry=json.dumps(geometry, separators=(",", ":")))
        for code, geometry in items
    ]


def load_bundle(bundle: Bundle, bar_factory) -> DataRelease:
    """Write ``bundle`` into the database in one transaction and return the new ``DataRelease``.

    ``bar_factory(description, total)`` returns a progress bar with ``update(n)`` and ``close()``.
    Raises ``BundleError`` when records are inconsistent (unknown département, région or commune code).
    """
    with transaction.atomic():
        _load_regions_departments(bundle, bar_factory)
        _load_communes_epci(bundle, bar_factory)
        _load_qpv_city_contracts(bundle, bar_factory)
        _load_boundaries(bundle, bar_factory)
        _load_sources(bundle)
        return DataRelease.objects.create(bundle_version=bundle.version, counts=bundle.counts)


def _load_regions_departments(bundle: Bundle, bar_factory) -> None:
    bar = bar_factory("Régions et départements", len(bundle.regions) + len(bundle.departements))
    regions = []
    for row in bundle.regions:
        _require(row, ["code", "name", "zone"], "regions.json")
        regions.append(
            Region(
                code=row["code"],
                name=row["name"],
                zone=row["zone"],
                chef_lieu=row.get("chef_lieu") or "",
                search_text=search_text(row["name"], row["code"], "region"),
            )
        )
    _upsert(Region, regions, "code", ["name", "zone", "chef_lieu", "search_text"], bar.update)
    region_codes = {r.code for r in regions}
    departments = []
    for row in bundle.departements:
        _require(row, ["code", "name", "region", "zone"], "departements.json")
        if row["region"] not in region_codes:
            raise BundleError(f"departements.json : région inconnue {row['region']!r} pour {row['code']!r}")
        departments.append(
            Department(
                code=row["code"],
                name=row["name"],
                region_id=row["region"],
                zone=row["zone"],
                chef_lieu=row.get("chef_lieu") or "",
                search_text=search_text(row["name"], row["code"], "departement"),
            )
        )
    _upsert(
        Department, departments, "code", ["name", "region", "zone", "chef_lieu", "search_text"], bar.update
    )
    bar.close()


def _load_communes_epci(bundle: Bundle, bar_factory) -> None:
    bar = bar_factory("EPCI et communes", len(bundle.epci) + len(bundle.communes))
    epcis = []
    for row in bundle.epci:
        _require(row, ["siren", "name", "kind", "members"], "epci.json")
        epcis.append(
            Epci(
                siren=row["siren"],
                name=row["name"],
                kind=row["kind"],
                financing=row.get("financing") or "",
                search_text=search_text(row["name"], row["siren"], "epci", row["kind"]),
            )
        )
    _upsert(Epci, epcis, "siren", ["name", "kind", "financing", "search_text"], bar.update)
    epci_codes = {e.siren for e in epcis}
    department_codes = set(Department.objects.values_list("code", flat=True))
    communes = []
    for row in bundle.communes:
        _require(row, ["code", "name", "department", "region", "zone"], "communes.json.gz")
        if row["department"] not in department_codes:
            raise BundleError(
                f"communes.json.gz : département inconnu {row['department']!r} pour {row['code']!r}"
            )
        epci = row.get("epci")
        if epci is not None and epci not in epci_codes:
            raise BundleError(f"communes.json.gz : EPCI inconnu {epci!r} pour {row['code']!r}")
        postcodes = " ".join(row.get("postcodes") or [])
        communes.append(
            Commune(
                code=row["code"],
                name=row["name"],
                department_id=row["department"],
                region_id=row["region"],
                epci_id=epci,
                zone=row["zone"],
                siren=row.get("siren") or "",
                postcodes=postcodes,
                former_codes=" ".join(row.get("former_codes") or []),
                population=row.get("population"),
                search_text=search_text(row["name"], row["code"], row.get("siren"), postcodes),
            )
        )
    _upsert(
        Commune,
        communes,
        "code",
        [
            "name",
            "department",
            "region",
            "epci",
            "zone",
            "siren",
            "postcodes",
            "former_codes",
            "population",
            "search_text",
        ],
        bar.update,
    )
    bar.close()
    _derive_populations()


def _derive_populations() -> None:
    """Set each EPCI's, département's and région's population to the sum of its communes'."""
    for model, key in [(Epci, "epci"), (Department, "department"), (Region, "region")]:
        totals = dict(
            Commune.objects.exclude(**{f"{key}__isnull": True})
            .values_list(key)
            .annotate(total=Sum("population"))
        )
        rows = list(model.objects.all())
        for row in rows:
            row.population = totals.get(row.pk)
        model.objects.bulk_update(rows, ["population"], batch_size=BATCH)


def _load_qpv_city_contracts(bundle: Bundle, bar_factory) -> None:
    bar = bar_factory("QPV et contrats de ville", len(bundle.qpv) + len(bundle.city_contracts))
    commune_codes = set(Commune.objects.values_list("code", flat=True))
    department_codes = set(Department.objects.values_list("code", flat=True))
    epci_codes = set(Epci.objects.values_list("siren", flat=True))

    def check_communes(codes, source, code):
        unknown = sorted(set(codes) - commune_codes)
        if unknown:
            raise BundleError(f"{source} : communes inconnues {', '.join(unknown)} pour {code!r}")

    qpvs, qpv_links, qpv_boundaries = [], [], []
    for row in bundle.qpv:
        _require(row, ["code", "name", "communes", "department", "generation", "geometry"], "qpv.json")
        check_communes(row["communes"], "qpv.json", row["code"])
        indicators = row.get("indicators") or {}
        qpvs.append(
            PriorityNeighbourhood(
                code=row["code"],
                name=row["name"],
                generation=row["generation"],
                department_id=row["department"],
                population=indicators.get("pop_mun"),
                indicators=indicators,
                search_text=search_text(row["name"], row["code"], "qpv quartier prioritaire"),
            )
        )
        qpv_links += [(row["code"], commune) for commune in row["communes"]]
        qpv_boundaries.append((row["code"], row["geometry"]))
    _upsert(
        PriorityNeighbourhood,
        qpvs,
        "code",
        ["name", "generation", "department", "population", "indicators", "search_text"],
        bar.update,
    )
    through = PriorityNeighbourhood.communes.through
    through.objects.all().delete()
    through.objects.bulk_create(
        [through(priorityneighbourhood_id=qpv, commune_id=commune) for qpv, commune in qpv_links]
    )
    bundle.boundaries[Level.QPV] = qpv_boundaries

    CityContract.objects.all().delete()
    contracts, contract_links, contract_boundaries = [], [], []
    for row in _merge_split_city_contracts(bundle.city_contracts):
        _require(row, ["code", "name", "generation", "communes"], "contrats_de_ville.json")
        check_communes(row["communes"], "contrats_de_ville.json", row["code"])
        point = row.get("point") or [None, None]
        siren = row.get("epci_siren") or ""
        department = row.get("department")
        contracts.append(
            CityContract(
                code=row["code"],
                generation=row["generation"],
                name=row["name"],
                epci_siren=siren,
                epci_id=siren if siren in epci_codes else None,
                department_id=department if department in department_codes else None,
                perimeter_kind=row.get("perimeter_kind") or "",
                population=row.get("population"),
                longitude=point[0],
                latitude=point[1],
            )
        )
        contract_links.append(row["communes"])
        if row.get("geometry"):
            contract_boundaries.append((f"{row['generation']}-{row['code']}", row["geometry"]))
    created = CityContract.objects.bulk_create(contracts, batch_size=BATCH)
    if not all(c.pk for c in created):  # SQLite < 3.35 does not return primary keys
        created = list(CityContract.objects.order_by("generation", "code"))
    bar.update(len(created))
    through = CityContract.communes.through
    through.objects.bulk_create(
        [
            through(citycontract_id=contract.pk, commune_id=commune)
            for contract, communes in zip(created, contract_links, strict=True)
            for commune in communes
        ],
        batch_size=BATCH,
    )
    bundle.boundaries[Level.CITY_CONTRACT] = contract_boundaries
    bar.close()


def _merge_split_city_contracts(rows: list[dict]) -> list[dict]:
    """Merge the rows that describe the same contract (same generation and code) into one.

    The 2015–2020 contracts come from two sources: the CGET perimeters (``source`` "cget-polygones", with
    a contour and the communes inside it) and the ANCT points (``source`` "anct-points", with the
    population of the contract's quartiers, listed once per département for a contract spanning two, e.g.
    CV043 Pays d’Aix). The merged contract takes its name, contour and communes from the perimeter when
    there is one (else the communes of the ANCT EPCI), its point from ANCT, and the sum of ANCT populations.
    """
    merged: dict[tuple[str, str], dict] = {}
    for row in sorted(rows, key=lambda r: (r.get("source") != "cget-polygones", r.get("department") or "")):
        key = (row.get("generation"), row.get("code"))
        if key not in merged:
            merged[key] = dict(row)
            continue
        kept = merged[key]
        if row.get("population") is not None:
            kept["population"] = (kept.get("population") or 0) + row["population"]
        for field_name in ("point", "department", "epci_siren"):
            kept[field_name] = kept.get(field_name) or row.get(field_name)
        if not kept.get("communes"):
            kept["communes"] = row.get("communes") or []
    return sorted(merged.values(), key=lambda r: (r["generation"], r["code"]))


def _load_boundaries(bundle: Bundle, bar_factory) -> None:
    total = sum(len(items) for items in bundle.boundaries.values())
    bar = bar_factory("Contours", total)
    Boundary.objects.all().delete()
    for level, items in bundle.boundaries.items():
        for start in range(0, len(items), BATCH):
            Boundary.objects.bulk_create(_boundaries(level, items[start : start + BATCH]))
            bar.update(len(items[start : start + BATCH]))
    bar.close()


def _load_sources(bundle: Bundle) -> None:
    Dataset.objects.all().delete()
    datasets = []
    for position, row in enumerate(bundle.sources):
        _require(row, ["id", "title", "producer", "year"], "sources.json")
        datasets.append(
            Dataset(
                slug=row["id"],
                title=row["title"],
                producer=row["producer"],
                year=row["year"],
                generation=row.get("generation") or "",
                licence=row.get("licence") or "",
                licence_url=row.get("licence_url") or "",
                origin=row.get("origin") or "",
                notes=row.get("notes") or "",
                files=row.get("files") or [],
                position=position,
                columns=bundle.qpv_columns if "qpv.json" in (row.get("files") or []) else [],
            )
        )
    Dataset.objects.bulk_create(datasets)


def is_loaded(version: str) -> bool:
    """True when the latest load in the database is this bundle version."""
    latest = DataRelease.objects.order_by("-loaded_at", "-pk").first()
    return latest is not None and latest.bundle_version == version and Commune.objects.exists()
