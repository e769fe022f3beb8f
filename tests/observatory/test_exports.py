"""Downloads of the registry: the CSV and its Table Schema, the GeoJSON, the contrats de ville layer."""

import csv
import datetime
import io
import json
import re
import uuid
from urllib.parse import urlsplit

import pytest
import shapely
import shapely.geometry

from santelocale.contracts.enums import ContractKind
from santelocale.contracts.services import renew_contract
from santelocale.territories.models import CityContract, Department
from santelocale.utils.shapes import SLIVER_AREA
from tests.observatory.conftest import ALBIGEOIS

pytestmark = pytest.mark.django_db

TRUE_VALUES, FALSE_VALUES = {"true", "True", "TRUE", "1"}, {"false", "False", "FALSE", "0"}


def _parse(value: str, field: dict):
    """Cast one cell as the Table Schema says, raising ValueError when it does not fit its type/format."""
    kind, fmt = field["type"], field.get("format", "default")
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise ValueError("pas un entier")
        return int(value)
    if kind == "date":
        return datetime.date.fromisoformat(value)
    if kind == "boolean":
        if value not in TRUE_VALUES | FALSE_VALUES:
            raise ValueError("pas un booléen")
        return value in TRUE_VALUES
    if fmt == "uuid":
        return str(uuid.UUID(value))
    if fmt == "uri":
        parts = urlsplit(value)
        if not (parts.scheme and parts.netloc):
            raise ValueError("pas une URI")
    return value


def validate(schema: dict, rows: list[dict]) -> list[str]:
    """A small Table Schema validator: types and formats, required, enum, minimum, pattern, unique,
    primary key and foreign keys. Returns the problems found (empty when the table is valid)."""
    problems = []
    missing = set(schema.get("missingValues", [""]))
    seen: dict[str, set] = {f["name"]: set() for f in schema["fields"]}
    for number, row in enumerate(rows, start=2):
        for field in schema["fields"]:
            name, constraints = field["name"], field.get("constraints", {})
            value = row[name]
            if value in missing:
                if constraints.get("required"):
                    problems.append(f"ligne {number}, {name} : obligatoire")
                continue
            try:
                cast = _parse(value, field)
            except ValueError as exc:
                problems.append(f"ligne {number}, {name} : {value!r} ({exc})")
                continue
            if "enum" in constraints and cast not in constraints["enum"]:
                problems.append(f"ligne {number}, {name} : {value!r} hors liste")
            if "minimum" in constraints and cast < constraints["minimum"]:
                problems.append(f"ligne {number}, {name} : {value!r} < minimum")
            if "pattern" in constraints and not re.fullmatch(constraints["pattern"], value):
                problems.append(f"ligne {number}, {name} : {value!r} ne suit pas le motif")
            if constraints.get("unique") and cast in seen[name]:
                problems.append(f"ligne {number}, {name} : {value!r} en double")
            seen[name].add(cast)
    keys = [tuple(row[name] for name in schema["primaryKey"]) for row in rows]
    if len(set(keys)) != len(keys):
        problems.append("clé primaire en double")
    for foreign in schema.get("foreignKeys", []):
        targets = {tuple(row[name] for name in foreign["reference"]["fields"]) for row in rows}
        for row in rows:
            value = tuple(row[name] for name in foreign["fields"])
            if not set(value) <= missing and value not in targets:
                problems.append(f"clé étrangère {foreign['fields']} : {value} introuvable")
    return problems


