"""The API's shared schemas: declared once, model-free, and choice fields listed in the OpenAPI document."""

import ast
from pathlib import Path

import pytest

import santelocale.api.schemas

pytestmark = pytest.mark.django_db


def test_the_shared_schemas_import_no_app():
    tree = ast.parse(Path(santelocale.api.schemas.__file__).read_text())
    imported = [
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    ] + [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert [name for name in imported if name.startswith("santelocale.")] == []


def test_choice_fields_list_their_values_in_the_openapi_document(client):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]

    assert schemas["ContractSummaryOut"]["properties"]["kind"]["enum"] == ["CLS", "CLSM"]
    assert "SIGNED" in schemas["ContractOut"]["properties"]["status"]["enum"]
    assert schemas["ContractOut"]["properties"]["group"]["enum"] == ["PROJECT", "ACTIVE", "ENDED"]
    # A choice that may be left empty lists the empty text too.
    assert {"LATE", ""} <= set(schemas["FicheOut"]["properties"]["status"]["enum"])
    assert schemas["IndicatorOut"]["properties"]["kind"]["enum"] == ["PROCESS", "RESULT", "IMPACT"]


def test_the_shapes_shared_by_the_apps_are_declared_once(client):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]

    # The contracts and plans APIs name a contract, a place and a labelled object with the same schemas.
    assert {"RefOut", "PlaceOut", "LabelRefOut", "ErrorOut"} <= set(schemas)
    assert not {"FicheRefOut", "FichePlaceOut", "ThemeRefOut", "TermOut", "FicheIndicatorOut"} & set(schemas)
