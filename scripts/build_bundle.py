"""Rebuild the Santé Locale data bundle (``data/``) from the raw open-data sources.

The sources are the files described in ``shared/data/MANIFEST.md`` (COG 2026 from the npm package
@etalab/decoupage-administratif 6.0.0, IGN 2018 contours from france-geojson and their 2026 derivations,
QPV 2015 Occitanie from Toulouse DataViz, contrats de ville 2015 (CGET polygons) and ANCT points). Nothing is
invented: every value written to the bundle is read from those files or computed from them (spatial joins).

Usage::

    python scripts/build_bundle.py                    # sources in ../shared/data, output in ./data
    python scripts/build_bundle.py --source DIR --out DIR
    python scripts/build_bundle.py --subset-of data --departements 81,13 --out DIR  # a small test bundle

A subset bundle (``--subset-of``) is derived from an already built bundle, not from the raw sources: every
région and département with its contour, and only the communes of the listed départements with their EPCI
(members outside the subset dropped), QPV, contrats de ville and contours. Its manifest has its own counts and
version, so ``santelocale init`` tells it from the national bundle. The test suite loads such a bundle
(tests/bundle.py); the national bundle is kept for the bundle's own tests and the end-to-end tests.

Output (UTF-8, compact JSON, sorted keys, sorted rows; gzip members written with mtime=0 and no file name, so
the same input always gives byte-identical output):

    regions.json, departements.json, communes.json.gz, epci.json, qpv.json, qpv_indicators_meta.json,
    contrats_de_ville.json, sources.json, geo/regions.geojson, geo/departements.geojson, geo/epci.geojson,
    geo/communes.geojson.gz, MANIFEST.json

``MANIFEST.json`` lists every other file with its sha256 and size. ``bundle_version`` is the first 12 hex
digits of the sha256 of the text made of one line ``"<sha256>  <relative path>\\n"`` per file, sorted by
path (the ``sha256sum`` format). At the end the script prints consistency checks (expected counts, EPCI
population agreement, QPV/commune and contrat de ville/commune joins) and exits with status 1 if an
expected count does not match.

Dependencies: Python 3.11 standard library + shapely 2.x.
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import hashlib
import json
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from shapely import STRtree, make_valid, set_precision
from shapely.geometry import mapping, shape

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_OUT = REPO / "data"

PACKAGE_TGZ = "decoupage-administratif/etalab-decoupage-administratif-6.0.0.tgz"
DECIMALS = 4
# QPV → communes. The QPV file names its commune(s) in two attributes: code_commune (one INSEE code) and
# nom_commune ("commune(s) englobante(s)", e.g. "Séméac, Tarbes"). Both are used. The polygon test (share of
# the QPV area inside each 2026 commune polygon > QPV_MIN_SHARE) is computed and reported, but by default not
# used: the commune polygons are IGN 2018 contours simplified at 0.002° (they even overlap each other), and on
# this data it gives 3 false positives (the INSEE pop_com of those QPV equals the single named commune) and
# misses Séméac (4.3 % of QPV065003). Set QPV_USE_AREA_SHARE = True to add the polygon candidates anyway.
QPV_MIN_SHARE = 0.05
QPV_USE_AREA_SHARE = False
# The "centroides" file from anct-carto/ci-ville (repository state of 2024) describes the same 2015–2020
# contracts as the CGET polygons: 432 of its 434 codes are in the 2015 file, 430 with the same name, and its
# EPCI SIREN are those of 2015. Its rows carry the 2015 generation and a "source" field; the platform merges
# the two sources per code (perimeter from CGET, point and QPV population from ANCT).
CV_POINTS_GENERATION = "2015"

EXPECTED = {
    "regions": 26,
    "departements": 109,
    "communes": 34969,
    "communes_in_epci": 34871,
    "communes_without_epci": 98,
    "epci": 1255,
    "qpv": 105,
    "contrats_de_ville_2015": 431,
    "contrats_de_ville_points_anct": 434,
    "commune_geometries": 34868,
}

LICENCE_OUVERTE = "Licence Ouverte / Open Licence"
LICENCE_OUVERTE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"


# --------------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------------


def dumps(obj) -> bytes:
    """Canonical JSON encoding used for every bundle file."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def write_json(out: Path, rel: str, obj) -> None:
    """Write ``obj`` as canonical JSON to ``out/rel``; gzip (mtime 0, no name) when ``rel`` ends in .gz."""
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    data = dumps(obj)
    if rel.endswith(".gz"):
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.write_bytes(data)


def load_json(path: Path):
    """Read a JSON file (plain or .gz)."""
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return json.load(fh)
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def round_coords(coords, stats: collections.Counter):
    """Round GeoJSON coordinates to DECIMALS, dropping consecutive duplicate points created by rounding.

    Works on Point/LineString/Polygon/MultiPolygon coordinate nesting. A ring left with fewer than 4
    points is dropped (a polygon whose exterior ring collapses is dropped as a whole); ``stats`` counts it.
    """
    if isinstance(coords[0], int | float):  # a position
        return [round(float(coords[0]), DECIMALS), round(float(coords[1]), DECIMALS)]
    if isinstance(coords[0][0], int | float):  # a ring / line string
        out = []
        for pos in coords:
            p = round_coords(pos, stats)
            if not out or out[-1] != p:
                out.append(p)
        return out
    return [round_coords(c, stats) for c in coords]


