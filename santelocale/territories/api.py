"""API routers of the territories app."""

from typing import Annotated, Literal
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from santelocale.api.schemas import Choice
from santelocale.territories.enums import Level, Zone
from santelocale.territories.models import Dataset, Perimeter, Region
from santelocale.territories.services import (
    PERIMETER_LEVELS,
    PerimeterError,
    describe_territory,
    get_territory,
    parse_codes,
    save_perimeter,
    search_territories,
)
from santelocale.utils.bounds import FILTER_LENGTH, LONG_TEXT, MAX_ITEMS, Bounded, Text
from santelocale.utils.text import MAX_QUERY_LENGTH

territories_router = Router(tags=["territoires"])
perimeters_router = Router(tags=["périmètres"], auth=django_auth)


class SearchResultOut(Schema):
    level: Choice(Level) = Field(description="niveau du territoire")
    code: str
    name: str
    context: str
    population: int | None
    url: str


class RegionOut(Schema):
    code: str
    name: str
    zone: Choice(Zone)
    population: int | None


class FactOut(Schema):
    label: str
    value: str
    url: str | None


class TerritoryOut(Schema):
    """A territory's page (``services.describe_territory``), as the page shows it."""

    level: str
    code: str
    name: str = Field(validation_alias="title")
    kind: str = Field(validation_alias="kind_label")
    facts: list[FactOut]
    geojson_url: str = Field(validation_alias="map_url")


class DatasetOut(Schema):
    id: str = Field(validation_alias="slug")
    title: str
    producer: str
    year: str
    generation: str
    licence: str
    licence_url: str
    origin: str
    notes: str


class ComponentIn(Schema):
    kind: Text(FILTER_LENGTH) = Field(description="commune, epci, departement ou qpv")
    code: Text(FILTER_LENGTH) = Field(description="code INSEE, SIREN ou code du QPV")


class PerimeterIn(Schema):
    name: Bounded(Perimeter, "name") = Field(description="nom du périmètre")
    description: Bounded(Perimeter, "description") = Field("", description="description")
    components: list[ComponentIn] = Field(
        [], description="territoires qui le composent", max_length=MAX_ITEMS
    )
    codes: Text(LONG_TEXT) = Field(
        "", description="codes séparés par des virgules ou des espaces (type deviné)"
    )


# One territory a perimeter is made of, as ``services.resolve_components`` records it in
# ``Perimeter.components``.
class ComponentOut(Schema):
    kind: Literal[tuple(str(level) for level in PERIMETER_LEVELS)] = Field(description="niveau du territoire")
    label: str = Field(description="libellé du niveau, par exemple « Commune »")
    code: str = Field(description="code INSEE, SIREN ou code du QPV")
    name: str = Field(description="nom du territoire")


class PerimeterOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str
    description: str
    population: int
    commune_count: int
    components: list[ComponentOut]
    bbox: list[float]


class PerimeterErrorOut(Schema):
    detail: str
    unknown: list[str] = []


@territories_router.get(
    "/territoires/recherche", response=list[SearchResultOut], summary="Rechercher un territoire"
)
def api_search(
    request,
    q: Text(MAX_QUERY_LENGTH),
    niveau: Text(FILTER_LENGTH) | None = None,
    limit: Annotated[int, Field(ge=1, le=100)] = 20,
):
    levels = [niveau] if niveau in Level.values else None
    return search_territories(q, levels=levels, limit=limit)


@territories_router.get("/regions", response=list[RegionOut], summary="Régions du COG 2026")
def api_regions(request):
    return Region.objects.all()


@territories_router.get(
    "/territoires/{level}/{code}",
    response=TerritoryOut,
    summary="Fiche d’un territoire",
)
def api_territory(request, level: Text(FILTER_LENGTH), code: Text(FILTER_LENGTH)):
    try:
        page = describe_territory(get_territory(level, code))
    except LookupError as exc:  # the page's message, in the API's one error shape
        raise HttpError(404, str(exc)) from exc
    return page


@territories_router.get(
    "/sources", response=list[DatasetOut], summary="Jeux de données, producteurs et licences"
)
def api_sources(request):
    return Dataset.objects.all()


@perimeters_router.get("", response=list[PerimeterOut], summary="Périmètres visibles")
def api_perimeters(request):
    return Perimeter.objects.restrict(request.user, "view")


@perimeters_router.get("/{public_id}", response=PerimeterOut, summary="Un périmètre")
def api_perimeter(request, public_id: UUID):
    return get_object_or_404(Perimeter.objects.restrict(request.user, "view"), public_id=public_id)


@perimeters_router.post(
    "", response={201: PerimeterOut, 422: PerimeterErrorOut}, summary="Créer un périmètre"
)
def api_create_perimeter(request, payload: PerimeterIn):
    if not request.user.has_perm("territories.add_perimeter"):
        raise HttpError(403, "Vous ne pouvez pas créer de périmètre.")
    components = [c.dict() for c in payload.components] + parse_codes(payload.codes)
    try:
        perimeter = save_perimeter(
            name=payload.name,
            description=payload.description,
            components=components,
            user=request.user,
        )
    except PerimeterError as exc:
        return Status(422, {"detail": str(exc), "unknown": exc.unknown})
    return Status(201, perimeter)
