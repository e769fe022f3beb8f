"""The JSON API (django-ninja): each domain app contributes a router; the schema is at /api/openapi.json."""

from ninja import NinjaAPI

from santelocale.territories.api import perimeters_router, territories_router

api = NinjaAPI(
    title="API Santé Locale",
    version="1.0.0",
    description="Territoires (COG 2026), QPV, contrats de ville et périmètres. Données : voir /sources/.",
    urls_namespace="api",
)
api.add_router("/", territories_router)
api.add_router("/perimetres", perimeters_router)
