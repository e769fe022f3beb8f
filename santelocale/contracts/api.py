"""API router of the contracts app."""

from ninja import Router
from ninja.security import django_auth  # noqa: F401

contracts_router = Router(tags=["contrats"])
