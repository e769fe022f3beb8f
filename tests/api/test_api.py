"""The JSON API: search, territories, sources and perimeters, with its OpenAPI schema."""

import json

import pytest

from santelocale.territories.models import Perimeter

pytestmark = pytest.mark.django_db


def test_openapi_schema_describes_every_endpoint(client):
    schema = client.get("/api/openapi.json").json()
    paths = set(schema["paths"])
    assert {
        "/api/territoires/recherche",
        "/api/territoires/{level}/{code}",
        "/api/regions",
        "/api/sources",
        "/api/perimetres",
    } <= paths


def test_changing_a_copy_of_the_openapi_document_does_not_change_the_next_answer(client):
    from santelocale.api.api import api

    first = api.get_openapi_schema(path_prefix="/api/")
    first["paths"].clear()
    served = client.get("/api/openapi.json").json()
    assert "/api/contrats" in served["paths"]
    # As JSON (the document keys some answers by number, which JSON writes as text).
    assert served == json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/")))
    # Under another prefix (a server mounted below a path) the document names that prefix.
    assert "/sous/api/contrats" in api.get_openapi_schema(path_prefix="/sous/api/")["paths"]


def test_api_docs_are_served_without_a_cdn(client):
    html = client.get("/api/docs").content.decode()
    assert "cdn." not in html


def test_search_endpoint_folds_accents(client):
    results = client.get("/api/territoires/recherche", {"q": "saint etienne", "limit": 3}).json()
    assert results[0]["code"] == "42218"
    assert len(results) == 3


def test_territory_endpoint_and_french_404(client):
    body = client.get("/api/territoires/epci/243100518").json()
    assert body["name"] == "Toulouse Métropole"
    assert (body["level"], body["code"], body["kind"]) == ("epci", "243100518", "Métropole")
    assert body["geojson_url"] == "/geo/territoire/epci/243100518.geojson"
    assert {"label": "SIREN", "value": "243100518", "url": None} in body["facts"]
    # The facts the page shows, in its order.
    page = client.get("/territoires/epci/243100518/").content.decode()
    positions = [page.index(fact["label"]) for fact in body["facts"]]
    assert positions == sorted(positions)
    missing = client.get("/api/territoires/commune/99999")
    assert missing.status_code == 404
    # The page’s message, in the shape of every other API 404 (components/schemas/Error).
    assert missing.json() == {"detail": "Aucun territoire « 99999 » de niveau « commune »."}
    page = client.get("/territoires/commune/99999/")
    assert page.status_code == 404 and missing.json()["detail"] in page.content.decode()


def test_regions_and_sources(client):
    assert len(client.get("/api/regions").json()) == 26
    sources = client.get("/api/sources").json()
    assert len(sources) >= 5
    assert all(s["producer"] and s["year"] for s in sources)
    assert "Licence Ouverte / Open Licence" in {s["licence"] for s in sources}


def test_perimeters_need_a_session(client):
    assert client.get("/api/perimetres").status_code == 401
    assert client.post("/api/perimetres", {"name": "x"}, content_type="application/json").status_code == 401


def test_creating_a_perimeter_through_the_api(alice_client):
    response = alice_client.post(
        "/api/perimetres",
        {"name": "API", "components": [{"kind": "epci", "code": "248100737"}]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["commune_count"] > 10 and body["population"] > 80_000
    assert alice_client.get(f"/api/perimetres/{body['id']}").json()["name"] == "API"


def test_a_perimeters_components_are_answered_as_recorded_and_their_fields_are_documented(alice_client):
    body = alice_client.post(
        "/api/perimetres",
        {"name": "API", "codes": "81004 248100737"},
        content_type="application/json",
    ).json()

    recorded = Perimeter.objects.get(public_id=body["id"]).components
    assert (
        body["components"]
        == recorded
        == [
            {"kind": "commune", "label": "Commune", "code": "81004", "name": "Albi"},
            {"kind": "epci", "label": "EPCI", "code": "248100737", "name": recorded[1]["name"]},
        ]
    )
    assert alice_client.get(f"/api/perimetres/{body['id']}").json()["components"] == recorded
    schemas = alice_client.get("/api/openapi.json").json()["components"]["schemas"]
    assert schemas["PerimeterOut"]["properties"]["components"]["items"] == {
        "$ref": "#/components/schemas/ComponentOut"
    }
    component = schemas["ComponentOut"]
    assert list(component["properties"]) == component["required"] == ["kind", "label", "code", "name"]
    assert component["properties"]["kind"]["enum"] == ["commune", "epci", "departement", "qpv"]


def test_bad_codes_through_the_api_give_422_with_the_list(alice_client):
    response = alice_client.post(
        "/api/perimetres", {"name": "API", "codes": "81004 99999 888888888"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["unknown"] == ["commune 99999", "epci 888888888"]
    assert not Perimeter.objects.exists()


def test_a_malformed_request_is_refused_in_french(alice_client):
    response = alice_client.post(
        "/api/perimetres", {"description": "sans nom"}, content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Requête invalide : corps de la requête « name » : champ obligatoire."
    assert body["errors"][0]["type"] == "missing"
    assert not Perimeter.objects.exists()


def test_a_bad_query_parameter_is_refused_in_french(client):
    response = client.get("/api/territoires/recherche", {"q": "albi", "limit": "beaucoup"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Requête invalide : paramètre « limit »")