def _csv(client, query=""):
    response = client.get("/observatoire/registre.csv" + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="registre-cls-clsm-')
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    return reader.fieldnames, list(reader), text


@pytest.fixture
def contracts(make_contract, active_contract, perimeter_of, alice):
    """A signed CLS on Albi renewed by a draft, a published CLSM on the Albigeois, a draft CLS."""
    albigeois = perimeter_of("Albigeois", ("epci", ALBIGEOIS))
    signed = active_contract(name="CLS d’Albi ; « 1re » génération")
    renewal = renew_contract(signed, user=alice, name="CLS d’Albi 2")
    clsm = make_contract(
        name="CLSM de l’Albigeois", kind=ContractKind.CLSM, perimeter=albigeois, is_published=True
    )
    return {"signed": signed, "renewal": renewal, "clsm": clsm}


def test_the_csv_has_a_bom_semicolons_a_header_and_one_line_per_visible_contract(client, contracts):
    header, rows, text = _csv(client)
    schema = client.get("/observatoire/registre.schema.json").json()
    assert header == [field["name"] for field in schema["fields"]]
    assert text.splitlines()[0].count(";") == len(header) - 1
    assert "\r\n" in text
    assert {row["name"] for row in rows} == {"CLS d’Albi ; « 1re » génération", "CLSM de l’Albigeois"}


def test_a_csv_row_carries_the_contract_and_its_perimeter(client, contracts, alice):
    client.force_login(alice)
    _header, rows, _text = _csv(client, "?type=CLSM")
    assert len(rows) == 1
    row = rows[0]
    clsm = contracts["clsm"]
    communes = sorted(clsm.perimeter.communes.values_list("code", flat=True))
    assert row["public_id"] == str(clsm.public_id)
    assert (
        row["family"] == "PROJECT" and row["status"] == "REFLECTION" and row["status_label"] == "En réflexion"
    )
    assert row["region_code"] == "76" and row["department_code"] == "81"
    assert row["commune_codes"].split() == communes and int(row["commune_count"]) == len(communes) == 16
    assert int(row["population"]) == clsm.perimeter.population
    assert row["published"] == "true" and row["porteurs"] == "Ville d’Albi (test)"
    assert row["url"] == f"http://testserver/contrats/{clsm.public_id}/"


def test_every_csv_row_is_valid_against_the_published_table_schema(client, contracts, alice):
    client.force_login(alice)  # sees the draft renewal, whose renews_public_id is a foreign key
    schema = client.get("/observatoire/registre.schema.json").json()
    _header, rows, _text = _csv(client)
    assert len(rows) == 3
    renewal = next(row for row in rows if row["name"] == "CLS d’Albi 2")
    assert renewal["renews_public_id"] == str(contracts["signed"].public_id)
    assert validate(schema, rows) == []


def test_a_name_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(client, active_contract):
    active_contract(name='=HYPERLINK("http://example.test")')
    _header, rows, _text = _csv(client)
    assert rows[0]["name"] == '\'=HYPERLINK("http://example.test")'


def test_the_validator_catches_what_the_schema_forbids(client, contracts):
    schema = client.get("/observatoire/registre.schema.json").json()
    _header, rows, _text = _csv(client)
    broken = [{**rows[0], "kind": "CLX", "population": "-3", "starts_on": "15/01/2024", "published": ""}]
    problems = validate(schema, broken)
    assert len(problems) == 4, problems


def test_the_schema_declares_types_enums_and_the_primary_key(client):
    schema = client.get("/observatoire/registre.schema.json").json()
    fields = {field["name"]: field for field in schema["fields"]}
    assert schema["primaryKey"] == ["public_id"]
    assert fields["kind"]["constraints"]["enum"] == ["CLS", "CLSM"]
    assert "SIGNED" in fields["status"]["constraints"]["enum"]
    assert fields["family"]["constraints"]["enum"] == ["PROJECT", "ACTIVE", "ENDED"]
    assert fields["population"]["type"] == "integer" and fields["ends_on"]["type"] == "date"
    assert all({"name", "type", "format", "title", "description"} <= set(field) for field in schema["fields"])


def test_drafts_are_left_out_of_the_public_csv_and_geojson(client, contracts):
    _header, rows, _text = _csv(client)
    assert str(contracts["renewal"].public_id) not in {row["public_id"] for row in rows}
    features = client.get("/observatoire/registre.geojson").json()["features"]
    assert {f["properties"]["name"] for f in features} == {row["name"] for row in rows}


def test_the_csv_follows_the_filters_of_the_page(client, contracts):
    _header, rows, _text = _csv(client, "?statut=ACTIVE")
    assert [row["name"] for row in rows] == ["CLS d’Albi ; « 1re » génération"]
    _header, rows, _text = _csv(client, "?region=93")
    assert rows == []


def test_an_export_with_a_bad_filter_is_refused_with_a_french_explanation(client):
    for url in ["/observatoire/registre.csv?du=abc", "/observatoire/registre.geojson?region=99"]:
        response = client.get(url)
        assert response.status_code == 400
        assert "filtres invalides" in response.content.decode()
    assert client.get("/observatoire/registre.geojson?zoom=max").status_code == 400


def test_the_geojson_has_each_contract_with_its_simplified_perimeter_and_family(client, contracts):
    data = client.get("/observatoire/registre.geojson").json()
    by_name = {f["properties"]["name"]: f for f in data["features"]}
    clsm = by_name["CLSM de l’Albigeois"]
    assert clsm["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert clsm["properties"]["family"] == "PROJECT" and clsm["properties"]["family_label"] == "En projet"
    assert clsm["properties"]["url"].endswith(contracts["clsm"].get_absolute_url())
    detailed = client.get("/observatoire/registre.geojson?zoom=high&type=CLSM").json()["features"][0]
    assert len(json.dumps(detailed["geometry"])) >= len(json.dumps(clsm["geometry"]))


def test_contours_leave_out_the_slivers_between_commune_contours(active_contract, perimeter_of, client):
    # The raw union of the 71 communes of Alès Agglomération leaves ~100 tiny gaps between IGN contours:
    # the stored perimeter and the map both leave them out.
    ales = perimeter_of("Alès Agglomération", ("epci", "200066918"))
    stored = shapely.from_geojson(ales.geometry)
    stored_parts = getattr(stored, "geoms", [stored])
    assert all(shapely.Polygon(ring).area >= SLIVER_AREA for part in stored_parts for ring in part.interiors)
    active_contract(name="CLS Pays Cévennes", perimeter=ales, department=Department.objects.get(pk="30"))
    feature = client.get("/observatoire/registre.geojson?zoom=high").json()["features"][0]
    shown = shapely.geometry.shape(feature["geometry"])
    parts = getattr(shown, "geoms", [shown])
    holes = [shapely.Polygon(ring).area for part in parts for ring in part.interiors]
    assert all(area >= SLIVER_AREA for area in holes)
    assert shown.area == pytest.approx(stored.area, rel=0.01)


def test_the_city_contract_layer_of_occitanie_draws_each_of_its_contracts(client):
    expected = {
        c.name
        for c in CityContract.objects.filter(department__region_id="76", communes__isnull=False).distinct()
    }
    response = client.get("/observatoire/contrats-de-ville.geojson?region=76")
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    features = response.json()["features"]
    assert {f["properties"]["nom"] for f in features} == expected
    assert len(features) == len(expected) > 30  # 39 with the national bundle, 38 with the test bundle
    assert all(f["geometry"]["type"] in {"Polygon", "MultiPolygon"} for f in features)


def test_the_city_contract_layer_refuses_an_unknown_region(client):
    response = client.get("/observatoire/contrats-de-ville.geojson?region=99")
    assert response.status_code == 400
    assert "Région inconnue" in response.content.decode()
