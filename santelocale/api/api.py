"""The JSON API (django-ninja): each domain app contributes a router; the schema is at /api/openapi.json.

Every answer is JSON, errors included: ``{"detail": "…"}`` in French. Validation errors (422) name the
field and the bound it breaks; the OpenAPI document lists, for each operation, the errors it can answer
(401, 403, 404, 422) with that shape, so that the schema tells the truth (a Schemathesis run checks it).
"""

import copy

from django.db import OperationalError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from santelocale.contracts.api import contracts_router
from santelocale.observatory.api import observatory_router
from santelocale.territories.api import perimeters_router, territories_router
from santelocale.utils.busy import DETAIL as BUSY_DETAIL
from santelocale.utils.busy import RETRY_AFTER, is_database_busy

#: The error answers an operation may give, as the OpenAPI document describes them.
ERROR_DESCRIPTIONS = {
    "400": "Requête illisible : corps qui n’est pas du JSON, ou octet NUL dans l’adresse ou un paramètre",
    "401": "Connexion requise (session de la plateforme)",
    "403": "Refusé : vos droits ne le permettent pas",
    "404": "Introuvable, ou pas visible pour vous",
    "422": "Requête invalide (champ manquant, trop long, hors limites…) ou refusée par une règle",
}
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "ce qui ne va pas, en français"}},
    "required": ["detail"],
}


class SanteLocaleAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The OpenAPI document, built once per path prefix: the routes and schemas are fixed once the URLs
        are loaded, and building it takes about 0.4 s (pydantic's JSON schemas), which every visit of
        /api/docs paid. A copy is returned, so that a caller changing it cannot change the next answer."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schemas = self.__dict__.setdefault("_openapi_schemas", {})
        if path_prefix not in schemas:
            schemas[path_prefix] = self._build_openapi_schema(path_prefix)
        return copy.deepcopy(schemas[path_prefix])

    def _build_openapi_schema(self, path_prefix):
        """ninja's document, with the errors each operation can answer added where it does not declare them:
        400 for every one (a body that is not JSON; a NUL byte in the address or the query, refused before
        any view by errors.RefuseNulBytesMiddleware), 422 for every operation that takes input, 404 for
        every address with an identifier, 401 and 403 for every operation that needs a session (and every
        write: rights are checked there)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        schema["components"].setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                expected = {"400"}
                parameters = operation.get("parameters", [])
                if parameters or "requestBody" in operation:
                    expected.add("422")
                if any(p.get("in") == "path" for p in parameters):
                    expected.add("404")
                if operation.get("security") or method != "get":
                    expected |= {"401", "403"}
                responses = operation.setdefault("responses", {})
                # ninja keys the declared answers by int (403), ours are strings: compare as text, or the
                # served document would hold "403" twice (a duplicated key that Swagger UI refuses).
                for status in sorted(expected - {str(code) for code in responses}):
                    responses[status] = {
                        "description": ERROR_DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    }
        return schema


api = SanteLocaleAPI(
    title="API Santé Locale",
    version="1.0.0",
    description=(
        "Territoires (COG 2026), QPV, contrats de ville, périmètres, contrats locaux de santé (CLS) et "
        "conseils locaux de santé mentale (CLSM), observatoire. Données : voir /sources/. Les erreurs sont "
        'en JSON : {"detail": "…"}, en français. Une écriture (POST, PUT, PATCH) envoyée avec un en-tête '
        "Idempotency-Key (jusqu’à 40 caractères, par exemple un UUID, nouveau pour chaque écriture) et "
        "renvoyée à l’identique avec la même clé (après une coupure, un délai dépassé) reçoit la première "
        "réponse (en-tête Idempotent-Replayed: true) au lieu d’une seconde écriture."
    ),
    urls_namespace="api",
)
api.add_router("/", territories_router)
api.add_router("/perimetres", perimeters_router)
api.add_router("/contrats", contracts_router)
api.add_router("/observatoire", observatory_router)
api.add_router("/plans", "santelocale.plans.api.plans_router", tags=["Plans d’action"])


_LOCATIONS = {"body": "corps de la requête", "query": "paramètre", "path": "adresse"}

#: pydantic's error types, said in French (``{…}`` are filled from the error's context).
_PROBLEMS = {
    "missing": "champ obligatoire",
    "string_too_long": "{max_length} caractères au plus",
    "string_too_short": "{min_length} caractère(s) au moins",
    "too_long": "{max_length} éléments au plus",
    "greater_than_equal": "doit valoir au moins {ge}",
    "less_than_equal": "doit valoir au plus {le}",
    "greater_than": "doit valoir plus de {gt}",
    "less_than": "doit valoir moins de {lt}",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "decimal_parsing": "nombre attendu",
    "decimal_type": "nombre attendu",
    "decimal_max_digits": "{max_digits} chiffres au plus",
    "decimal_max_places": "{decimal_places} décimales au plus",
    "decimal_whole_digits": "{whole_digits} chiffres avant la virgule au plus",
    "finite_number": "nombre fini attendu",
    "date_parsing": "date attendue (AAAA-MM-JJ)",
    "date_from_datetime_parsing": "date attendue (AAAA-MM-JJ)",
    "date_from_datetime_inexact": "date attendue (AAAA-MM-JJ)",
    "date_type": "date attendue (AAAA-MM-JJ)",
    "uuid_parsing": "identifiant public (UUID) attendu",
    "uuid_type": "identifiant public (UUID) attendu",
    "string_type": "texte attendu",
    "bool_parsing": "vrai ou faux (true/false) attendu",
    "bool_type": "vrai ou faux (true/false) attendu",
    "list_type": "liste attendue",
    "model_attributes_type": "objet attendu",
    "dict_type": "objet attendu",
    "json_invalid": "JSON invalide",
    "enum": "valeur attendue parmi : {expected}",
}


def _problem(error: dict) -> str:
    context = error.get("ctx") or {}
    if error.get("type") == "value_error":
        return str(context.get("error") or error.get("msg", "")).removeprefix("Value error, ")
    template = _PROBLEMS.get(error.get("type"), "valeur invalide")
    try:
        return template.format(**context)
    except (KeyError, IndexError, ValueError):
        return "valeur invalide"


def _describe(error: dict) -> str:
    """One of ninja's validation errors in French: where (``corps de la requête « name »``) and what."""
    where, *field = error["loc"]
    if where == "body":
        field = field[1:]  # drop the name of the payload argument
    return f"{_LOCATIONS.get(str(where), where)} « {'.'.join(map(str, field))} » : {_problem(error)}"


def _plain(error: dict) -> dict:
    """The error as JSON can carry it (pydantic's context may hold dates, decimals or exceptions)."""
    context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    return {"type": error.get("type"), "loc": list(error.get("loc", ())), "msg": error.get("msg", "")} | (
        {"ctx": context} if context else {}
    )


@api.exception_handler(ValidationError)
def french_validation_error(request, exc: ValidationError):
    """Answer 422 with a French summary of what is wrong, keeping ninja's detailed list for programs."""
    detail = "Requête invalide : " + " ; ".join(_describe(error) for error in exc.errors) + "."
    return api.create_response(
        request, {"detail": detail, "errors": [_plain(error) for error in exc.errors]}, status=422
    )


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


@api.exception_handler(Http404)
def french_not_found(request, exc: Http404):
    """Answer 404 in French (ninja's default is English « Not Found »)."""
    return api.create_response(request, {"detail": "Introuvable, ou pas visible pour vous."}, status=404)


#: ninja's own English messages (by their start), said in French.
_HTTP_ERRORS = {
    "CSRF check Failed": "Vérification CSRF échouée : rechargez la page et recommencez.",
    "Cannot parse request body": "Corps de la requête illisible : un objet JSON (UTF-8) est attendu.",
}


@api.exception_handler(HttpError)
def french_http_error(request, exc: HttpError):
    """Answer an ``HttpError`` with its (French) message as ``detail``."""
    message = str(exc)
    french = next((text for start, text in _HTTP_ERRORS.items() if message.startswith(start)), message)
    return api.create_response(request, {"detail": french}, status=exc.status_code)
