"""GeoJSON for the maps, simplified per zoom level and cached per bundle version.

Payloads are built from ``Boundary`` rows, simplified with Douglas-Peucker at the tolerance of the zoom
level, and cached (Django cache) under a key that includes the loaded bundle version; the same key is the
HTTP ETag, so a browser that already has the layer gets a 304 without the server reading any geometry.
"""

import hashlib
import json

import shapely
from django.core.cache import cache
from django.http import HttpResponse

from santelocale.territories.enums import ZOOM_TOLERANCE, Level, Zoom
from santelocale.territories.models import (
    Boundary,
    DataRelease,
    Department,
    Epci,
    Region,
)
from santelocale.territories.services import qpvs_in
from santelocale.utils.iterables import chunked

#: The media type of every layer (RFC 7946).
GEOJSON = "application/geo+json"


def geojson_response(payload: bytes) -> HttpResponse:
    """An HTTP answer holding the GeoJSON ``payload``, cacheable but revalidated at each use (its ETag, the
    cache key, says whether it changed). The pages of every app serve their layers through it."""
    response = HttpResponse(payload, content_type=GEOJSON)
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


#: Places the national map can be recentred on: (label, "south,west,north,east").
MAP_VIEWS = [
    ("Métropole", "41.2,-5.3,51.2,9.7"),
    ("Guadeloupe", "15.8,-61.9,16.55,-61.0"),
    ("Martinique", "14.38,-61.25,14.9,-60.8"),
    ("Guyane", "2.1,-54.6,5.8,-51.6"),
    ("La Réunion", "-21.4,55.2,-20.85,55.85"),
    ("Mayotte", "-13.0,45.0,-12.63,45.3"),
]

NATIONAL_LEVELS = {Level.REGION: Region, Level.DEPARTMENT: Department, Level.EPCI: Epci}


def bundle_version() -> str:
    """Return the version of the bundle loaded last, or ``"none"``."""
    latest = (
        DataRelease.objects.order_by("-loaded_at", "-pk").values_list("bundle_version", flat=True).first()
    )
    return latest or "none"


def etag_for(key: str) -> str:
    """Return the strong ETag of a layer: changes whenever the bundle is reloaded."""
    return hashlib.sha1(f"{bundle_version()}|{key}".encode()).hexdigest()[:20]


def boundary_features(level: str, codes_props: dict[str, dict], zoom: str) -> list[dict]:
    """Return GeoJSON features for the given codes of one level, simplified for ``zoom``."""
    codes = sorted(codes_props)
    rows = [
        row
        for chunk in chunked(codes)
        for row in Boundary.objects.filter(level=level, code__in=chunk).values_list("code", "geometry")
    ]
    if not rows:
        return []
    geometries = shapely.from_geojson([text for _code, text in rows])
    tolerance = ZOOM_TOLERANCE[Zoom(zoom)]
    if tolerance:
        geometries = shapely.simplify(geometries, tolerance, preserve_topology=True)
    geometries = shapely.set_precision(geometries, 0.0001 if zoom == Zoom.HIGH else 0.001)
    return [
        {
            "type": "Feature",
            "properties": codes_props[code],
            "geometry": json.loads(shapely.to_geojson(geometry)),
        }
        for (code, _text), geometry in zip(rows, geometries, strict=True)
        if not shapely.is_empty(geometry)
    ]


def feature_collection(features: list[dict], **meta) -> bytes:
    return json.dumps(
        {"type": "FeatureCollection", "metadata": meta, "features": features},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def cached_layer(key: str, build) -> bytes:
    full_key = f"geo:{bundle_version()}:{key}"
    payload = cache.get(full_key)
    if payload is None:
        payload = build()
        cache.set(full_key, payload)
    return payload


def national_layer(level: str, zoom: str) -> bytes:
    """Return the FeatureCollection of every région, département or EPCI at ``zoom`` detail."""

    def build():
        model = NATIONAL_LEVELS[Level(level)]
        props = {
            str(obj.pk): {
                "code": str(obj.pk),
                "nom": obj.name,
                "population": obj.population,
                "url": obj.get_absolute_url(),
            }
            for obj in model.objects.only("pk", "name", "population")
        }
        return feature_collection(
            boundary_features(level, props, zoom), niveau=level, zoom=zoom, source="contours IGN 2018"
        )

    return cached_layer(f"national:{level}:{zoom}", build)


def _props(obj, role: str) -> dict:
    return {
        "code": str(obj.pk),
        "nom": obj.name,
        "population": getattr(obj, "population", None),
        "url": obj.get_absolute_url(),
        "role": role,
    }


def territory_layer(obj, zoom: str) -> bytes:
    """Return the map of one territory: its own contour (role ``territoire``), the contours inside it
    (départements of a région, communes of a département or EPCI; role ``subdivision``) and the QPV that
    touch it (role ``qpv``)."""

    def build():
        level = obj.level
        features = []
        if level == Level.REGION:
            children = {str(d.pk): _props(d, "subdivision") for d in obj.departments.all()}
            features += boundary_features(Level.DEPARTMENT, children, zoom)
        elif level in {Level.DEPARTMENT, Level.EPCI}:
            children = {
                str(c.pk): _props(c, "subdivision") for c in obj.communes.only("pk", "name", "population")
            }
            features += boundary_features(Level.COMMUNE, children, zoom)
        if level == Level.CITY_CONTRACT:
            features += boundary_features(level, {obj.slug: _props(obj, "territoire")}, zoom)
            children = {str(c.pk): _props(c, "subdivision") for c in obj.communes.all()}
            features += boundary_features(Level.COMMUNE, children, zoom)
        else:
            features += boundary_features(level, {str(obj.pk): _props(obj, "territoire")}, zoom)
        qpvs = qpvs_in(obj)
        features += boundary_features(Level.QPV, {q.code: _props(q, "qpv") for q in qpvs}, Zoom.HIGH)
        return feature_collection(features, niveau=level, code=str(obj.pk), zoom=zoom)

    return cached_layer(f"territory:{obj.level}:{obj.pk}:{zoom}", build)


def perimeter_layer(perimeter) -> bytes:
    """Return the perimeter's contour and the QPV inside it (not cached: perimeters change)."""
    features = []
    if perimeter.geometry:
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "nom": perimeter.name,
                    "role": "territoire",
                    "population": perimeter.population,
                },
                "geometry": json.loads(perimeter.geometry),
            }
        )
    qpvs = qpvs_in(perimeter)
    features += boundary_features(Level.QPV, {q.code: _props(q, "qpv") for q in qpvs}, Zoom.HIGH)
    return feature_collection(features, niveau="perimetre", code=str(perimeter.public_id))