def geojson_geometry(geom, stats: collections.Counter | None = None) -> dict:
    """Re-serialise a shapely geometry (or GeoJSON dict) as a GeoJSON dict with rounded coordinates.

    If plain rounding turns a valid polygon into an invalid one (self-intersection on the 1e-4° grid), the
    geometry is snapped with shapely.set_precision instead, which keeps it valid.
    """
    stats = stats if stats is not None else collections.Counter()
    src = shape(geom) if isinstance(geom, dict) else geom
    result = _rounded_geojson(mapping(src), stats)
    if src.geom_type != "Point" and src.is_valid and not shape(result).is_valid:
        stats["snapped_with_set_precision"] += 1
        result = _rounded_geojson(mapping(set_precision(src, 10**-DECIMALS)), stats)
    return result


def _rounded_geojson(g: dict, stats: collections.Counter) -> dict:
    """Round a GeoJSON-like mapping (Point, Polygon or MultiPolygon); see round_coords."""
    kind = g["type"]
    if kind == "Point":
        return {"type": kind, "coordinates": round_coords(g["coordinates"], stats)}
    if kind not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"unexpected geometry type {kind}")
    polygons = [g["coordinates"]] if kind == "Polygon" else list(g["coordinates"])
    kept = []
    for poly in polygons:
        rings = [round_coords(ring, stats) for ring in poly]
        if len(rings[0]) < 4:
            stats["polygons_dropped"] += 1
            continue
        holes = [r for r in rings[1:] if len(r) >= 4]
        stats["holes_dropped"] += len(rings) - 1 - len(holes)
        kept.append([rings[0], *holes])
    if not kept:
        raise ValueError("geometry collapsed entirely after rounding")
    if len(kept) == 1:
        return {"type": "Polygon", "coordinates": kept[0]}
    return {"type": "MultiPolygon", "coordinates": kept}


def feature_collection(features: list[dict]) -> dict:
    """FeatureCollection with features sorted by their ``code`` property."""
    features = sorted(features, key=lambda f: f["properties"]["code"])
    return {"type": "FeatureCollection", "features": features}


def valid(geom):
    """Return a valid version of a shapely geometry (for spatial predicates only)."""
    return geom if geom.is_valid else make_valid(geom)


def load_package(source: Path) -> dict:
    """Unpack the etalab npm tarball in a temporary directory and load package/data/*.json."""
    names = ["regions", "departements", "communes", "epci"]
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(source / PACKAGE_TGZ, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.name in {f"package/data/{n}.json" for n in names}]
        tar.extractall(tmp, members=members, filter="data")
        return {n: load_json(Path(tmp) / "package" / "data" / f"{n}.json") for n in names}


# --------------------------------------------------------------------------------------------------------
# Administrative geography (COG 2026)
# --------------------------------------------------------------------------------------------------------


def build_regions(pkg: dict) -> list[dict]:
    """The 26 régions of COG 2026."""
    rows = [
        {"code": r["code"], "name": r["nom"], "zone": r["zone"], "chef_lieu": r["chefLieu"]}
        for r in pkg["regions"]
    ]
    return sorted(rows, key=lambda r: r["code"])


def build_departements(pkg: dict) -> list[dict]:
    """The 109 départements (incl. DROM and COM) of COG 2026."""
    rows = [
        {
            "code": d["code"],
            "name": d["nom"],
            "region": d["region"],
            "zone": d["zone"],
            "chef_lieu": d["chefLieu"],
        }
        for d in pkg["departements"]
    ]
    return sorted(rows, key=lambda r: r["code"])


def commune_to_epci(pkg: dict) -> dict[str, str]:
    """Map commune code → EPCI SIREN from epci.json members (a commune may appear only once)."""
    result: dict[str, str] = {}
    for e in pkg["epci"]:
        for m in e["membres"]:
            if m["code"] in result:
                raise ValueError(f"commune {m['code']} is a member of two EPCI")
            result[m["code"]] = e["code"]
    return result


def build_communes(pkg: dict) -> list[dict]:
    """Current communes (type commune-actuelle) with their EPCI (joined through epci.json members)."""
    epci_of = commune_to_epci(pkg)
    rows = []
    for c in pkg["communes"]:
        if c["type"] != "commune-actuelle":
            continue
        rows.append(
            {
                "code": c["code"],
                "name": c["nom"],
                "department": c["departement"],
                "region": c["region"],
                "zone": c["zone"],
                "siren": c.get("siren"),
                "postcodes": sorted(c.get("codesPostaux", [])),
                "population": c.get("population"),
                "epci": epci_of.get(c["code"]),
                "former_codes": sorted(c.get("anciensCodes", [])),
            }
        )
    return sorted(rows, key=lambda r: r["code"])


def build_epci(pkg: dict) -> list[dict]:
    """The 1,255 EPCI à fiscalité propre of 2026 with their member communes."""
    rows = [
        {
            "siren": e["code"],
            "name": e["nom"],
            "kind": e["type"],
            "financing": e["modeFinancement"],
            "population": e.get("populationMunicipale"),
            "population_total": e.get("populationTotale"),
            "members": sorted(m["code"] for m in e["membres"]),
        }
        for e in pkg["epci"]
    ]
    return sorted(rows, key=lambda r: r["siren"])


