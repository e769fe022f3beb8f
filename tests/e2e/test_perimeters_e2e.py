"""A coordinator builds a named perimeter, sees its population and map, and reuses it."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_login_page_is_accessible_and_refuses_a_wrong_password(page):
    page.goto("/comptes/connexion/")
    assert_accessible(page, "connexion")
    page.get_by_label("Adresse électronique").fill("coordination@demo.santelocale.test")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("Adresse électronique ou mot de passe incorrect")


def test_coordinator_builds_a_perimeter_from_search_and_sees_population_and_map(coordinator_page):
    page = coordinator_page
    page.goto("/perimetres/")
    page.get_by_role("link", name="Créer un périmètre").click()
    page.get_by_label("Nom du périmètre").fill("Albi et Castres (e2e)")
    search = page.get_by_label(re.compile("Chercher une commune"))
    search.fill("albi")
    page.get_by_role("button", name=re.compile(r"Ajouter Commune Albi \(81004\)")).click()
    expect(page.locator("#perimeter-components")).to_contain_text("Albi")
    search.fill("castres")
    page.get_by_role("button", name=re.compile(r"Ajouter Commune Castres \(81065\)")).click()
    summary = page.locator("#perimeter-summary")
    expect(summary).to_contain_text("2 communes")
    assert_accessible(page, "perimetre-formulaire")
    shown = int(re.sub(r"\D", "", summary.inner_text().split("·")[1]))
    page.get_by_role("button", name="Enregistrer le périmètre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Albi et Castres (e2e)")
    population = int(re.sub(r"\D", "", page.locator("#perimeter-population").inner_text()))
    assert population == shown > 50_000
    expect(page.locator("[data-sl-map][data-loaded]")).to_have_count(1)
    assert_accessible(page, "perimetre-detail")
    page.goto("/perimetres/")
    expect(page.get_by_role("link", name="Albi et Castres (e2e)")).to_be_visible()


def test_perimeter_with_unknown_codes_is_refused_listing_them_and_nothing_is_saved(coordinator_page):
    page = coordinator_page
    page.goto("/perimetres/nouveau/")
    page.get_by_label("Nom du périmètre").fill("Périmètre invalide (e2e)")
    page.get_by_label(re.compile("Ou collez des codes")).fill("81004, 99999\n123456789")
    page.get_by_role("button", name="Enregistrer le périmètre").click()
    errors = page.locator("#perimeter-errors")
    expect(errors).to_contain_text("commune 99999")
    expect(errors).to_contain_text("epci 123456789")
    assert_accessible(page, "perimetre-erreur")
    page.goto("/perimetres/")
    expect(page.get_by_text("Périmètre invalide (e2e)")).to_have_count(0)


def test_anonymous_visitor_is_sent_to_login_for_perimeters(page):
    page.goto("/perimetres/nouveau/")
    expect(page).to_have_url(re.compile(r"/comptes/connexion/\?next="))
