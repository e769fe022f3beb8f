"""Server-rendered pages, GeoJSON layers and permissions, through Django's test client."""

import json
import uuid

import pytest
from django.urls import reverse

from santelocale.territories.models import Epci
from santelocale.territories.services import save_perimeter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("level", "code", "expected"),
    [
        ("commune", "42218", "Saint-Étienne"),
        ("epci", "248100737", "Albigeois"),
        ("departement", "81", "Tarn"),
        ("region", "76", "Occitanie"),
        ("qpv", "QP066007", "Bas-Vernet"),
        ("contrat-de-ville", "2015-CV303", "Castres Mazamet"),
        ("region", "975", "Saint-Pierre-et-Miquelon"),
    ],
)
def test_each_kind_of_territory_has_a_page(client, level, code, expected):
    response = client.get(reverse("territories:detail", args=[level, code]))
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_a_commune_page_shows_its_epci_department_region_qpv_and_city_contracts(client):
    html = client.get("/territoires/commune/81004/").content.decode()
    for text in ["Albigeois", "Tarn (81)", "Occitanie", "QP081", "Contrats de ville", "COG 2026"]:
        assert text in html


@pytest.mark.parametrize(
    "url", ["/territoires/commune/99999/", "/territoires/planete/1/", "/territoires/qpv/QP0/"]
)
def test_an_unknown_territory_gives_a_french_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_search_page_and_htmx_fragment(client):
    assert "Saint-Étienne" in client.get("/territoires/?q=saint+etienne").content.decode()
    fragment = client.get("/territoires/?q=saint+etienne", headers={"HX-Request": "true"}).content.decode()
    assert "Saint-Étienne" in fragment and "<html" not in fragment


@pytest.mark.parametrize(
    ("level", "count"), [("region", 18), ("departement", 101), ("epci", lambda: Epci.objects.count())]
)
def test_national_layers_have_every_territory_with_a_contour(client, level, count):
    count = count() if callable(count) else count  # every EPCI of the bundle (1,255 in the national one)
    response = client.get(f"/geo/{level}.geojson?zoom=low")
    assert response["Content-Type"] == "application/geo+json"
    features = json.loads(response.content)["features"]
    assert len(features) == count
    assert {"code", "nom", "population", "url"} <= set(features[0]["properties"])


def test_layers_are_smaller_when_zoomed_out_and_revalidate_with_etag(client):
    low = client.get("/geo/epci.geojson?zoom=low")
    high = client.get("/geo/epci.geojson?zoom=high")
    assert len(low.content) < len(high.content) / 2
    assert low["ETag"] != high["ETag"]
    again = client.get("/geo/epci.geojson?zoom=low", headers={"If-None-Match": low["ETag"]})
    assert again.status_code == 304


def test_a_bad_zoom_or_level_is_a_404(client):
    assert client.get("/geo/epci.geojson?zoom=huge").status_code == 404
    assert client.get("/geo/planete.geojson").status_code == 404


def test_territory_layer_holds_the_territory_its_communes_and_its_qpv(client):
    features = json.loads(client.get("/geo/territoire/epci/248100737.geojson").content)["features"]
    roles = {f["properties"]["role"] for f in features}
    assert roles == {"territoire", "subdivision", "qpv"}


def test_sources_page_lists_producer_year_and_licence(client):
    html = client.get("/sources/").content.decode()
    for text in ["COG 2026", "INSEE", "IGN", "Licence Ouverte", "ANCT", "2015"]:
        assert text in html


def test_anonymous_people_cannot_see_or_build_perimeters(client, alice):
    perimeter = save_perimeter(name="Privé", components=[{"kind": "commune", "code": "81004"}], user=alice)
    for url in [
        "/perimetres/",
        "/perimetres/nouveau/",
        perimeter.get_absolute_url(),
        f"/perimetres/{perimeter.public_id}.geojson",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]


def test_only_author_or_organisation_editors_may_change_a_perimeter(client, alice, bob, charlie):
    perimeter = save_perimeter(
        name="Albi",
        components=[{"kind": "commune", "code": "81004"}],
        user=alice,
        organisation=alice.home_organisation(),
    )
    edit = reverse("territories:perimeter_update", args=[perimeter.public_id])
    delete = reverse("territories:perimeter_delete", args=[perimeter.public_id])
    for user, allowed in [(alice, True), (bob, False), (charlie, False)]:
        client.force_login(user)
        assert client.get(perimeter.get_absolute_url()).status_code == 200
        assert client.get(edit).status_code == (200 if allowed else 403)
    client.force_login(charlie)
    assert client.post(delete).status_code == 403
    client.force_login(alice)
    assert client.post(delete).status_code == 302
    assert client.get(edit).status_code == 404


