"""Every API input is bounded like the column it is stored in: too long, out of range or holding a NUL byte
is a French 422 on SQLite as on PostgreSQL (it used to be a 500 on PostgreSQL and stored past its limit on
SQLite), and the OpenAPI document says each bound."""

import pytest

from santelocale.contracts.enums import BodyKind
from santelocale.contracts.models import Body, Contact, Contract, Meeting, Signatory

pytestmark = pytest.mark.django_db

API = "/api/contrats"
TOO_BIG = 2**63  # one past the largest id both databases hold


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


# --- The schema says every bound --------------------------------------------------------------------


def _resolve(schema, document):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _unbounded(schema, document, where, seen=()):
    """Every place in ``schema`` where a string has no maxLength, an integer no minimum and maximum, or an
    array no maxItems."""
    if "$ref" in schema:
        name = schema["$ref"]
        if name in seen:
            return []
        return _unbounded(_resolve(schema, document), document, where, (*seen, name))
    found = []
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            found += _unbounded(option, document, where, seen)
    kind = schema.get("type")
    exempt = "enum" in schema or schema.get("format") in {"uuid", "date", "date-time"} or "pattern" in schema
    if kind == "string" and not exempt and "maxLength" not in schema:
        found.append(f"{where}: texte sans maxLength")
    if kind == "integer" and ("minimum" not in schema or "maximum" not in schema):
        found.append(f"{where}: entier sans bornes")
    if kind == "array":
        if "maxItems" not in schema:
            found.append(f"{where}: liste sans maxItems")
        found += _unbounded(schema.get("items", {}), document, f"{where}[]", seen)
    for name, prop in schema.get("properties", {}).items():
        found += _unbounded(prop, document, f"{where}.{name}", seen)
    return found


def test_every_input_of_every_operation_is_bounded_in_the_openapi_schema(client):
    document = client.get("/api/openapi.json").json()
    unbounded = []
    operations = 0
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            operations += 1
            for parameter in operation.get("parameters", []):
                where = f"{method.upper()} {path} {parameter['in']} « {parameter['name']} »"
                unbounded += _unbounded(parameter["schema"], document, where)
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                unbounded += _unbounded(body["schema"], document, f"{method.upper()} {path} corps")
    assert operations > 30
    assert unbounded == []


# --- The reproductions of the issue -----------------------------------------------------------------


def test_a_contact_name_longer_than_its_column_is_refused_in_french_and_nothing_is_stored(
    client, alice, cls_draft
):
    client.force_login(alice)
    for length in (256, 5000):
        response = _post(
            client,
            f"{API}/{cls_draft.public_id}/contacts",
            {"role": "OTHER", "name": "x" * length, "organisation": "Mairie"},
        )
        assert response.status_code == 422, response.content
        assert response.json()["detail"] == (
            "Requête invalide : corps de la requête « name » : 255 caractères au plus."
        )
    assert not Contact.objects.exists()


def test_a_signatory_name_of_300_characters_is_refused(client, alice, cls_draft):
    client.force_login(alice)
    response = _post(client, f"{API}/{cls_draft.public_id}/signataires", {"kind": "CPAM", "name": "x" * 300})
    assert response.status_code == 422
    assert "« name » : 255 caractères au plus" in response.json()["detail"]
    assert not Signatory.objects.exists()


@pytest.mark.parametrize(
    "path, payload",
    [
        ("contacts", {"role": "OTHER", "name": "A\x00B", "organisation": "Mairie"}),
        ("contacts", {"role": "OTHER", "name": "A", "organisation": "Mai\x00rie"}),
        ("signataires", {"kind": "CPAM", "name": "CPAM", "representative": "\x00"}),
        ("instances", {"kind": "COPIL", "name": "COPIL", "mandate": "rôle\x00"}),
        ("articulations", {"kind": "ASV", "target_name": "ASV\x00"}),
    ],
)
def test_a_nul_byte_in_any_text_is_refused_in_french(client, alice, cls_draft, path, payload):
    client.force_login(alice)
    response = _post(client, f"{API}/{cls_draft.public_id}/{path}", payload)
    assert response.status_code == 422, response.content
    assert "caractère nul" in response.json()["detail"]


def test_a_nul_byte_in_a_contract_patch_or_a_search_is_refused(client, alice, cls_draft):
    client.force_login(alice)
    patch = client.patch(
        f"{API}/{cls_draft.public_id}", {"summary": "a\x00b"}, content_type="application/json"
    )
    assert patch.status_code == 422
    cls_draft.refresh_from_db()
    assert "\x00" not in cls_draft.summary
    # Refused before any view reads it (santelocale/errors.RefuseNulBytesMiddleware), in JSON.
    search = client.get("/api/territoires/recherche", {"q": "albi\x00"})
    assert search.status_code == 400 and "invalide" in search.json()["detail"]


def test_meeting_attendees_and_counts_out_of_range_are_refused(client, alice, cls_draft):
    client.force_login(alice)
    body = Body.objects.create(contract=cls_draft, kind=BodyKind.COPIL, name="COPIL")
    url = f"{API}/{cls_draft.public_id}/instances/{body.pk}/reunions"
    for payload in (
        {"held_on": "2025-01-01", "attendees": [TOO_BIG]},
        {"held_on": "2025-01-01", "other_attendees": 10**20},
        {"held_on": "2025-01-01", "other_attendees": -1},
        {"held_on": "0001-01-01"},
    ):
        assert _post(client, url, payload).status_code == 422, payload
    assert not Meeting.objects.exists()
    assert client.delete(f"{API}/{cls_draft.public_id}/contacts/{TOO_BIG}").status_code == 422


def test_a_start_date_near_the_end_of_time_is_refused_rather_than_overflowing(
    client, alice, albi, albi_perimeter
):
    client.force_login(alice)
    payload = {
        "kind": "CLS",
        "name": "CLS",
        "perimeter": str(albi_perimeter.public_id),
        "region": "76",
        "porteurs": [albi.pk],
        "starts_on": "9999-12-31",
    }
    response = _post(client, API, payload)
    assert response.status_code == 422
    assert not Contract.objects.exists()