def check_epci_population(pkg: dict, communes: list[dict], epci: list[dict]) -> dict:
    """Compare the communes' ``population`` with the EPCI population fields (sum over members)."""
    pop = {c["code"]: c["population"] for c in communes}
    # Which EPCI-member field does communes.json "population" reproduce?
    field_match = collections.Counter()
    for e in pkg["epci"]:
        for m in e["membres"]:
            p = pop.get(m["code"])
            field_match["members"] += 1
            field_match["populationMunicipale"] += p == m.get("populationMunicipale")
            field_match["populationTotale"] += p == m.get("populationTotale")
    eq_mun = eq_tot = with_null = 0
    diffs = []
    for e in epci:
        values = [pop.get(code) for code in e["members"]]
        if any(v is None for v in values):
            with_null += 1
        total = sum(v or 0 for v in values)
        eq_mun += total == e["population"]
        eq_tot += total == e["population_total"]
        if total != e["population"]:
            diffs.append((e["siren"], e["name"], total, e["population"]))
    return {
        "field_match": dict(field_match),
        "sum_equals_populationMunicipale": eq_mun,
        "sum_equals_populationTotale": eq_tot,
        "epci_with_member_without_population": with_null,
        "differences": sorted(diffs),
    }


# --------------------------------------------------------------------------------------------------------
# Contours
# --------------------------------------------------------------------------------------------------------


def build_code_geojson(path: Path, known_codes: set[str], stats: collections.Counter) -> tuple[dict, list]:
    """FeatureCollection keeping only the ``code`` property, coordinates rounded; returns unknown codes."""
    src = load_json(path)
    features = []
    for f in src["features"]:
        code = str(f["properties"]["code"])
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code},
                "geometry": geojson_geometry(f["geometry"], stats),
            }
        )
    unknown = sorted(f["properties"]["code"] for f in features if f["properties"]["code"] not in known_codes)
    return feature_collection(features), unknown


def load_commune_shapes(source: Path) -> dict[str, object]:
    """2026 commune polygons (derived from IGN 2018) as shapely geometries keyed by commune code."""
    src = load_json(source / "geo" / "communes-2026-derive-simplifie.geojson.gz")
    return {f["properties"]["code"]: shape(f["geometry"]) for f in src["features"]}


# --------------------------------------------------------------------------------------------------------
# QPV 2015 (Occitanie)
# --------------------------------------------------------------------------------------------------------


def current_commune_code(code: str, pkg: dict) -> tuple[str | None, str]:
    """Map a commune code to a 2026 commune: itself, via anciensCodes, or via a déléguée's chefLieu."""
    if any(c["code"] == code and c["type"] == "commune-actuelle" for c in pkg["communes"]):
        return code, "current"
    for c in pkg["communes"]:
        if c["type"] == "commune-actuelle" and code in c.get("anciensCodes", []):
            return c["code"], "anciensCodes"
    for c in pkg["communes"]:
        if c["type"] in ("commune-deleguee", "commune-associee") and c["code"] == code:
            return c["chefLieu"], f"chefLieu of {c['type']}"
    return None, "unknown"


def commune_by_name(name: str, department: str, pkg: dict) -> tuple[str | None, str]:
    """Find the 2026 commune called ``name`` in ``department``: a current commune, else the chef-lieu of a
    commune déléguée/associée of that name. Raises if the name is ambiguous."""
    for kinds in (("commune-actuelle",), ("commune-deleguee", "commune-associee")):
        found = {
            c["code"] if c["type"] == "commune-actuelle" else c["chefLieu"]
            for c in pkg["communes"]
            if c["type"] in kinds and c["departement"] == department and c["nom"] == name
        }
        if len(found) > 1:
            raise ValueError(f"commune name {name!r} is ambiguous in {department}: {sorted(found)}")
        if found:
            return found.pop(), "name" if kinds[0] == "commune-actuelle" else "name of a déléguée/associée"
    return None, "unknown"


def parse_indicator(value: str, kind: str):
    """Parse a CSV indicator according to the dictionary type (entier → int, nombre rationnel → float)."""
    value = value.strip()
    if value == "":
        return None
    if kind == "entier":
        return int(value)
    if kind == "nombre rationnel":
        return float(value)
    return value


