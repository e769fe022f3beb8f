"""The contracts list's declared filters (``contracts.filtersets.ContractFilterSet``): the page /contrats/
and ``GET /api/contrats`` accept and refuse the same values; the page ignores a refused value with a French
warning, the API answers 422 naming the parameter and what it accepts (it used to answer ``[]``)."""

import pytest

from santelocale.contracts.enums import ContractKind

pytestmark = pytest.mark.django_db

API = "/api/contrats"
PAGE = "/contrats/"


@pytest.fixture
def two_contracts(make_contract):
    make_contract(is_published=True)
    make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)", is_published=True)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kind": "XYZ"}, "Paramètre « kind » : type inconnu « XYZ » (attendu : CLS ou CLSM)."),
        ({"status": "PERDU"}, "Paramètre « status » : statut inconnu « PERDU » (attendu : REFLECTION, "),
        ({"region": "99"}, "Paramètre « region » : région inconnue « 99 »"),
        ({"department": "999"}, "Paramètre « department » : département inconnu « 999 »"),
    ],
)
def test_the_api_refuses_an_unknown_value_and_the_page_ignores_it_with_the_same_message(
    client, two_contracts, params, message
):
    answer = client.get(API, params)
    assert answer.status_code == 422
    assert message in answer.json()["detail"] and len(answer.json()["messages"]) == 1
    page = client.get(PAGE, params)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Certains filtres ont été ignorés" in body and message in body
    assert "Contrats (2)" in body  # the refused value is ignored: every contract is listed


def test_the_page_and_the_api_apply_the_same_valid_filters(client, two_contracts):
    assert [c["name"] for c in client.get(API, {"kind": "clsm"}).json()] == ["CLSM d’Albi (test)"]
    body = client.get(PAGE, {"kind": "clsm"}).content.decode()
    assert "Contrats (1)" in body and "CLSM d’Albi (test)" in body and "Certains filtres" not in body


def test_a_valid_filter_still_applies_beside_a_refused_one_on_the_page(client, two_contracts):
    assert client.get(API, {"kind": "CLSM", "region": "99"}).status_code == 422
    body = client.get(PAGE, {"kind": "CLSM", "region": "99"}).content.decode()
    assert "Contrats (1)" in body and "région inconnue « 99 »" in body