def test_posting_a_perimeter_with_bad_codes_lists_them_and_saves_nothing(alice_client):
    response = alice_client.post("/perimetres/nouveau/", {"name": "X", "codes": "81004 99999"})
    assert response.status_code == 400
    assert "commune 99999" in response.content.decode()
    assert alice_client.get("/perimetres/").content.decode().count("X</a>") == 0


def test_the_selection_fragment_adds_and_removes_territories(alice_client):
    added = alice_client.post(
        "/perimetres/selection/", {"component": ["commune:81004"], "add": "commune:81065"}
    )
    html = added.content.decode()
    assert "Albi" in html and "Castres" in html and "2 communes" in html
    removed = alice_client.post(
        "/perimetres/selection/", {"component": ["commune:81004", "commune:81065"], "remove": "commune:81004"}
    )
    assert "Albi" not in removed.content.decode()


def test_an_unknown_perimeter_is_a_404(alice_client):
    assert alice_client.get(f"/perimetres/{uuid.uuid4()}/").status_code == 404


def test_map_layers_are_gzipped_for_browsers_that_accept_it(client):
    plain = client.get("/geo/epci.geojson?zoom=low")
    zipped = client.get("/geo/epci.geojson?zoom=low", headers={"Accept-Encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip"
    assert len(zipped.content) * 3 < len(plain.content)


def test_search_can_be_narrowed_to_one_kind_of_territory(client):
    html = client.get("/territoires/?q=paris&niveau=departement").content.decode()
    assert "Département" in html and "/territoires/departement/75/" in html
    assert "/territoires/commune/75056/" not in html


def test_a_perimeter_page_lists_its_qpv_and_city_contracts(alice_client, alice):
    perimeter = save_perimeter(
        name="Perpignan", components=[{"kind": "commune", "code": "66136"}], user=alice
    )
    html = alice_client.get(perimeter.get_absolute_url()).content.decode()
    assert "QP066007" in html and "Bas-Vernet" in html
    assert "Contrats de ville" in html and "Perpignan" in html


def test_each_figure_says_its_source_and_year(client):
    """Issue 11, point 13: populations are INSEE's of 1 January 2023 (not « 2026 », the COG's year); a QPV
    and a contrat de ville name their own sources, not the COG's and IGN's."""
    albi = client.get("/territoires/commune/81004/").content.decode()
    assert "Population (INSEE, population au 1er janvier 2023)" in albi
    assert "Population municipale du quartier (INSEE / ANCT, indicateurs 2015–2017)" in albi  # QPV table
    tarn = client.get("/territoires/departement/81/").content.decode()
    assert "Population, somme des communes (INSEE, population au 1er janvier 2023)" in tarn
    qpv = client.get("/territoires/qpv/QP066007/").content.decode()
    assert "Population municipale du quartier (INSEE / ANCT, indicateurs 2015–2017)" in qpv
    assert "Quartier prioritaire de 2015 et ses indicateurs : INSEE / ANCT" in qpv
    assert "COG 2026 (INSEE, DGCL) ; populations" not in qpv
    castres = client.get("/territoires/contrat-de-ville/2015-CV303/").content.decode()
    assert "Population des quartiers (ANCT, publication 2024)" in castres
    assert "Contrat de ville 2015–2020 : périmètre CGET / ANCT" in castres


def test_a_city_contract_shows_the_sum_of_its_listed_neighbourhoods_beside_the_ancts_figure(client):
    from santelocale.territories.models import CityContract
    from santelocale.territories.services import qpvs_in
    from santelocale.utils import fr

    castres = CityContract.objects.get(generation="2015", code="CV303")
    listed = sum(q.population for q in qpvs_in(castres) if q.population is not None)
    assert listed > 0
    html = client.get("/territoires/contrat-de-ville/2015-CV303/").content.decode()
    label = "Population des quartiers listés ci-dessous (INSEE / ANCT, indicateurs 2015–2017)"
    assert label in html
    figure = html.split(label)[1].split("</dd>")[0]
    assert fr.number(listed, 0) in figure
