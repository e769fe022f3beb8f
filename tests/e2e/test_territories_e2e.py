"""A coordinator or ARS officer finds territories, opens their pages and reads the national map."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_home_search_finds_saint_etienne_typed_without_accents(page):
    page.goto("/")
    assert_accessible(page, "accueil")
    page.get_by_label(re.compile("Rechercher un territoire")).fill("saint etienne")
    results = page.locator("#search-results")
    expect(results.get_by_role("link", name="Saint-Étienne", exact=True)).to_be_visible()
    assert_accessible(page, "recherche-saint-etienne")
    results.get_by_role("link", name="Saint-Étienne", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saint-Étienne")
    expect(page.get_by_text("42218")).to_be_visible()
    expect(page.get_by_role("link", name="Loire (42)")).to_be_visible()
    expect(page.locator("[data-sl-map][data-loaded]")).to_have_count(1)
    assert_accessible(page, "commune-saint-etienne")


def test_search_by_postcode_and_siren_without_javascript_submit(page):
    page.goto("/territoires/?q=81000")
    expect(page.get_by_role("link", name="Albi", exact=True)).to_be_visible()
    page.goto("/territoires/?q=243100518")
    expect(page.get_by_role("link", name="Toulouse Métropole")).to_be_visible()


def test_search_narrowed_to_departments_with_the_type_filter(page):
    page.goto("/territoires/")
    page.get_by_label(re.compile("Rechercher un territoire")).fill("paris")
    results = page.locator("#search-results")
    expect(results.get_by_role("link", name="Paris", exact=True).first).to_be_visible()
    page.get_by_label("Type de territoire").select_option("departement")
    expect(results).to_contain_text("1 résultat")
    expect(results.get_by_role("link", name="Paris", exact=True)).to_have_attribute(
        "href", "/territoires/departement/75/"
    )
    assert_accessible(page, "recherche-filtre-departement")


def test_epci_page_lists_member_communes_qpv_and_city_contracts(page):
    page.goto("/territoires/epci/248100737/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Albigeois")
    expect(
        page.get_by_role("cell", name="Albi", exact=True)
        .or_(page.get_by_role("link", name="Albi", exact=True))
        .first
    ).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Quartiers prioritaires"))).to_be_visible()
    expect(page.locator("[data-sl-map][data-loaded]")).to_have_count(1)
    assert_accessible(page, "epci-albigeois")


def test_national_map_draws_every_department_then_every_epci_offline(page):
    external = []
    page.on(
        "request",
        lambda request: (
            external.append(request.url)
            if not request.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else None
        ),
    )
    page.goto("/carte/")
    drawn = page.locator("[data-sl-map][data-loaded]")
    expect(drawn).to_have_count(1)
    assert int(drawn.get_attribute("data-loaded")) >= 101
    assert_accessible(page, "carte-departements")
    page.locator("label[for=niveau-epci]").click()
    expect(page).to_have_url(re.compile("niveau=epci"))
    expect(page.locator("[data-sl-map][data-loaded]")).to_have_count(1)
    assert int(page.locator("[data-sl-map]").get_attribute("data-loaded")) == 1255
    page.screenshot(path="test-artifacts/carte-epci.png")
    with page.expect_response(re.compile(r"/geo/epci\.geojson\?zoom=high")) as detailed:
        page.get_by_role("button", name="La Réunion").click()
    assert detailed.value.status == 200
    center = page.evaluate("() => document.getElementById('map').slMap.getCenter()")
    assert -21.5 < center["lat"] < -20.8 and 55.1 < center["lng"] < 55.9
    expect(page.locator("[data-sl-map]")).to_have_attribute("data-loaded", "1255")
    page.screenshot(path="test-artifacts/carte-epci-reunion.png")
    assert external == [], f"requêtes hors de la plateforme : {external[:5]}"


def test_sources_page_lists_each_dataset_with_producer_year_and_licence(page):
    page.goto("/sources/")
    table = page.locator("#datasets")
    expect(table).to_contain_text("COG 2026")
    expect(table).to_contain_text("Licence Ouverte")
    expect(table).to_contain_text("IGN")
    assert table.locator(".sl-dataset").count() >= 5
    assert_accessible(page, "sources")


def test_unknown_territory_code_gives_a_french_404_page(page):
    response = page.goto("/territoires/commune/99999/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    assert_accessible(page, "page-404")


SOURCE_NOTE = {
    "qpv": "Quartier prioritaire de 2015 et ses indicateurs : INSEE / ANCT (2015–2017)",
    "contrat-de-ville": "population des quartiers publiée par l’ANCT (2024)",
    "departement": "populations INSEE au 1er janvier 2023",
    "region": "populations INSEE au 1er janvier 2023",
}


@pytest.mark.parametrize(
    ("url", "heading", "name"),
    [
        ("/territoires/qpv/QP066007/", "Bas-Vernet Nouveau QPV", "qpv"),
        ("/territoires/contrat-de-ville/2015-CV001/", "CC de la Plaine de l'Ain", "contrat-de-ville"),
        ("/territoires/departement/81/", "Tarn", "departement"),
        ("/territoires/region/76/", "Occitanie", "region"),
    ],
)
def test_qpv_city_contract_department_and_region_pages_draw_their_map(page, url, heading, name):
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("[data-sl-map][data-loaded]")).to_have_count(1)
    assert int(page.locator("[data-sl-map]").get_attribute("data-loaded")) >= 1
    # Each page's note names the sources of its own figures (issue 11, point 13).
    expect(page.locator("main")).to_contain_text(SOURCE_NOTE[name])
    assert_accessible(page, f"territoire-{name}")
