"""A CLS from its creation to its signature: the coordinator creates it and records its signatories, the
ARS delegation is refused the signature while the checklist fails, completes it, signs and publishes."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_ARS_DELEGATION, DEMO_COORDINATOR, assert_accessible, sign_in

pytestmark = pytest.mark.e2e

CONTRACT = "CLS du Carmausin (e2e, fictif)"


def _move(page, label: str, reason: str) -> None:
    form = page.locator("form", has=page.get_by_role("button", name=label))
    form.get_by_label("Motif").fill(reason)
    form.get_by_role("button", name=label).click()


def _add_signatory(page, kind: str, name: str, representative: str) -> None:
    form = page.locator("#signatory-form")
    form.locator("#id_signatory-kind").select_option(label=kind)
    form.locator("#id_signatory-name").fill(name)
    form.locator("#id_signatory-representative").fill(representative)
    form.get_by_role("button", name="Ajouter le signataire").click()
    expect(page.locator("#signatories")).to_contain_text(name)


def _create_cls(page) -> str:
    page.goto("/perimetres/nouveau/")
    page.get_by_label("Nom du périmètre").fill("Carmaux (e2e)")
    page.get_by_label(re.compile("Ou collez des codes")).fill("81060")
    page.get_by_role("button", name="Enregistrer le périmètre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Carmaux (e2e)")

    page.goto("/contrats/")
    page.get_by_role("link", name="Créer un contrat").click()
    page.locator("label", has_text="Contrat local de santé (CLS)").click()
    page.locator("#id_name").fill(CONTRACT)
    page.locator("#id_perimeter").select_option(label="Carmaux (e2e)")
    page.locator("#id_region").select_option(label="Occitanie")
    page.locator("#id_department").select_option(label="Tarn (81)")
    expect(
        page.get_by_label("Ville d’Albi", exact=True)
    ).to_be_checked()  # the coordinator's own collectivité
    page.locator("#id_launched_on").fill("2025-01-10")
    assert_accessible(page, "contrat-formulaire")
    page.get_by_role("button", name="Enregistrer le contrat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CONTRACT)
    return page.url


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _tarn_population_under_a_cls_in_force(page) -> int:
    """The public coverage figure: inhabitants of the Tarn covered by a CLS in force."""
    page.goto("/observatoire/couverture/?region=76")
    row = page.locator("#population-table tbody tr", has=page.get_by_role("rowheader", name="Tarn (81)"))
    return _number(row.locator("td:nth-child(3)").inner_text())


def test_a_cls_is_created_fails_then_passes_its_checklist_and_is_signed_by_the_ars(page):
    covered_before = _tarn_population_under_a_cls_in_force(page)
    sign_in(page, DEMO_COORDINATOR)
    url = _create_cls(page)
    expect(page.locator("#current-status")).to_have_text("En réflexion")
    expect(page.locator("#checklist")).to_contain_text("Bloquant")
    assert_accessible(page, "contrat-detail-brouillon")

    _move(page, "Engager le diagnostic", "Diagnostic local de santé confié à l’ORS")
    expect(page.locator("#current-status")).to_have_text("Diagnostic")
    _move(page, "Passer à l’élaboration", "Diagnostic restitué en COPIL")
    expect(page.locator("#current-status")).to_have_text("Élaboration")
    expect(page.locator("#status-history tbody tr")).to_have_count(3)

    _add_signatory(page, "Agence régionale de santé", "ARS Occitanie", "Directeur général de l’ARS")
    _add_signatory(page, "Collectivité (commune, EPCI)", "Ville de Carmaux", "Maire")
    expect(page.locator('[data-item="signatories"]')).to_contain_text("Conforme")
    # The coordinator is not offered the signature: it is the ARS's act. The page says so at its top, in the
    # stepper of the contract's life and its next step, with what still blocks it.
    expect(page.get_by_role("button", name="Enregistrer la signature")).to_have_count(0)
    page.goto(url)
    expect(page.locator("#journey")).to_contain_text("Étape 4 sur 8")
    expect(page.locator("#journey")).to_contain_text("Étape suivante : Signé")
    next_step = page.locator("#next-step")
    expect(next_step).to_be_in_viewport()
    expect(next_step).to_contain_text("Prochaine étape : enregistrer la signature")
    expect(next_step).to_contain_text("À faire par l’ARS")
    expect(next_step).to_contain_text("Vous ne pouvez pas la faire vous-même.")
    expect(page.locator("#next-step-blockers")).to_contain_text("Volet santé mentale")
    assert_accessible(page, "contrat-prochaine-etape")

    sign_in(page, DEMO_ARS_DELEGATION)
    page.goto(url)
    signing = page.locator("#transition-signed")
    expect(signing).to_contain_text("Impossible pour l’instant")
    _move(page, "Enregistrer la signature", "Signature en séance plénière")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Le statut n’a pas changé")
    expect(alert).to_contain_text("Volet santé mentale")
    expect(alert).to_contain_text("Indicateurs d’évaluation")
    expect(alert).to_contain_text("Socles thématiques")
    # The refusal is where the officer looks — the alert has the focus and is on screen, not 2,500 px
    # lower — and what she typed is kept.
    expect(alert).to_be_focused()
    expect(alert).to_be_in_viewport()
    signing = page.locator("form", has=page.get_by_role("button", name="Enregistrer la signature"))
    expect(signing.get_by_label("Motif")).to_have_value("Signature en séance plénière")
    assert_accessible(page, "contrat-signature-refusee")

    indicators = page.locator("#indicator-form")
    indicators.locator("#id_indicator-name").fill("Nombre d’habitants touchés par les actions (fictif)")
    indicators.locator("#id_indicator-kind").select_option(label="Résultat")
    indicators.get_by_role("button", name="Ajouter l’indicateur").click()
    expect(page.locator('[data-item="evaluation_indicators"]')).to_contain_text("Conforme")

    page.get_by_role("link", name="Modifier la description").click()
    for theme in page.locator("input[name=themes]").all():
        page.locator(f"label[for='{theme.get_attribute('id')}']").click()
    page.locator("label", has_text="Publier la fiche du contrat").click()
    page.get_by_role("button", name="Enregistrer le contrat").click()
    expect(page.locator('[data-item="regional_themes"]')).to_contain_text("Conforme")
    expect(page.locator('[data-item="mental_health_volet"]')).to_contain_text("Conforme")

    expect(page.locator("#next-step")).to_contain_text("Vous pouvez la faire")
    expect(page.locator("#next-step-ready")).to_have_text("Rien ne bloque cette étape aujourd’hui.")
    _move(page, "Enregistrer la signature", "Signature en séance plénière")
    expect(page.locator("#current-status")).to_have_text("Signé")
    expect(page.locator("#journey")).to_contain_text("Étape 5 sur 8")
    expect(page.locator("#checklist")).not_to_contain_text("Bloquant")
    last = page.locator("#status-history tbody tr").last
    expect(last).to_contain_text("Signature en séance plénière")
    expect(last).to_contain_text("Référent DD (fictif)")
    assert_accessible(page, "contrat-signe")

    carmaux = _number(page.locator("#contract-perimeter").inner_text().split(",")[1])

    # Published and signed: the public sees it, with its map, in the regional registry and its map, and in
    # the coverage figures.
    page.context.clear_cookies()
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(CONTRACT)
    expect(page.locator("[data-sl-map][data-loaded]")).to_have_count(1)
    page.goto("/observatoire/?region=76")
    row = page.locator("#registry-table tbody tr", has=page.get_by_role("link", name=CONTRACT))
    expect(row).to_contain_text("Signé")
    shown = page.locator("#registry-table tbody tr").count()
    expect(page.locator("#registry-map[data-loaded]")).to_have_attribute("data-loaded", str(shown))
    assert _tarn_population_under_a_cls_in_force(page) == covered_before + carmaux
