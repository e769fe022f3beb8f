"""The observatory's API: the registry and the coverage figures, as the pages compute them."""

import pytest

from santelocale.contracts.enums import ContractKind
from santelocale.territories.models import CityContract, Commune, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def contracts(make_contract, active_contract):
    return {
        "signed": active_contract(name="CLS d’Albi"),
        "clsm_draft": active_contract(name="CLSM d’Albi", kind=ContractKind.CLSM, is_published=False),
    }


def test_the_registry_api_lists_the_visible_contracts_with_the_csv_columns(client, contracts, alice):
    public = client.get("/api/observatoire/registre").json()
    assert public["count"] == 1 and public["results"][0]["name"] == "CLS d’Albi"
    assert public["results"][0]["family"] == "ACTIVE" and public["results"][0]["commune_codes"] == "81004"
    client.force_login(alice)
    assert client.get("/api/observatoire/registre").json()["count"] == 2
    assert client.get("/api/observatoire/registre?type=CLSM").json()["count"] == 1


def test_the_registry_api_refuses_a_bad_filter_in_french(client):
    response = client.get("/api/observatoire/registre?du=abc&region=99")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "Année de début invalide" in detail and "Région inconnue" in detail


def test_the_coverage_api_gives_a_region_by_departement(client, contracts, diane):
    data = client.get("/api/observatoire/couverture?region=76").json()
    assert data["scope"] == "Occitanie" and data["breakdown"] == "département"
    tarn = next(row for row in data["population"] if row["code"] == "81")
    albi = Commune.objects.get(pk="81004").population
    assert tarn["cls"]["count"] == albi and tarn["clsm"]["count"] == 0  # the CLSM draft is not public
    assert data["contracts"] == [{"kind": "CLS", "family": "ACTIVE", "count": 1}]
    assert data["timeline"][-1]["by_family"]["ACTIVE"] == 1
    client.force_login(diane)
    tarn = next(
        row
        for row in client.get("/api/observatoire/couverture?region=76").json()["population"]
        if row["code"] == "81"
    )
    assert tarn["clsm"]["count"] == albi


def test_the_coverage_api_is_national_by_default_and_refuses_an_unknown_region(client):
    data = client.get("/api/observatoire/couverture").json()
    assert data["scope"] == "France entière" and len(data["population"]) == Region.objects.count()
    assert data["city_contracts_total"]["total"] == CityContract.objects.count()  # 433 in the national bundle
    assert client.get("/api/observatoire/couverture?region=99").status_code == 422
