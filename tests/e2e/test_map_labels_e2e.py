"""A name typed by a coordinator is shown as text on every map, never run as HTML (issue 9, point 1).

A coordinator names her perimeter and her contract with an ``<img onerror>`` payload that would set a
window flag; the observatory map, the contract page's map and the perimeter page's map then show the
literal text in their tooltips, and the flag stays unset.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_COORDINATOR, sign_in

pytestmark = pytest.mark.e2e

PAYLOAD = '<img src=x onerror="window.slInjected=1">'
PERIMETER = "Albi (e2e) " + PAYLOAD
CONTRACT = "CLS d’Albi " + PAYLOAD


def _tooltips(page, selector: str) -> list[str]:
    """Open every tooltip of the map at ``selector`` (what a hover does) and return their texts."""
    expect(page.locator(f"{selector}[data-loaded]")).to_have_count(1)
    page.locator(f"{selector} path.leaflet-interactive").first.hover(force=True)
    page.evaluate(
        """(selector) => {
            const map = document.querySelector(selector).slMap;
            map.eachLayer((layer) => {
                if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); }
            });
        }""",
        selector,
    )
    page.wait_for_timeout(300)
    return page.locator(f"{selector} .leaflet-tooltip").all_inner_texts()


def _assert_nothing_ran(page, dialogs):
    assert page.evaluate("() => window.slInjected") is None
    assert page.locator(".leaflet-tooltip img").count() == 0
    assert dialogs == []


def test_contract_and_perimeter_names_are_shown_as_text_on_every_map(page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, DEMO_COORDINATOR)

    page.goto("/perimetres/nouveau/")
    page.get_by_label("Nom du périmètre").fill(PERIMETER)
    page.get_by_label(re.compile("Ou collez des codes")).fill("81004")
    page.get_by_role("button", name="Enregistrer le périmètre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PERIMETER)
    assert any(PERIMETER in text for text in _tooltips(page, "[data-sl-map]"))
    _assert_nothing_ran(page, dialogs)

    page.goto("/contrats/")
    page.get_by_role("link", name="CLS d’Albi", exact=True).first.click()
    contract_url = page.url
    page.get_by_role("link", name=re.compile("Modifier")).first.click()
    perimeter = page.locator("#id_perimeter")
    original_perimeter = perimeter.input_value()
    page.locator("#id_name").fill(CONTRACT)
    perimeter.select_option(label=PERIMETER)
    page.get_by_role("button", name=re.compile("Enregistrer")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(CONTRACT)
    try:
        page.goto(contract_url)
        assert any(PERIMETER in text for text in _tooltips(page, "[data-sl-map]"))
        _assert_nothing_ran(page, dialogs)

        page.goto("/observatoire/?region=76")
        texts = _tooltips(page, "[data-obs-map]")
        assert any(text.startswith(CONTRACT) for text in texts), texts
        _assert_nothing_ran(page, dialogs)
    finally:
        page.goto(contract_url)
        page.get_by_role("link", name=re.compile("Modifier")).first.click()
        page.locator("#id_name").fill("CLS d’Albi")
        page.locator("#id_perimeter").select_option(original_perimeter)
        page.get_by_role("button", name=re.compile("Enregistrer")).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("CLS d’Albi")
