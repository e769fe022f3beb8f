"""The action plan of a CLS, end to end: the coordinator imports the real CLS 2025-2030 plan from its
Territoires en Transitions file (5 axes, 29 fiches), sees it as a tree, a table and a timeline, the Santé
mentale axis satisfies the contract's mental-health volet, she records funding and an indicator value,
and downloads the Word, PDF and Excel exports; the public finds a published fiche in the search."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_ARS_DELEGATION, DEMO_COORDINATOR, assert_accessible, sign_in

pytestmark = pytest.mark.e2e

CONTRACT = "CLS de Gaillac (e2e, fictif)"
COMPLEX_PLAN = Path(__file__).resolve().parents[1] / "fixtures" / "tet" / "complex_plan.xlsx"


def _create_cls(page) -> str:
    page.goto("/perimetres/nouveau/")
    page.get_by_label("Nom du périmètre").fill("Gaillac (e2e)")
    page.get_by_label(re.compile("Ou collez des codes")).fill("81099")
    page.get_by_role("button", name="Enregistrer le périmètre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gaillac (e2e)")
    page.goto("/contrats/nouveau/")
    page.locator("label", has_text="Contrat local de santé (CLS)").click()
    page.locator("#id_name").fill(CONTRACT)
    page.locator("#id_perimeter").select_option(label="Gaillac (e2e)")
    page.locator("#id_region").select_option(label="Occitanie")
    page.locator("#id_department").select_option(label="Tarn (81)")
    page.locator("#id_launched_on").fill("2025-01-10")
    page.get_by_role("button", name="Enregistrer le contrat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CONTRACT)
    return page.url


def _mental_health_item(page):
    return page.locator("#checklist tr[data-item='mental_health_volet']")


def _download(page, link_name: str) -> bytes:
    # A document is built when asked (the 29-fiche contract's PDF takes WeasyPrint 10–30 s on a busy
    # 2-core machine): the user waits for a download, not for the page's 20-second default.
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("link", name=link_name).first.click()
    return Path(info.value.path()).read_bytes()


def test_a_coordinator_imports_the_real_tet_plan_follows_it_and_exports_it(page):
    sign_in(page, DEMO_COORDINATOR)
    contract_url = _create_cls(page)
    expect(_mental_health_item(page)).to_contain_text("Bloquant")

    # Import: the preview lists every fiche and proposes the Santé mentale axis as the volet.
    page.get_by_role("link", name="Voir le plan d’action").click()
    expect(page.locator("#plan-empty")).to_be_visible()
    assert_accessible(page, "plan-vide")
    page.locator("#plan-empty").get_by_role(
        "link", name="Importer un fichier Territoires en Transitions"
    ).click()
    assert_accessible(page, "import-formulaire")
    page.locator("#import-file").set_input_files(str(COMPLEX_PLAN))
    page.locator("#import-submit").click()
    expect(page.locator("#import-apply")).to_have_text("Importer 29 fiches")
    expect(page.get_by_label(re.compile("SANTE MENTALE", re.IGNORECASE))).to_be_checked()
    assert_accessible(page, "import-apercu")
    page.locator("#import-apply").click()

    # The tree: 5 axes, 29 fiches.
    expect(page.locator("#plan-figures")).to_contain_text("29 fiches actions")
    expect(page.get_by_role("heading", level=2, name=re.compile("COORDINATION DU CLS"))).to_be_visible()
    expect(page.locator(".sl-plan-section--depth-0")).to_have_count(5)
    assert_accessible(page, "plan-arborescence")

    # The table, filtered without accents, and the timeline with a bar per dated fiche.
    page.get_by_role("link", name="Tableau", exact=True).click()
    expect(page.locator("#plan-table tbody tr[data-fiche]")).to_have_count(29)
    page.locator("#plan-filters").get_by_label("Rechercher").fill("sante mentale")
    page.locator("#plan-filters").get_by_role("button", name=re.compile("Filtrer")).click()
    expect(page.locator("#plan-table tbody")).to_contain_text("Création du Conseil Local en Santé Mentale")
    assert_accessible(page, "plan-tableau")
    page.get_by_role("link", name="Calendrier", exact=True).click()
    expect(page.locator("#timeline tr[data-fiche]")).to_have_count(29)
    assert_accessible(page, "plan-calendrier")

    # A fiche whose « budget prévisionnel » (5,000,000 € in the file) disagrees with its funding lines
    # (26,666 €) says so on its page (issue 11, point 14).
    page.locator("#timeline").get_by_role("link", name=re.compile("comité de suivi d'élus")).click()
    expect(page.locator("main")).to_contain_text(re.compile(r"Le budget prévisionnel \(5\s000\s000\s€\)"))
    expect(page.locator("main")).to_contain_text("ne concordent pas")

    # The contract's checklist now finds its mental-health volet in the plan.
    page.goto(contract_url)
    expect(_mental_health_item(page)).to_contain_text("SANTE MENTALE")
    expect(_mental_health_item(page)).to_contain_text("Conforme")

    # Funding and an indicator value on the CLSM fiche.
    page.goto(contract_url + "plan/tableau/?q=conseil+local")
    page.locator("#plan-table").get_by_role("link", name=re.compile("Création du Conseil Local")).click()
    fiche_url = page.url
    page.locator("summary", has_text="Ajouter une ligne de financement").click()
    funding = page.locator("#funding-form")
    funding.locator("#id_funding-funder_kind").select_option(label="Collectivité")
    funding.locator("#id_funding-funder_name").fill("Ville de Gaillac (fictif)")
    funding.locator("#id_funding-year").fill("2026")
    funding.locator("#id_funding-planned").fill("12 500")
    funding.get_by_role("button", name="Ajouter la ligne").click()
    expect(page.locator("#funding-lines")).to_contain_text("Ville de Gaillac (fictif)")
    expect(page.locator("#funding-lines")).to_contain_text("12")
    page.locator("summary", has_text="Rattacher un indicateur à la fiche").click()
    indicator = page.locator("#indicator-form")
    indicator.get_by_label("Intitulé").fill("Réunions plénières du CLSM (fictif)")
    indicator.get_by_label("Type").select_option(label="Processus (mise en œuvre)")
    indicator.get_by_role("button", name=re.compile("Ajouter")).click()
    expect(page.locator("#indicateurs")).to_contain_text("Réunions plénières du CLSM (fictif)")
    assert_accessible(page, "fiche-action")
    page.goto(contract_url + "plan/indicateurs/")
    block = page.locator(".sl-plan-indicator", has_text="Réunions plénières du CLSM (fictif)")
    block.locator("summary").click()
    block.get_by_label("Période").fill("2026")
    block.get_by_label("Cible").fill("3")
    block.get_by_label("Valeur constatée").fill("2")
    block.get_by_role("button", name="Enregistrer la valeur").click()
    block = page.locator(".sl-plan-indicator", has_text="Réunions plénières du CLSM (fictif)")
    expect(block.locator("table")).to_contain_text("2026")
    assert_accessible(page, "plan-indicateurs")
    page.get_by_role("link", name="Financements", exact=True).click()
    expect(page.locator("main")).to_contain_text("Ville de Gaillac (fictif)")
    assert_accessible(page, "plan-financements")

    # Exports: Word (one fiche per page), PDF, Excel and the COPIL report.
    page.goto(contract_url + "plan/")
    docx = _download(page, "Contrat (Word)")
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert "Création du Conseil Local en Santé Mentale" in text
    assert _download(page, "Contrat (PDF)").startswith(b"%PDF")
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(_download(page, "Plan (Excel)")))
    assert workbook["Fiches"].max_row >= 30  # a header and 29 fiches
    tet = load_workbook(io.BytesIO(_download(page, "Format Territoires en Transitions")))
    assert "Fichier dimport" in tet.sheetnames
    page.get_by_role("link", name="Rapport COPIL", exact=True).click()
    expect(page.locator("main")).to_contain_text("À venir")
    # The late fiches are counted once, under the statuses table, as the list below them says.
    expect(page.locator("#copil-late-note")).to_contain_text("En retard en tout")
    expect(page.locator("#copil-statuses")).not_to_contain_text(re.compile(r"^En retard$"))
    assert_accessible(page, "rapport-copil")
    page.goto(fiche_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Création du Conseil Local")


def test_the_ars_records_its_funding_and_the_public_reuses_a_published_fiche(page):
    # The demo CLS d’Albi is published with a plan: the public finds its fiches, accents or not.
    page.goto("/fiches/?q=competences+psychosociales")
    expect(page.locator("main")).to_contain_text("Programme de compétences psychosociales")
    expect(page.locator("main")).not_to_contain_text("Permanence d’accès aux droits")  # confidential
    assert_accessible(page, "recherche-fiches")
    page.get_by_role("link", name=re.compile("Programme de compétences psychosociales")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Programme de compétences psychosociales")
    assert_accessible(page, "fiche-publique")
    expect(page.locator("#funding-form")).to_have_count(0)
    fiche_url = page.url

    # The ARS delegation may only add ARS lines.
    sign_in(page, DEMO_ARS_DELEGATION)
    page.goto(fiche_url)
    page.locator("summary", has_text="Ajouter une ligne de financement").click()
    funding = page.locator("#funding-form")
    options = funding.locator("#id_funding-funder_kind option").all_inner_texts()
    assert [o for o in options if o.strip()] == ["ARS"]
    funding.locator("#id_funding-year").fill("2027")
    funding.locator("#id_funding-planned").fill("8000")
    funding.locator("#id_funding-fir_mission").select_option(index=1)
    funding.get_by_role("button", name="Ajouter la ligne").click()
    expect(page.locator("#funding-lines")).to_contain_text("2027")
