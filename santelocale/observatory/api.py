"""API router of the observatory (registry, coverage)."""

from ninja import Router

observatory_router = Router(tags=["observatoire"])
