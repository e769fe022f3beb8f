"""A coordinator builds a named perimeter, sees its population and map, and reuses it."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def _submit_codes(page, name: str, codes: str) -> None:
    """Fill a new perimeter with pasted codes and submit it."""
    page.goto("/perimetres/nouveau/")
    page.get_by_label("Nom du périmètre").fill(name)
    page.get_by_label(re.compile("Ou collez des codes")).fill(codes)
    page.get_by_role("button", name="Enregistrer le périmètre").click()


def _number(locator) -> int:
    """The integer written in an element ("93 795 habitants" → 93795)."""
    return int(re.sub(r"\D", "", locator.inner_text()))


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
    population = _number(page.locator("#perimeter-population"))
    assert population == shown > 50_000
    expect(page.locator("[data-sl-map][data-loaded]")).to_have_count(1)
    expect(page.get_by_role("heading", name=re.compile("Quartiers prioritaires"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("CA de l.Albigeois|Albi", re.I)).first).to_be_visible()
    assert_accessible(page, "perimetre-detail")
    page.goto("/perimetres/")
    expect(page.get_by_role("link", name="Albi et Castres (e2e)")).to_be_visible()


def test_perimeter_with_unknown_codes_is_refused_listing_them_and_nothing_is_saved(coordinator_page):
    page = coordinator_page
    _submit_codes(page, "Périmètre invalide (e2e)", "81004, 99999\n123456789")
    errors = page.locator("#perimeter-errors")
    expect(errors).to_contain_text("commune 99999")
    expect(errors).to_contain_text("epci 123456789")
    assert_accessible(page, "perimetre-erreur")
    page.goto("/perimetres/")
    expect(page.get_by_text("Périmètre invalide (e2e)")).to_have_count(0)


def test_anonymous_visitor_is_sent_to_login_for_perimeters(page):
    page.goto("/perimetres/nouveau/")
    expect(page).to_have_url(re.compile(r"/comptes/connexion/\?next="))


def test_coordinator_edits_then_deletes_a_perimeter_and_logs_out(coordinator_page):
    page = coordinator_page
    _submit_codes(page, "Tarn et Albi (e2e)", "81 81004")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tarn et Albi (e2e)")
    whole = _number(page.locator("#perimeter-population"))
    page.get_by_role("link", name="Modifier").click()
    page.get_by_label("Nom du périmètre").fill("Albi seule (e2e)")
    page.get_by_role("button", name=re.compile("Retirer Tarn")).click()
    expect(page.locator("#perimeter-summary")).to_contain_text("1 commune ")
    assert_accessible(page, "perimetre-modification")
    page.get_by_role("button", name="Enregistrer le périmètre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Albi seule (e2e)")
    albi = _number(page.locator("#perimeter-population"))
    assert 40_000 < albi < whole
    page.goto("/perimetres/")
    assert_accessible(page, "perimetres-liste")
    page.get_by_role("link", name="Albi seule (e2e)").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Supprimer").click()
    expect(page.get_by_role("status")).to_contain_text("supprimé")
    expect(page.get_by_role("link", name="Albi seule (e2e)")).to_have_count(0)
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()


def test_a_perimeter_can_start_from_a_territory_page(coordinator_page):
    page = coordinator_page
    page.goto("/territoires/epci/248100737/")
    page.get_by_role("link", name="Composer un périmètre à partir de ce territoire").click()
    expect(page.locator("#perimeter-components")).to_contain_text("248100737")
    expect(page.locator("#perimeter-summary")).to_contain_text("communes")
    page.get_by_label("Nom du périmètre").fill("Albigeois (e2e)")
    page.get_by_role("button", name="Enregistrer le périmètre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Albigeois (e2e)")
