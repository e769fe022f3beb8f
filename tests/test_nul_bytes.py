"""A NUL byte anywhere in a request (address, query, form field) is a French 400, never a 500.

PostgreSQL refuses any text holding one (« A string literal cannot contain NUL »), so a filter or a code
that reaches a query with it was a server error there; no legitimate input carries one. JSON bodies are
bounded by the API's schemas (tests/api/test_bounds.py).
"""

import pytest

pytestmark = pytest.mark.django_db

URLS = [
    "/territoires/?q=albi%00",
    "/territoires/?niveau=%00",
    "/territoires/commune/81%00004/",
    "/geo/territoire/commune/81004%00.geojson",
    "/carte/?niveau=%00",
    "/contrats/?perimetre=%00",
    "/observatoire/?region=%00",
    "/observatoire/?q=a%00b",
    "/observatoire/couverture/?region=%00",
    "/fiches/?q=sant%00e",
    "/perimetres/recherche/?q=al%00",
    "/perimetres/selection/?ajouter=commune:81%00004",
    "/api/territoires/recherche?q=al%00bi",
    "/api/contrats?q=a%00",
]


@pytest.mark.parametrize("url", URLS)
def test_a_nul_byte_in_the_address_or_the_query_is_a_french_400(client, url):
    response = client.get(url)

    assert response.status_code == 400, (url, response.status_code)
    if url.startswith("/api/"):
        assert "invalide" in response.json()["detail"]
    else:
        assert "Requête invalide" in response.content.decode()


def test_a_nul_byte_in_a_form_field_is_a_french_400_and_nothing_is_written(alice_client):
    from santelocale.territories.models import Perimeter

    response = alice_client.post("/perimetres/nouveau/", {"name": "Albi\x00", "communes": "81004"})

    assert response.status_code == 400
    assert "Requête invalide" in response.content.decode()
    assert not Perimeter.objects.exists()
