"""The free-text fields of governance bodies (mandate, members, agenda, minutes, decisions) warn against
health data, in the forms and in the API schema (issue 9, point 10)."""

import pytest
from django.urls import reverse

from santelocale.contracts import governance
from santelocale.contracts.enums import BodyKind, ContractKind
from santelocale.contracts.governance import NO_HEALTH_DATA

pytestmark = pytest.mark.django_db


def test_the_governance_forms_warn_against_health_data_on_every_free_text_field(alice_client, make_contract):
    contract = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)")
    governance.add_body(contract, kind=BodyKind.CLSM_STEERING, name="Comité de pilotage")

    html = alice_client.get(reverse("contracts:governance", args=[contract.public_id])).content.decode()

    # Body mandate; member person and organisation; meeting agenda, minutes and decisions.
    assert html.count("Aucune donnée de santé concernant une personne") >= 6


def test_the_api_schema_warns_against_health_data(client):
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]

    for name, fields in {
        "BodyIn": ["mandate"],
        "MemberIn": ["person", "organisation"],
        "MeetingIn": ["agenda", "minutes", "decisions"],
    }.items():
        for field in fields:
            assert NO_HEALTH_DATA in schema[name]["properties"][field]["description"], (name, field)
