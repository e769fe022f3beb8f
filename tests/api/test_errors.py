"""Every answer under /api/ is JSON in French, errors included, and the OpenAPI document lists the errors
each operation can answer (it used to answer Django's HTML 404 for a malformed id and document no 401,
403 or 422)."""

import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/contrats/not-a-uuid",
        "/api/plans/fiches/abc",
        "/api/plans/00000000-0000-0000-0000-000000000000/fiches/abc",
        "/api/nimporte/quoi",
        "/api/contrats/00000000-0000-0000-0000-000000000000/signataires/x",
    ],
)
def test_an_unknown_or_malformed_api_address_answers_a_french_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "Adresse inconnue de l’API" in response.json()["detail"]


def test_a_method_an_address_does_not_take_answers_a_french_json_405(client):
    response = client.put("/api/regions")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {"detail": "Méthode PUT non permise à cette adresse."}


def test_a_missing_perimeter_answers_a_french_json_404(client, alice):
    client.force_login(alice)
    response = client.get("/api/perimetres/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.json()["detail"] == "Introuvable, ou pas visible pour vous."


def test_a_write_without_the_csrf_token_is_refused_in_french(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/api/perimetres", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Vérification CSRF échouée")


def test_the_openapi_schema_documents_the_errors_of_each_operation(client):
    document = client.get("/api/openapi.json").json()
    assert document["components"]["schemas"]["Error"]["required"] == ["detail"]
    create_contact = document["paths"]["/api/contrats/{public_id}/contacts"]["post"]["responses"]
    assert {"201", "401", "403", "404", "422"} <= set(create_contact)
    search = document["paths"]["/api/territoires/recherche"]["get"]["responses"]
    assert {"200", "422"} <= set(search)
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            statuses = set(operation["responses"])
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in statuses, (method, path)
            if "{" in path:
                assert "404" in statuses, (method, path)
            if method != "get":
                assert {"401", "403"} <= statuses, (method, path)


def test_a_body_that_is_not_json_is_refused_in_french(client, alice):
    client.force_login(alice)
    response = client.post("/api/perimetres", b"\x14\xff{", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Corps de la requête illisible")


def test_no_two_schemas_share_a_name_so_the_document_does_not_merge_them():
    """ninja names each component after its class: two ``IndicatorOut`` (a contract's and a fiche's) were
    one component, and the contract's answer then broke its documented schema."""
    from collections import Counter

    from ninja import Schema

    from santelocale.api.api import api  # noqa: F401 — imports every router

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names = Counter(cls.__name__ for cls in subclasses(Schema) if cls.__module__.startswith("santelocale."))
    assert [name for name, count in names.items() if count > 1] == []


def test_the_served_openapi_document_holds_no_duplicated_key(client):
    """Swagger UI refuses a document with a key twice (« duplicated mapping key »); Python's JSON parser
    silently keeps the last one, so it is checked on the served text itself."""

    def no_duplicates(pairs):
        keys = [str(key) for key, _ in pairs]
        duplicated = sorted({key for key in keys if keys.count(key) > 1})
        assert not duplicated, duplicated
        return dict(pairs)

    json.loads(client.get("/api/openapi.json").content, object_pairs_hook=no_duplicates)
