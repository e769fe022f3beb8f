"""An ARS officer or the public reads the observatory: registry, map, downloads and coverage.

The demo registry changes as it grows, so these tests check consistency (rows shown = count announced,
CSV lines = count, a filter narrows), not precise names or numbers.
"""

import csv
import io
import json
import re
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

FAMILIES = ["En projet", "Signé, en vigueur", "Achevé ou à réactiver"]


def _announced(page) -> int:
    return int(page.locator("#registry-count").get_attribute("data-count"))


def _rows(page) -> int:
    return page.locator("#registry-table tbody tr").count()


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def test_the_registry_shows_as_many_rows_as_it_announces_and_a_filter_narrows_them(page):
    page.goto("/observatoire/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Observatoire des CLS et CLSM")
    total = _announced(page)
    assert _rows(page) == total
    drawn = page.locator("[data-obs-map][data-loaded]")
    expect(drawn).to_have_count(1)
    assert int(drawn.get_attribute("data-loaded")) == total
    expect(page.locator("#legende li[data-family]")).to_have_text(FAMILIES)
    # A generation the sources do not give is said unknown, not « 1re génération » (issue 11, point 13).
    marseille = page.locator(
        "#registry-table tbody tr", has=page.get_by_role("link", name="CLS de Marseille")
    )
    expect(marseille).to_contain_text("génération inconnue")
    assert_accessible(page, "observatoire-registre")

    page.get_by_label("Région", exact=True).select_option(label="Occitanie")
    expect(page).to_have_url(re.compile(r"region=76"))
    expect(page.locator("#registry-state[data-region='76']")).to_have_count(1)
    in_occitanie = _announced(page)
    assert in_occitanie <= total and _rows(page) == in_occitanie
    regions = page.locator("#registry-table tbody tr td:nth-child(4)").all_inner_texts()
    assert set(regions) <= {"Occitanie"}
    expect(page.locator("#registry-map[data-loaded]")).to_have_attribute("data-loaded", str(in_occitanie))
    # The département list now holds only the départements of Occitanie.
    expect(page.locator("#filtre-departement optgroup")).to_have_count(1)

    page.get_by_label("Type", exact=True).select_option("CLSM")
    expect(page).to_have_url(re.compile(r"type=CLSM"))
    clsm = _announced(page)
    assert clsm <= in_occitanie and _rows(page) == clsm
    assert set(page.locator("#registry-table tbody tr td:nth-child(2)").all_inner_texts()) <= {"CLSM"}
    assert_accessible(page, "observatoire-registre-filtre")


def test_a_bad_filter_is_shown_and_ignored(page):
    page.goto("/observatoire/?region=99&du=abc")
    expect(page.get_by_role("alert")).to_contain_text("Région inconnue")
    expect(page.get_by_role("alert")).to_contain_text("Année de début invalide")
    assert _rows(page) == _announced(page)
    assert_accessible(page, "observatoire-filtres-ignores")


def test_the_city_contracts_layer_is_toggled_from_its_checkbox(page):
    page.goto("/observatoire/?region=76")
    expect(page.locator("#registry-map[data-loaded]")).to_have_count(1)
    page.locator("label[for=couche-contrats-de-ville]").click()
    layer = page.locator("#registry-map[data-city-loaded]")
    expect(layer).to_have_count(1)
    assert int(layer.get_attribute("data-city-loaded")) == 39  # the contrats de ville of Occitanie
    expect(page.locator("#registry-map path.leaflet-interactive").first).to_be_attached()
    assert_accessible(page, "observatoire-contrats-de-ville")
    page.locator("label[for=couche-contrats-de-ville]").click()
    expect(page.locator("#registry-map[data-city-loaded]")).to_have_count(0)


def test_the_csv_download_has_its_header_and_one_line_per_contract_shown(page):
    schema = page.request.get("/observatoire/registre.schema.json").json()
    for url in ["/observatoire/", "/observatoire/?region=76&statut=ACTIVE"]:
        page.goto(url)
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Télécharger le registre (CSV)").click()
        download = download_info.value
        assert download.suggested_filename.startswith("registre-cls-clsm-")
        raw = Path(download.path()).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
        assert rows[0] == [field["name"] for field in schema["fields"]]
        assert len(rows) - 1 == _announced(page)


def test_a_signed_in_coordinator_sees_at_least_what_the_public_sees(coordinator_page, live_url):
    with urllib.request.urlopen(live_url + "/api/observatoire/registre") as response:
        public = json.load(response)["count"]
    coordinator_page.goto("/observatoire/")
    signed_in = _announced(coordinator_page)
    assert _rows(coordinator_page) == signed_in >= public
    # With the session, the API answers the same registry as the page.
    assert coordinator_page.request.get("/api/observatoire/registre").json()["count"] == signed_in


def test_the_coverage_page_shows_the_figures_of_the_selected_region(page):
    page.goto("/observatoire/couverture/")
    expect(page.get_by_role("heading", name="Chiffres clés : France entière")).to_be_visible()
    assert_accessible(page, "observatoire-couverture")
    page.get_by_label("Région", exact=True).select_option(label="Occitanie")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("heading", name="Chiffres clés : Occitanie")).to_be_visible()
    table = page.locator("#population-table")
    expect(table.get_by_role("rowheader", name="Tarn (81)")).to_be_visible()
    body_rows = table.locator("tbody tr")
    populations = [_number(text) for text in body_rows.locator("td:nth-child(2)").all_inner_texts()]
    assert populations[-1] == sum(populations[:-1])  # the total row is the sum of the départements
    covered = [_number(t) for t in body_rows.locator("td:nth-child(3)").all_inner_texts()]
    assert covered[-1] == sum(covered[:-1])  # a commune lies in one département: sums add up
    cities = page.locator("#city-contracts-table tbody tr").last.locator("td").first
    assert _number(cities.inner_text()) == 39
    chart = page.locator("#timeline-chart")
    if chart.count():
        expect(chart).to_have_attribute("data-drawn", re.compile(r"\d+"))
    assert_accessible(page, "observatoire-couverture-occitanie")
