"""The registry's declared filters (``observatory.filtersets.RegistryFilterSet``): the page, the downloads
and the API accept and refuse the same values, with the same French message — ignored on the page, 400 for
a download, 422 for the API."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"type": "CLSX"}, "Type inconnu : « CLSX » (attendu : CLS ou CLSM). Filtre ignoré."),
        ({"statut": "perdu"}, "Statut inconnu : « perdu ». Filtre ignoré."),
        ({"generation": "0"}, "Génération invalide : « 0 » (attendu : 1, 2, 3…). Filtre ignoré."),
        ({"au": "12345"}, "Année de fin hors limites : « 12345 » (entre 1990 et 2100). Filtre ignoré."),
        ({"region": "99"}, "Région inconnue : « 99 ». Filtre ignoré."),
    ],
)
def test_page_downloads_and_api_refuse_the_same_value_with_the_same_message(client, params, message):
    page = client.get("/observatoire/", params)
    assert page.status_code == 200 and message in page.content.decode()
    for url in ["/observatoire/registre.csv", "/observatoire/registre.geojson"]:
        download = client.get(url, params)
        assert download.status_code == 400 and message in download.content.decode()
    answer = client.get("/api/observatoire/registre", params)
    assert answer.status_code == 422 and answer.json()["messages"] == [message]


def test_page_downloads_and_api_accept_the_same_values_case_ignored(client):
    params = {"type": "clsm", "statut": "active", "generation": "1", "du": "2020", "au": "2026"}
    assert "Certains filtres ont été ignorés" not in client.get("/observatoire/", params).content.decode()
    assert client.get("/observatoire/registre.csv", params).status_code == 200
    assert client.get("/observatoire/registre.geojson", params).status_code == 200
    assert client.get("/api/observatoire/registre", params).status_code == 200


def test_a_code_past_the_filter_bound_is_unknown_without_being_looked_up(client):
    code = "7" * 101
    page = client.get("/observatoire/", {"region": code})
    assert f"Région inconnue : « {code} »" in page.content.decode()
    answer = client.get("/api/observatoire/registre", {"region": code})
    assert answer.status_code == 422 and "100 caractères au plus" in answer.json()["detail"]