def read_csv(path: Path) -> list[dict]:
    """Read a CSV file, dropping a UTF-8 BOM."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def build_qpv(source: Path, pkg: dict, commune_shapes: dict, stats: collections.Counter):
    """QPV 2015 of Occitanie with indicators, geometry and the communes they lie in."""
    meta_rows = read_csv(source / "qpv" / "qpv2015_occitanie_indicateurs_meta.csv")
    meta = [
        {
            "column": r["colonne"],
            "description": r["description"],
            "type": r["type_valeur"],
            "example": r["exemple"],
        }
        for r in meta_rows
    ]
    types = {m["column"]: m["type"] for m in meta}
    skip = {"code_qp", "nom_qp", "nom_commune"}
    indicators = {}
    csv_rows = read_csv(source / "qpv" / "qpv2015_occitanie_indicateurs.csv")
    for r in csv_rows:
        indicators[r["code_qp"]] = {k: parse_indicator(v, types[k]) for k, v in r.items() if k not in skip}
    n_columns = len(csv_rows[0])

    codes = sorted(commune_shapes)
    tree = STRtree([commune_shapes[c] for c in codes])
    report = {"mappings": [], "multi_commune": [], "area_candidates": [], "columns_in_csv": n_columns}
    rows = []
    src = load_json(source / "qpv" / "qpv2015_occitanie.geojson")
    for f in src["features"]:
        p = f["properties"]
        geom = valid(shape(f["geometry"]))
        communes = set()
        for code in (c.strip() for c in str(p["code_commune"]).split(",")):
            mapped, how = current_commune_code(code, pkg)
            if mapped is None:
                raise ValueError(f"QPV {p['code_qp']}: commune {code} not found in COG 2026")
            if how != "current":
                report["mappings"].append((p["code_qp"], code, mapped, how))
            communes.add(mapped)
        for name in (n.strip() for n in str(p["nom_commune"]).split(",")):
            mapped, how = commune_by_name(name, p["code_departement"], pkg)
            if mapped is None:
                raise ValueError(f"QPV {p['code_qp']}: commune {name!r} not found in COG 2026")
            if how != "name":
                report["mappings"].append((p["code_qp"], name, mapped, how))
            communes.add(mapped)
        shares = {}
        for i in sorted(tree.query(geom, predicate="intersects")):
            share = geom.intersection(valid(commune_shapes[codes[i]])).area / geom.area
            if share >= 0.01:
                shares[codes[i]] = round(share, 3)
        extra = {c for c, share in shares.items() if share > QPV_MIN_SHARE} - communes
        if extra:
            report["area_candidates"].append(
                (p["code_qp"], p["nom_qp"], sorted(communes), sorted(extra), shares)
            )
        if QPV_USE_AREA_SHARE:
            communes |= extra
        if len(communes) > 1:
            report["multi_commune"].append(
                (p["code_qp"], p["nom_qp"], p["code_commune"], p["nom_commune"], shares)
            )
        rows.append(
            {
                "code": p["code_qp"],
                "name": p["nom_qp"],
                "communes": sorted(communes),
                "department": p["code_departement"],
                "generation": "2015",
                "indicators": indicators[p["code_qp"]],
                "geometry": geojson_geometry(f["geometry"], stats),
            }
        )
    missing = sorted(set(indicators) ^ {r["code"] for r in rows})
    if missing:
        raise ValueError(f"QPV without indicators or geometry: {missing}")
    return sorted(rows, key=lambda r: r["code"]), meta, report


# --------------------------------------------------------------------------------------------------------
# Contrats de ville
# --------------------------------------------------------------------------------------------------------


def decode_topojson_arcs(topo: dict) -> list[list[list[float]]]:
    """Absolute coordinates of every TopoJSON arc (delta-decoded and scaled when a transform is present)."""
    transform = topo.get("transform")
    if not transform:
        return [[[float(x), float(y)] for x, y, *_ in arc] for arc in topo["arcs"]]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            points.append([x * sx + tx, y * sy + ty])
        arcs.append(points)
    return arcs


def topojson_ring(indexes: list[int], arcs: list) -> list[list[float]]:
    """Stitch arcs into a ring; index ~i means arc i reversed; shared end points are not repeated."""
    ring: list[list[float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def topojson_geometry(geom: dict, arcs: list) -> dict:
    """Convert a TopoJSON Polygon / MultiPolygon to a GeoJSON geometry dict."""
    if geom["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [topojson_ring(r, arcs) for r in geom["arcs"]]}
    if geom["type"] == "MultiPolygon":
        return {
            "type": "MultiPolygon",
            "coordinates": [[topojson_ring(r, arcs) for r in poly] for poly in geom["arcs"]],
        }
    raise ValueError(f"unexpected TopoJSON geometry type {geom['type']}")


def build_contrats_2015(source: Path, commune_shapes: dict, stats: collections.Counter):
    """Contrats de ville 2015–2020 (CGET polygons); communes = representative point inside the polygon.

    The overseas contracts of this file are drawn as map insets placed in the Atlantic west of France (their
    polygons overlap no commune at all). Their geometry is not geographic: it is written as null, their
    communes stay empty, and their codes are returned in ``insets``.
    """
    topo = load_json(source / "contrats-de-ville" / "contrats_de_ville_2015_cget.topojson")
    arcs = decode_topojson_arcs(topo)
    codes = sorted(commune_shapes)
    shapes = [valid(commune_shapes[c]) for c in codes]
    polygon_tree = STRtree(shapes)
    point_tree = STRtree([s.point_on_surface() for s in shapes])
    rows, insets = [], []
    for obj in topo["objects"].values():
        for g in obj["geometries"]:
            p = g["properties"]
            gj = topojson_geometry(g, arcs)
            geom = valid(shape(gj))
            covered = sum(geom.intersection(shapes[i]).area for i in polygon_tree.query(geom, "intersects"))
            if covered < 0.01 * geom.area:
                insets.append(p["id"])
                inside, gj = [], None
            else:
                inside = sorted(codes[i] for i in point_tree.query(geom, predicate="intersects"))
            siren = p.get("info2")
            rows.append(
                {
                    "code": p["id"],
                    "name": p["lib"],
                    "generation": "2015",
                    "source": "cget-polygones",
                    "perimeter_kind": p["perimetre"],
                    "nb_communes": p["nbcom"],
                    "epci_siren": None if siren in (None, "", "NA") else str(siren),
                    "population": None,
                    "communes": inside,
                    "geometry": None if gj is None else geojson_geometry(gj, stats),
                }
            )
    return rows, sorted(insets)


def build_contrats_2024(source: Path, epci: list[dict], current_codes: set[str]):
    """Contrats de ville 2024 (ANCT centroids); communes from the 2026 EPCI of ``codgeo``.

    ``codgeo`` is an EPCI SIREN (9 digits) for 370 contracts and a commune INSEE code (5 characters) for 64
    (overseas communes, Paris and other Île-de-France communes); a commune code is stored as ``commune_code``
    with ``epci_siren`` null, and the contract's communes are that commune. ``pop`` is kept as ``population``;
    it looks like the population of the contract's QPV, not of its EPCI (e.g. Paris 142,981).
    """
    members = {e["siren"]: e["members"] for e in epci}
    src = load_json(source / "contrats-de-ville" / "contrats_de_ville_centroides_anct.geojson")
    rows = []
    report = {"siren_missing": [], "commune_codes": [], "commune_code_unknown": []}
    for f in src["features"]:
        p = f["properties"]
        codgeo = str(p["codgeo"])
        pop = p.get("pop")
        if pop is not None and pop != int(pop):
            raise ValueError(f"{p['code_cv']}: non-integer population {pop}")
        row = {
            "code": p["code_cv"],
            "name": p["lib_cv"],
            "generation": CV_POINTS_GENERATION,
            "source": "anct-points",
            "department": p["insee_dep"],
            "epci_siren": None,
            "commune_code": None,
            "population": None if pop is None else int(pop),
            "communes": [],
            "point": round_coords(f["geometry"]["coordinates"], collections.Counter()),
        }
        if len(codgeo) == 9:
            row["epci_siren"] = codgeo
            if codgeo in members:
                row["communes"] = members[codgeo]
            else:
                report["siren_missing"].append((p["code_cv"], codgeo, p["lib_cv"]))
        else:
            row["commune_code"] = codgeo
            report["commune_codes"].append(codgeo)
            if codgeo in current_codes:
                row["communes"] = [codgeo]
            else:
                report["commune_code_unknown"].append((p["code_cv"], codgeo, p["lib_cv"]))
        rows.append(row)
    return rows, report


# --------------------------------------------------------------------------------------------------------
# Sources registry and manifest
# --------------------------------------------------------------------------------------------------------


def build_sources() -> list[dict]:
    """Dataset registry for the "Sources et licences" page (facts from shared/data/MANIFEST.md)."""
    return [
        {
            "id": "cog-2026",
            "title": "Découpage administratif 2026 (régions, départements, communes, EPCI)",
            "producer": "INSEE (COG 2026, populations légales), DGCL (EPCI, epcicom2026), La Poste "
            "(codes postaux) ; paquet Etalab",
            "year": "2026",
            "generation": "COG 2026",
            "licence": LICENCE_OUVERTE,
            "licence_url": LICENCE_OUVERTE_URL,
            "origin": "npm @etalab/decoupage-administratif 6.0.0 (tarball sha1 "
            "0330556cf07e21fff21111e5775a316ec18b9636)",
            "files": ["communes.json.gz", "departements.json", "epci.json", "regions.json"],
            "notes": "Communes actuelles uniquement (hors déléguées, associées et arrondissements). "
            "Rattachement commune–EPCI issu de la composition des EPCI (DGCL) : 98 communes sans EPCI "
            "(îles, Mayotte, COM).",
        },
        {
            "id": "contours-ign-2018",
            "title": "Contours des régions, départements, EPCI et communes (simplifiés)",
            "producer": "IGN (ADMIN EXPRESS COG 2018), via france-geojson (Grégoire David)",
            "year": "2018",
            "generation": "contours IGN 2018, rattachés au COG 2026",
            "licence": LICENCE_OUVERTE,
            "licence_url": LICENCE_OUVERTE_URL,
            "origin": "github gregoiredavid/france-geojson, commit 5d34ee6d0140c29f785fdb047d9329f1aab58833",
            "files": [
                "geo/communes.geojson.gz",
                "geo/departements.geojson",
                "geo/epci.geojson",
                "geo/regions.geojson",
            ],
            "notes": "Contours IGN 2018 simplifiés (mapshaper), coordonnées arrondies à 4 décimales. "
            "Contours EPCI et communes 2026 dérivés des 35 357 communes de 2018 (fusion via chefLieu et "
            "anciensCodes, simplification shapely). 7 communes recréées depuis 2018 n'ont pas de contour "
            "propre (14666, 15031, 15035, 15047, 15171, 85165, 85212) : leur surface reste dans la commune "
            "qu'elles ont quittée. Pas de contour pour les COM.",
        },
        {
            "id": "qpv-2015-occitanie",
            "title": "Quartiers prioritaires de la politique de la ville (QPV) d'Occitanie et indicateurs",
            "producer": "INSEE / ANCT, via Toulouse DataViz",
            "year": "2015",
            "generation": "QPV 2015",
            "licence": None,
            "licence_url": None,
            "origin": "github ToulouseDataViz/Hackaviz2021, commit a054acb49307aba725aee67405c5b4f3860bb16d "
            "(INSEE statistiques 5359592 et 5359605, contours ANCT)",
            "files": ["qpv.json", "qpv_indicators_meta.json"],
            "notes": "Occitanie uniquement (105 quartiers), géographie prioritaire 2015. Indicateurs INSEE "
            "2015–2017. Licence non précisée par la source : à confirmer. La liste nationale (2015 ou 2024) "
            "n'est pas incluse.",
        },
        {
            "id": "contrats-de-ville-2015",
            "title": "Contrats de ville 2015–2020 (périmètres)",
            "producer": "CGET / ANCT",
            "year": "2015",
            "generation": "contrats de ville 2015-2020",
            "licence": None,
            "licence_url": None,
            "origin": "github anct-carto/superposeur, commit 03f6a495954ef55ec99f6d0d5e9f2e0363155fcd",
            "files": ["contrats_de_ville.json"],
            "notes": "431 périmètres. Les 43 contrats d'outre-mer n'ont pas de périmètre géographique dans "
            "la source (encarts cartographiques) : ni contour ni communes. Communes rattachées par point "
            "représentatif du contour communal 2026 (contours IGN 2018) situé dans le périmètre : peut "
            "différer du nombre de communes déclaré. "
            "Licence non précisée par la source : à confirmer.",
        },
        {
            "id": "contrats-de-ville-2015-points-anct",
            "title": "Contrats de ville 2015–2020 (points et population des quartiers, ANCT)",
            "producer": "ANCT",
            "year": "2024",
            "generation": "contrats de ville 2015-2020 (publication ANCT de 2024)",
            "licence": "Licence Ouverte / Open Licence 2.0",
            "licence_url": LICENCE_OUVERTE_URL,
            "origin": "github anct-carto/ci-ville, commit 7465bbcfc6be5fbf454cff9ea5f25d4a31ce5f91",
            "files": ["contrats_de_ville.json"],
            "notes": "434 contrats sous forme de points (pas de périmètre). Codes, libellés et SIREN d'EPCI "
            "identiques à ceux des contrats de ville 2015–2020 (EPCI d'avant les fusions de 2017) : "
            "172 SIREN n'existent plus en 2026 : ce fichier ne leur rattache aucune commune, la plateforme "
            "prend alors celles du périmètre CGET. Le champ pop semble être la population des QPV du "
            "contrat, pas celle de l'EPCI.",
        },
    ]


def bundle_counts(
    *,
    regions: list[dict],
    departements: list[dict],
    communes: list[dict],
    epci: list[dict],
    qpv: list[dict],
    contrats: list[dict],
    geo_sizes: dict[str, int],
) -> dict:
    """The counts a bundle's MANIFEST states, from the records written to its files and the number of
    features written to each contour layer (``geo_sizes``, by layer: regions, departements, epci, communes).
    The contrats de ville are counted by their source: CGET polygons (2015) and ANCT points."""
    return {
        "regions": len(regions),
        "departements": len(departements),
        "communes": len(communes),
        "epci": len(epci),
        "qpv": len(qpv),
        "contrats_de_ville_2015": sum(c["source"] == "cget-polygones" for c in contrats),
        "contrats_de_ville_points_anct": sum(c["source"] == "anct-points" for c in contrats),
        "commune_geometries": geo_sizes["communes"],
        "epci_geometries": geo_sizes["epci"],
        "departement_geometries": geo_sizes["departements"],
        "region_geometries": geo_sizes["regions"],
    }


def build_manifest(out: Path, rels: list[str], counts: dict) -> dict:
    """sha256/bytes of every bundle file and the bundle version derived from them."""
    files = {}
    for rel in sorted(rels):
        data = (out / rel).read_bytes()
        files[rel] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    listing = "".join(f"{files[rel]['sha256']}  {rel}\n" for rel in sorted(files))
    return {
        "bundle_version": hashlib.sha256(listing.encode("utf-8")).hexdigest()[:12],
        "files": files,
        "counts": counts,
    }


# --------------------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------------------


def print_checks(b: dict) -> int:
    """Print the consistency checks and answers; return the number of failed checks."""
    failures = 0
    print("\n== Checks ==")
    observed = dict(b["counts"])
    observed["communes_in_epci"] = sum(c["epci"] is not None for c in b["communes"])
    observed["communes_without_epci"] = sum(c["epci"] is None for c in b["communes"])
    for key, expected in EXPECTED.items():
        ok = observed[key] == expected
        failures += not ok
        print(f"  {'OK ' if ok else 'BAD'} {key}: {observed[key]} (expected {expected})")
    for layer, codes in b["unknown_geo_codes"].items():
        failures += bool(codes)
        status = "BAD" if codes else "OK "
        print(f"  {status} geo/{layer}: codes absent from COG 2026: {codes or 'none'}")
    print(f"  rounding to {DECIMALS} decimals: {dict(b['geo_stats']) or 'no ring or polygon dropped'}")

    ep = check_epci_population(b["pkg"], b["communes"], b["epci"])
    fm, n = ep["field_match"], len(b["epci"])
    print("\n== EPCI population ==")
    print(
        f"  commune 'population' == the EPCI member's populationMunicipale for "
        f"{fm['populationMunicipale']}/{fm['members']} members, populationTotale for "
        f"{fm['populationTotale']}/{fm['members']}"
    )
    print(
        f"  sum of members' commune population == EPCI populationMunicipale for "
        f"{ep['sum_equals_populationMunicipale']}/{n} EPCI (populationTotale: "
        f"{ep['sum_equals_populationTotale']}/{n}); EPCI with a member lacking population: "
        f"{ep['epci_with_member_without_population']}"
    )
    rel = sorted(abs(total - declared) / declared for _, _, total, declared in ep["differences"])
    if rel:
        print(f"  relative gap where they differ: median {rel[len(rel) // 2]:.2%}, max {rel[-1]:.2%}")
    for siren, name, total, declared in ep["differences"][:5]:
        print(f"    e.g. {siren} {name}: sum {total} vs populationMunicipale {declared}")

    qr, qpv = b["qpv_report"], b["qpv"]
    print("\n== QPV ==")
    print(f"  indicator columns kept: {len(qpv[0]['indicators'])} of {qr['columns_in_csv']} CSV columns")
    print(f"  code_commune / nom_commune mapped to another 2026 code: {qr['mappings'] or 'none'}")
    print(f"  QPV with several communes (code_commune + nom_commune): {len(qr['multi_commune'])}")
    for code, name, declared, names, shares in qr["multi_commune"]:
        print(f"    {code} {name}: code_commune {declared}, nom_commune {names!r}; area shares {shares}")
    used = "added" if QPV_USE_AREA_SHARE else "NOT added"
    print(
        f"  other communes with > {QPV_MIN_SHARE:.0%} of a QPV polygon ({used}): {len(qr['area_candidates'])}"
    )
    for code, name, named, extra, shares in qr["area_candidates"]:
        print(f"    {code} {name}: named {named}, polygon candidates {extra}; area shares {shares}")

    cv2015, cv2024, cr = b["cv2015"], b["cv2024"], b["cv_report"]
    print("\n== Contrats de ville 2015 (CGET polygons) ==")
    insets = b["cv_insets"]
    print(f"  overseas polygons drawn as insets (geometry null, communes empty): {len(insets)} {insets}")
    geographic = [r for r in cv2015 if r["code"] not in insets]
    delta = collections.Counter(len(r["communes"]) - r["nb_communes"] for r in geographic)
    print(f"  len(communes) == nbcom for {delta.get(0, 0)}/{len(geographic)} geographic contracts")
    print(f"  distribution of len(communes) - nbcom: {dict(sorted(delta.items()))}")
    print(f"  without EPCI SIREN (info2 'NA'): {sum(r['epci_siren'] is None for r in cv2015)}")
    print(f"\n== Contrats de ville, ANCT points (generation {CV_POINTS_GENERATION!r}) ==")
    by_code = {r["code"]: r for r in cv2015}
    same = [r for r in cv2024 if r["code"] in by_code]
    same_name = sum(by_code[r["code"]]["name"] == r["name"].split(" - ", 1)[-1] for r in same)
    same_siren = sum(
        r["epci_siren"] is not None and by_code[r["code"]]["epci_siren"] == r["epci_siren"] for r in same
    )
    print(
        f"  codes also among the 2015 polygons: {len(same)}/{len(cv2024)} (same name: {same_name}, same EPCI "
        f"SIREN: {same_siren})"
    )
    print(
        f"  codgeo is a SIREN: {sum(r['epci_siren'] is not None for r in cv2024)}; "
        f"SIREN absent from the 2026 EPCI list (communes left empty): {len(cr['siren_missing'])}"
    )
    for code, siren, name in cr["siren_missing"][:5]:
        print(f"    e.g. {code} {siren} {name}")
    print(
        f"  codgeo is a commune code: {len(cr['commune_codes'])}; not a current commune: "
        f"{cr['commune_code_unknown'] or 'none'}"
    )
    dup = sorted(k for k, v in collections.Counter(r["code"] for r in cv2024).items() if v > 1)
    print(f"  duplicated code_cv: {dup or 'none'}")
    return failures


# --------------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------------


def build_geo_layers(source: Path, known: dict[str, set[str]], emit) -> tuple[dict, dict, dict]:
    """Write the four contour layers; return feature counts, unknown codes per layer and rounding stats."""
    layers = {
        "regions": ("regions-avec-outre-mer.geojson", "geo/regions.geojson"),
        "departements": ("departements-avec-outre-mer.geojson", "geo/departements.geojson"),
        "epci": ("epci-2026-derive-simplifie.geojson", "geo/epci.geojson"),
        "communes": ("communes-2026-derive-simplifie.geojson.gz", "geo/communes.geojson.gz"),
    }
    stats: collections.Counter = collections.Counter()
    sizes, unknown = {}, {}
    for layer, (src_name, rel) in layers.items():
        fc, unknown[layer] = build_code_geojson(source / "geo" / src_name, known[layer], stats)
        sizes[layer] = len(fc["features"])
        emit(rel, fc)
    return sizes, unknown, stats


def subset_bundle(national: Path, out: Path, departements: set[str]) -> dict:
    """Write to ``out`` the part of bundle ``national`` lying in ``departements``; return its manifest.

    Régions and départements are all kept (records and contours); communes, their contours, EPCI with at
    least one kept member (members trimmed to the kept communes), QPV whose communes are all kept, and
    contrats de ville whose rows' communes are all kept (or, with no commune, whose département is).
    Deterministic like the full build: the same input gives byte-identical files.
    """
    written: list[str] = []

    def emit(rel: str, obj) -> None:
        write_json(out, rel, obj)
        written.append(rel)

    def read(rel: str):
        return load_json(national / rel)

    regions, departements_rows = read("regions.json"), read("departements.json")
    unknown = sorted(departements - {d["code"] for d in departements_rows})
    if unknown:
        raise SystemExit(f"unknown département code(s): {', '.join(unknown)}")
    communes = [c for c in read("communes.json.gz") if c["department"] in departements]
    kept = {c["code"] for c in communes}
    epci = []
    for row in read("epci.json"):
        members = [code for code in row["members"] if code in kept]
        if members:
            epci.append({**row, "members": members})
    kept_epci = {e["siren"] for e in epci}
    qpv = [q for q in read("qpv.json") if set(q["communes"]) <= kept]
    # A contrat de ville may have two rows (CGET perimeter, ANCT point): kept or left out together, whole.
    rows_of = collections.defaultdict(list)
    for row in read("contrats_de_ville.json"):
        rows_of[(row["generation"], row["code"])].append(row)
    contrats = []
    for rows in rows_of.values():
        codes = {code for row in rows for code in row["communes"]}
        if (codes and codes <= kept) or (
            not codes and any(r.get("department") in departements for r in rows)
        ):
            contrats += rows
    contrats.sort(key=lambda r: (r["generation"], r["code"], r.get("department") or ""))
    for rel, obj in [
        ("regions.json", regions),
        ("departements.json", departements_rows),
        ("communes.json.gz", communes),
        ("epci.json", epci),
        ("qpv.json", qpv),
        ("qpv_indicators_meta.json", read("qpv_indicators_meta.json")),
        ("contrats_de_ville.json", contrats),
        ("sources.json", read("sources.json")),
    ]:
        emit(rel, obj)
    geo_sizes = {}
    for layer, keep in [("regions", None), ("departements", None), ("epci", kept_epci), ("communes", kept)]:
        rel = f"geo/{layer}.geojson" + (".gz" if layer == "communes" else "")
        features = [f for f in read(rel)["features"] if keep is None or f["properties"]["code"] in keep]
        geo_sizes[layer] = len(features)
        emit(rel, feature_collection(features))
    counts = bundle_counts(
        regions=regions,
        departements=departements_rows,
        communes=communes,
        epci=epci,
        qpv=qpv,
        contrats=contrats,
        geo_sizes=geo_sizes,
    )
    manifest = build_manifest(out, written, counts)
    write_json(out, "MANIFEST.json", manifest)
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="raw data folder (shared/data)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="bundle folder to write (data/)")
    parser.add_argument(
        "--subset-of", type=Path, help="built bundle to take a subset of (instead of --source)"
    )
    parser.add_argument(
        "--departements", default="", help="with --subset-of: département codes, comma-separated"
    )
    args = parser.parse_args(argv)
    if args.subset_of:
        codes = {code.strip() for code in args.departements.split(",") if code.strip()}
        if not codes:
            parser.error("--subset-of needs --departements")
        manifest = subset_bundle(args.subset_of.resolve(), args.out.resolve(), codes)
        print(f"Subset bundle {manifest['bundle_version']} written to {args.out}: {manifest['counts']}")
        return 0
    source, out = args.source.resolve(), args.out.resolve()
    started = time.perf_counter()
    written: list[str] = []

    def emit(rel: str, obj) -> None:
        write_json(out, rel, obj)
        written.append(rel)

    pkg = load_package(source)
    regions, departements = build_regions(pkg), build_departements(pkg)
    communes, epci = build_communes(pkg), build_epci(pkg)
    current_codes = {c["code"] for c in communes}
    emit("regions.json", regions)
    emit("departements.json", departements)
    emit("communes.json.gz", communes)
    emit("epci.json", epci)

    known = {
        "regions": {r["code"] for r in regions},
        "departements": {d["code"] for d in departements},
        "epci": {e["siren"] for e in epci},
        "communes": current_codes,
    }
    geo_sizes, unknown, geo_stats = build_geo_layers(source, known, emit)

    commune_shapes = load_commune_shapes(source)
    qpv, qpv_meta, qpv_report = build_qpv(source, pkg, commune_shapes, geo_stats)
    emit("qpv.json", qpv)
    emit("qpv_indicators_meta.json", qpv_meta)

    cv2015, cv_insets = build_contrats_2015(source, commune_shapes, geo_stats)
    cv2024, cv_report = build_contrats_2024(source, epci, current_codes)
    contrats = sorted(cv2015 + cv2024, key=lambda r: (r["generation"], r["code"], r.get("department") or ""))
    emit("contrats_de_ville.json", contrats)
    emit("sources.json", build_sources())

    counts = bundle_counts(
        regions=regions,
        departements=departements,
        communes=communes,
        epci=epci,
        qpv=qpv,
        contrats=contrats,
        geo_sizes=geo_sizes,
    )
    write_json(out, "MANIFEST.json", build_manifest(out, written, counts))

    failures = print_checks(
        {
            "pkg": pkg,
            "counts": counts,
            "communes": communes,
            "epci": epci,
            "unknown_geo_codes": unknown,
            "geo_stats": geo_stats,
            "qpv": qpv,
            "qpv_report": qpv_report,
            "cv2015": cv2015,
            "cv2024": cv2024,
            "cv_insets": cv_insets,
            "cv_report": cv_report,
        }
    )
    total = sum((out / rel).stat().st_size for rel in [*written, "MANIFEST.json"])
    print(
        f"\nBundle written to {out}: {len(written) + 1} files, {total / 1e6:.2f} MB, "
        f"{time.perf_counter() - started:.1f} s" + (f" — {failures} CHECK(S) FAILED" if failures else "")
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
