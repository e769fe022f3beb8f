"""The JSON API (django-ninja): each domain app contributes a router; the schema is at /api/openapi.json."""

from django.db import OperationalError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from santelocale.contracts.api import contracts_router
from santelocale.observatory.api import observatory_router
from santelocale.territories.api import perimeters_router, territories_router
from santelocale.utils.busy import DETAIL as BUSY_DETAIL
from santelocale.utils.busy import RETRY_AFTER, is_database_busy

api = NinjaAPI(
    title="API Santé Locale",
    version="1.0.0",
    description=(
        "Territoires (COG 2026), QPV, contrats de ville, périmètres, contrats locaux de santé (CLS) et "
        "conseils locaux de santé mentale (CLSM), observatoire. Données : voir /sources/."
    ),
    urls_namespace="api",
)
api.add_router("/", territories_router)
api.add_router("/perimetres", perimeters_router)
api.add_router("/contrats", contracts_router)
api.add_router("/observatoire", observatory_router)
api.add_router("/plans", "santelocale.plans.api.plans_router", tags=["Plans d’action"])


_LOCATIONS = {"body": "corps de la requête", "query": "paramètre", "path": "adresse"}


def _describe(error: dict) -> str:
    """One of ninja's validation errors in French: where (``corps de la requête « name »``) and what."""
    where, *field = error["loc"]
    if where == "body":
        field = field[1:]  # drop the name of the payload argument
    problem = "champ obligatoire" if error.get("type") == "missing" else "valeur invalide"
    return f"{_LOCATIONS.get(str(where), where)} « {'.'.join(map(str, field))} » : {problem}"


@api.exception_handler(ValidationError)
def french_validation_error(request, exc: ValidationError):
    """Answer 422 with a French summary of what is wrong, keeping ninja's detailed list for programs."""
    detail = "Requête invalide : " + " ; ".join(_describe(error) for error in exc.errors) + "."
    return api.create_response(request, {"detail": detail, "errors": exc.errors}, status=422)


@api.exception_handler(AuthenticationError)
def french_authentication_error(request, exc: AuthenticationError):
    """Answer 401 in French: the API's writes and private reads need a signed-in session."""
    return api.create_response(
        request, {"detail": "Connexion requise : connectez-vous sur la plateforme (session)."}, status=401
    )


@api.exception_handler(OperationalError)
def database_busy(request, exc: OperationalError):
    """Answer 503 in French with Retry-After when the database is busy (SQLite's write lock); any other
    database error stays a server error."""
    if not is_database_busy(exc):
        raise exc
    response = api.create_response(request, {"detail": BUSY_DETAIL}, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response
