"""Two people edit the same fiche from forms loaded at the same time: the second save overwrites nothing,
shows both versions side by side (accessible), keeps the input, and a deliberate resend replaces the values
(issue 9, point 4; the mechanism is utils/versioning.py)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_COORDINATOR, assert_accessible, sign_in

pytestmark = pytest.mark.e2e

FICHE = re.compile("Programme de compétences psychosociales en écoles élémentaires")


@pytest.fixture
def second_page(browser, live_url):
    context = browser.new_context(base_url=live_url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def _open_fiche_form(page) -> None:
    page.goto("/fiches/?q=competences+psychosociales")
    page.get_by_role("link", name=FICHE).first.click()
    page.locator("#action-edit").click()
    expect(page.locator("#id_title")).to_be_visible()


def test_a_save_from_an_older_form_overwrites_nothing_and_shows_both_versions(page, second_page):
    sign_in(page, DEMO_COORDINATOR)
    sign_in(second_page, DEMO_COORDINATOR)
    _open_fiche_form(page)
    _open_fiche_form(second_page)

    # The first person saves a new title.
    second_page.locator("#id_title").fill(
        "Compétences psychosociales à l’école (titre de la première, fictif)"
    )
    second_page.locator("#action-save").click()
    expect(second_page.get_by_role("heading", level=1)).to_contain_text("titre de la première")

    # The second, from the form loaded before, is told and overwrites nothing.
    page.locator("#id_title").fill("Compétences psychosociales (titre de la seconde, fictif)")
    page.locator("#action-save").click()
    conflict = page.locator("#version-conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Quelqu’un a modifié ces informations")
    row = conflict.locator("tr", has_text="Titre")
    expect(row).to_contain_text("titre de la seconde")
    expect(row).to_contain_text("titre de la première")
    expect(page.locator("#id_title")).to_have_value(re.compile("titre de la seconde"))
    assert_accessible(page, "conflit-de-version")
    second_page.reload()
    expect(second_page.get_by_role("heading", level=1)).to_contain_text("titre de la première")

    # Sent again on purpose, her values replace the current ones.
    page.locator("#action-save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("titre de la seconde")
