"""The product as its users meet it (issue 11), seen in Chromium at 1280 px and 390 px: the contract's map
shows its territory, main actions keep their words, a missing page says what is missing and where to go."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e

WIDTHS = {"large": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}
#: an icon-only DSFR button is 2.5rem wide (40 px); one with its words is wider than its icon and a word
ICON_ONLY_WIDTH = 48


def _contract_url(page, name: re.Pattern) -> str:
    page.goto("/contrats/")
    return page.get_by_role("link", name=name).first.get_attribute("href")


def test_the_contract_map_shows_its_perimeter_not_france(page):
    page.goto(_contract_url(page, re.compile(r"^CLS d.Albi")))
    element = page.locator("#map[data-loaded]")
    expect(element).to_have_count(1)
    bounds = page.evaluate(
        """() => {
            const map = document.getElementById('map').slMap;
            let layer = null;
            map.eachLayer((l) => { if (l.getBounds && !layer) { layer = l; } });
            const shown = map.getBounds(), drawn = layer.getBounds();
            return {
                contains: shown.contains(drawn),
                shownWidth: shown.getEast() - shown.getWest(),
                drawnWidth: drawn.getEast() - drawn.getWest(),
            };
        }"""
    )
    assert bounds["contains"], bounds  # the whole perimeter is in view…
    # …and it fills the map: France spans about 15° of longitude, the Albi perimeter a few tenths.
    assert bounds["shownWidth"] < 4 * bounds["drawnWidth"] + 0.2, bounds
    expect(page.locator(".sl-map-legend")).to_have_count(0)  # no national population brackets
    # The public's progress leaves out confidential fiches: the page says so.
    expect(page.locator("#plan-visible-only")).to_contain_text(
        "Calculé sur les fiches que vous pouvez consulter"
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_main_actions_show_their_words_not_a_bare_icon(page, width):
    page.set_viewport_size(WIDTHS[width])
    sign_in(page, "coordination@demo.santelocale.test")
    page.goto("/contrats/")
    create = page.get_by_role("link", name="Créer un contrat")
    expect(create).to_be_visible()
    expect(create).to_have_text("Créer un contrat")
    assert create.bounding_box()["width"] > ICON_ONLY_WIDTH
    page.goto("/fiches/")
    search = page.locator("main").get_by_role("button", name="Rechercher")
    assert search.bounding_box()["width"] > ICON_ONLY_WIDTH
    page.goto(_contract_url(page, re.compile(r"^CLS d.Albi")) + "plan/importer/")
    read = page.get_by_role("button", name="Lire le fichier")
    assert read.bounding_box()["width"] > ICON_ONLY_WIDTH
    assert_accessible(page, f"import-{width}")


def test_a_missing_contract_says_so_in_french_and_offers_a_way_on(page):
    response = page.goto("/contrats/00000000-0000-0000-0000-000000000000/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    expect(page.locator("#not-found-hint")).to_contain_text("Ce contrat n’existe pas")
    expect(page.get_by_text("connectez-vous pour le voir")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("code du territoire")
    assert_accessible(page, "404-contrat")
    page.get_by_role("link", name="Voir les contrats").click()
    expect(page).to_have_url(re.compile(r"/contrats/$"))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_public_finds_which_contracts_cover_a_commune(page, width):
    page.set_viewport_size(WIDTHS[width])
    page.goto("/territoires/?q=albi")
    albi = page.locator("li", has=page.get_by_role("link", name="Albi", exact=True))
    expect(albi).to_contain_text(re.compile(r"CLS (en vigueur|en projet)"))
    albi.get_by_role("link", name="Albi", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Albi")
    covering = page.get_by_role("table", name="CLS et CLSM qui couvrent ce territoire")
    expect(covering.get_by_role("link", name=re.compile(r"^CLS d.Albi"))).to_be_visible()
    assert_accessible(page, f"commune-albi-{width}")


PAGES_WITH_WIDE_TABLES = [
    "/observatoire/",
    "/observatoire/couverture/",
    "/observatoire/couverture/?region=76",
]


@pytest.mark.parametrize("width", WIDTHS)
def test_wide_tables_scroll_inside_the_page_instead_of_being_cut(page, width):
    page.set_viewport_size(WIDTHS[width])
    wide = 0
    for url in PAGES_WITH_WIDE_TABLES:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        # The page itself never scrolls sideways: a table wider than the screen scrolls in its own box.
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, (url, overflow)
        cut = page.evaluate(
            """() => [...document.querySelectorAll('main table')].filter((table) => {
                const box = table.getBoundingClientRect();
                let parent = table.parentElement, scrolls = false;
                while (parent && parent.tagName !== 'MAIN') {
                    const style = getComputedStyle(parent);
                    if (['auto', 'scroll'].includes(style.overflowX)) { scrolls = true; break; }
                    parent = parent.parentElement;
                }
                return box.width > document.documentElement.clientWidth && !scrolls;
            }).map((table) => (table.caption ? table.caption.textContent : table.id).trim())"""
        )
        assert cut == [], (url, cut)
        wide += page.evaluate(
            "() => [...document.querySelectorAll('main table')]"
            ".filter((t) => t.getBoundingClientRect().width > document.documentElement.clientWidth).length"
        )
    if width == "mobile":
        assert wide > 0  # the case is met: tables wider than the screen, each scrolling in its box
    page.screenshot(path=f"test-artifacts/couverture-occitanie-{width}.png", full_page=True)


def test_the_footer_leads_to_the_accessibility_declaration_and_the_legal_notice(page):
    page.goto("/")
    footer = page.locator("footer")
    footer.get_by_role("link", name="Accessibilité : non conforme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclaration d’accessibilité")
    expect(page.locator("#accessibility-status")).to_contain_text("aucun audit n’a encore été réalisé")
    assert_accessible(page, "accessibilite")
    page.locator("footer").get_by_role("link", name="Mentions légales").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentions légales")
    assert_accessible(page, "mentions-legales")


def test_a_coordinator_starts_a_contract_from_a_perimeter_page(coordinator_page):
    page = coordinator_page
    page.goto("/perimetres/")
    page.locator("main table a").first.click()
    name = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="Créer un contrat sur ce périmètre").click()
    expect(page).to_have_url(re.compile(r"/contrats/nouveau/\?perimetre=\d+"))
    expect(page.locator("#id_perimeter option:checked")).to_have_text(re.compile(re.escape(name)))
    assert_accessible(page, "contrat-depuis-perimetre")


def test_a_fiche_is_updated_quickly_from_its_page(coordinator_page):
    page = coordinator_page
    page.goto(_contract_url(page, re.compile(r"^CLS d.Albi")) + "plan/tableau/")
    page.locator("main table a[href*='/fiches/']").first.click()
    quick = page.locator("#mise-a-jour")
    expect(quick.get_by_role("heading", name="Mise à jour rapide")).to_be_visible()
    quick.get_by_label("Statut").select_option(label="En cours")
    quick.get_by_label("Prochaine étape").fill("Réunir les partenaires (e2e)")
    assert_accessible(page, "fiche-mise-a-jour-rapide")
    quick.get_by_role("button", name="Mettre à jour la fiche").click()
    expect(page.get_by_text("mise à jour.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Réunir les partenaires (e2e)")
    expect(page.locator("#mise-a-jour").get_by_label("Statut")).to_have_value("IN_PROGRESS")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_plan_tree_reads_as_its_axes_each_opened_on_demand(page, width):
    page.set_viewport_size(WIDTHS[width])
    page.goto(_contract_url(page, re.compile(r"^CLS d.Albi")) + "plan/")
    axes = page.locator(".fr-accordion__btn")
    expect(axes.first).to_have_attribute("aria-expanded", "false")
    first = page.locator(".sl-plan-section--depth-0").first
    fiche = first.locator(".sl-plan-fiches a").first
    expect(fiche).to_be_hidden()  # folded: the plan is as long as its axes, not its 29 fiches
    axes.first.click()
    expect(axes.first).to_have_attribute("aria-expanded", "true")
    expect(fiche).to_be_visible()
    assert_accessible(page, f"plan-arborescence-{width}")
