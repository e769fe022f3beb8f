"""Documents of a plan, read back from the produced files: the contract in Word (python-docx) and PDF
(WeasyPrint pages), the plan's workbook (openpyxl) and the COPIL report (data, page, Word, PDF)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from santelocale.contracts.enums import ContractKind, Status
from santelocale.indicators.services import add_indicator
from santelocale.plans import documents, progress, services
from santelocale.plans.services import ActionData

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 1, 1)
VISIBLE_TO_ALL = ("guide", "sism")


def _docx(content: bytes):
    return Document(io.BytesIO(content))


def _headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def _page_breaks(document) -> int:
    body = document.element.body
    before = body.findall(".//" + qn("w:pageBreakBefore"))
    breaks = [br for br in body.iter(qn("w:br")) if br.get(qn("w:type")) == "page"]
    return len(before) + len(breaks)


def test_funding_figures_are_written_in_their_unit_and_text_is_made_safe_for_xml():
    # Numbers, amounts and dates themselves: tests/test_fr_formatting.py.
    assert documents.funding_amount(Decimal("0.50"), "FTE") == "0,5 ETP"
    assert documents.funding_amount(Decimal("3000"), "EUR") == "3\u202f000 €"
    assert documents.funding_amount(None, "EUR") == ""
    assert documents.progress_text(45) == "45 %"
    assert documents.progress_text(None) == "Non renseigné"
    assert documents.clean("a\x0bb\x00") == "ab"


def test_filename_slug_separates_elided_words(plan):
    assert documents.filename_slug(plan.contract) == "cls-d-albi-test"


# --- Contract in Word ----------------------------------------------------------------------------------


def test_contract_docx_has_axes_and_one_page_per_visible_fiche(plan, alice):
    document = _docx(documents.contract_docx(plan.contract, alice, TODAY))
    headings = _headings(document)
    assert "Les parties" in headings and "Le territoire" in headings and "Les axes" in headings
    assert "Axe 1 — Accès aux soins" in headings
    assert "Objectif général 1.1 — Rendre l’offre lisible" in headings
    assert "Axe 2 — Santé mentale" in headings
    for fiche in (plan.guide, plan.secret, plan.sism):
        assert any(fiche.title in h for h in headings), fiche.title
    assert any("Diffusion en mairie" in h and h.startswith("Sous-action") for h in headings)
    assert _page_breaks(document) >= 3
    # Fiches are Heading 2 (under « Les fiches actions »), so Word's navigation pane lists them.
    fiche_heading = next(
        p for p in document.paragraphs if plan.guide.title in p.text and p.style.name.startswith("Heading")
    )
    assert fiche_heading.style.name == "Heading 2"
    properties = document.core_properties
    assert properties.title == "CLS d’Albi (test)"
    assert properties.language == "fr-FR"
    assert "Contrat local de santé" in properties.subject
    text = _all_text(document)
    assert "Coordinatrice CLSM" in text  # the pilot of sism
    assert "☐ Bilan — à faire" in text and "☑ Programme — réalisée le 15/09/2024" in text
    assert "12\u202f000 €" in text and "Ville d’Albi" in text  # a funding line
    assert "Guides distribués" in text
    assert "Mise en œuvre" in text  # status of the contract on the title page
    assert "confidentielle" in text  # alice's copy warns it holds a confidential fiche


@pytest.mark.parametrize("who", ["anonymous", "charlie"])
def test_contract_docx_leaves_out_the_confidential_fiche_for_outsiders(plan, charlie, who):
    user = charlie if who == "charlie" else AnonymousUser()
    document = _docx(documents.contract_docx(plan.contract, user, TODAY))
    text = _all_text(document)
    assert plan.secret.title not in text
    assert plan.guide.title in text and plan.sism.title in text


def test_contract_docx_is_complete_for_the_ars_but_not_for_a_porteur_reader(plan, diane, bob):
    text = _all_text(_docx(documents.contract_docx(plan.contract, diane, TODAY)))
    assert plan.secret.title in text
    assert plan.secret.title not in _all_text(_docx(documents.contract_docx(plan.contract, bob, TODAY)))


def test_territory_names_communes_and_qpv_or_counts_them(plan, alice, monkeypatch):
    doc = documents.contract_document(plan.contract, alice, TODAY)
    fields = {f.label: f for f in doc.territory}
    assert fields["Communes"].text == "Albi"
    assert fields["Population"].text.endswith("habitants")
    assert "Cantepau" in fields["Quartiers prioritaires (QPV)"].items
    monkeypatch.setattr(documents.model, "MAX_LISTED_COMMUNES", 0)
    doc = documents.contract_document(plan.contract, alice, TODAY)
    assert {f.label: f for f in doc.territory}["Communes"].text == "1 communes (liste non reproduite)"


def test_binned_fiche_and_its_sub_actions_are_left_out(plan, alice):
    services.trash_action(plan.guide)
    document = _docx(documents.contract_docx(plan.contract, alice, TODAY))
    text = _all_text(document)
    assert plan.guide.title not in text
    assert plan.sub.title not in text


def test_control_characters_and_formula_titles_do_not_break_the_files(plan, alice):
    services.create_action(
        plan.contract,
        ActionData(
            title='=HYPERLINK("http://exemple.test")', section=plan.mental, description="ligne\x0bsuivante"
        ),
    )
    document = _docx(documents.contract_docx(plan.contract, alice, TODAY))
    assert "lignesuivante" in _all_text(document)
    sheet = load_workbook(io.BytesIO(documents.plan_workbook(plan.contract, alice, TODAY)))["Fiches"]
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    injected = next(t for t in titles if "HYPERLINK" in t)
    assert not injected.startswith("=")
    cell = next(c for c in sheet["B"] if c.value == injected)
    assert cell.data_type == "s"


# --- Contract in PDF -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_contract_print_html_has_every_visible_fiche_and_the_pdf_a_page_each(plan, alice):
    html = documents.contract_html(plan.contract, alice, TODAY)
    assert '<html lang="fr">' in html
    assert "<title>CLS d’Albi (test) — Contrat local de santé</title>" in html
    for fiche in (plan.guide, plan.secret, plan.sism, plan.sub):
        assert fiche.title in html
    assert html.count('class="fiche"') == 3
    assert "counter(pages)" in html and "break-before: page" in html  # the print CSS is inlined
    pages = documents.render_pdf(html).pages
    assert len(pages) >= 3 + 1  # title page, then one page per fiche at least
    assert documents.contract_pdf(plan.contract, alice, TODAY).startswith(b"%PDF")


def test_contract_print_html_for_the_public_has_no_confidential_fiche(plan):
    html = documents.contract_html(plan.contract, AnonymousUser(), TODAY)
    assert plan.secret.title not in html
    assert plan.guide.title in html
    assert html.count('class="fiche"') == 2


def test_pdf_fetches_nothing(plan, alice):
    html = '<html lang="fr"><title>t</title><img src="http://exemple.test/x.png" alt="x"><p>x</p></html>'
    document = documents.render_pdf(html)  # would hang or fail offline if it fetched the image
    assert len(document.pages) == 1


# --- Workbook ------------------------------------------------------------------------------------------


def _workbook(plan, user):
    return load_workbook(io.BytesIO(documents.plan_workbook(plan.contract, user, TODAY)))


def _rows(sheet):
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_workbook_has_one_row_per_fiche_and_sub_action(plan, alice):
    workbook = _workbook(plan, alice)
    assert workbook.sheetnames == ["Fiches", "Financements", "Indicateurs", "Synthèse"]
    sheet = workbook["Fiches"]
    rows = _rows(sheet)
    assert len(rows) == 4  # guide, its sub-action, secret, sism
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}5"
    assert sheet.column_dimensions["B"].width == 45
    by_title = {r["Titre"]: r for r in rows}
    guide = by_title[plan.guide.title]
    assert guide["Axe"] == "1. Accès aux soins › 1.1. Rendre l’offre lisible"
    assert guide["Avancement (%)"] == 40
    assert guide["Statut"] == "En cours" and guide["Pilote"] == "Pierre"
    assert guide["Date de début"] == datetime.datetime(2024, 3, 1)  # a real date, not text
    assert guide["Financement prévu (€)"] == 15000 and guide["Financement réalisé (€)"] == 8000
    assert by_title[plan.sism.title]["En retard"] == "Oui"
    assert by_title[plan.sism.title]["Avancement (%)"] == 50
    assert by_title[plan.sub.title]["Type"] == "Sous-action"
    assert by_title[plan.sub.title]["Fiche parente"] == plan.guide.label
    date_cell = next(c for c in sheet["J"] if c.value == datetime.datetime(2024, 3, 1))
    assert date_cell.number_format == "DD/MM/YYYY"


def test_workbook_for_the_public_leaves_out_the_confidential_fiche(plan):
    rows = _rows(_workbook(plan, AnonymousUser())["Fiches"])
    assert {r["Titre"] for r in rows} == {plan.guide.title, plan.sub.title, plan.sism.title}


def test_workbook_funding_sheet_matches_the_funding_summary(plan, alice):
    services.save_funding_line(
        plan.secret, services.FundingData(funder_kind="STATE", year=2026, planned=Decimal(999))
    )
    rows = _rows(_workbook(plan, alice)["Financements"])
    assert len(rows) == 3
    total = progress.funding_summary(plan.contract, alice).total
    euros = [r for r in rows if r["Unité"] == "Euros"]
    assert sum(Decimal(str(r["Prévu"])) for r in euros) == total["planned"] == Decimal(15999)
    assert sum(Decimal(str(r["Réalisé"] or 0)) for r in euros) == total["spent"]
    ars = next(r for r in rows if r["Type de financeur"] == "ARS")
    assert ars["Numéro de la fiche"] == "1" and ars["Fiche"] == plan.guide.title
    assert ars["Mission du FIR"].startswith("Mission 1") and ars["Ligne FIR"] == "Prévention"
    public_rows = _rows(_workbook(plan, AnonymousUser())["Financements"])
    assert sum(Decimal(str(r["Prévu"])) for r in public_rows) == Decimal(15000)


def test_workbook_indicators_and_synthesis(plan, alice):
    workbook = _workbook(plan, alice)
    rows = _rows(workbook["Indicateurs"])
    assert len(rows) == 1
    row = rows[0]
    assert row["Indicateur"] == "Guides distribués"
    assert row["Rattaché à"] == f"Fiche « {plan.guide.label} »"
    assert row["Période"] == "2025" and row["Cible"] == 500 and row["Valeur constatée"] == 350
    assert row["Sens de l’amélioration"] == "À la hausse" and row["Source"] == "Ville d’Albi"
    synthesis = [list(r) for r in workbook["Synthèse"].iter_rows(values_only=True)]
    assert ["1. Accès aux soins", "Axe", 2, 40] in [r[:4] for r in synthesis]
    assert ["Contrat (ensemble du plan)", None, 3, 45] in [r[:4] for r in synthesis]
    assert ["Total", None, 15000, 8000] in [r[:4] for r in synthesis]


# --- COPIL report --------------------------------------------------------------------------------------


def test_copil_data_counts_lists_and_indicators(plan, alice):
    data = documents.copil_data(plan.contract, alice, TODAY)
    counts = data.counts_by_status
    assert counts["IN_PROGRESS"] == 2 and counts["BLOCKED"] == 1
    assert sum(counts.values()) == data.action_count == 3
    assert data.contract_progress == 45
    assert [line.action.pk for line in data.late] == [plan.sism.pk]
    assert [line.action.pk for line in data.blocked] == [plan.secret.pk]
    assert [line.action.pk for line in data.without_pilot] == [plan.secret.pk]
    assert [(s.label, s.depth, s.progress) for s in data.sections] == [
        ("Axe 1 — Accès aux soins", 0, 40),
        ("Objectif général 1.1 — Rendre l’offre lisible", 1, 40),
        ("Axe 2 — Santé mentale", 0, 50),
    ]
    (line,) = data.indicators
    assert line.name == "Guides distribués"
    assert (line.target, line.actual, line.period) == ("500 guides", "350 guides", "2025")
    assert line.on_track is False and line.verdict == "Cible non atteinte"
    assert data.funding.total["planned"] == Decimal(15000)


def test_copil_data_for_the_public(plan):
    add_indicator(plan.contract, name="Réunions de négociation", kind="PROCESS", action=plan.secret)
    data = documents.copil_data(plan.contract, AnonymousUser(), TODAY)
    assert data.counts_by_status["BLOCKED"] == 0 and data.action_count == 2
    assert data.blocked == [] and [line.action.pk for line in data.late] == [plan.sism.pk]
    assert [line.name for line in data.indicators] == ["Guides distribués"]
    rows = _rows(_workbook(plan, AnonymousUser())["Indicateurs"])
    assert [r["Indicateur"] for r in rows] == ["Guides distribués"]


def test_copil_word_and_pdf(plan, alice):
    document = _docx(documents.copil_docx(plan.contract, alice, TODAY))
    headings = _headings(document)
    assert "Avancement par axe" in headings and "Fiches en retard (1)" in headings
    text = _all_text(document)
    assert "Date du rapport : 01/01/2026" in text
    assert plan.sism.title in text and "Cible non atteinte" in text
    assert document.core_properties.language == "fr-FR"
    html = documents.copil_html(plan.contract, alice, TODAY)
    assert "Date du rapport" in html and plan.sism.title in html and "45 %" in html
    assert documents.copil_pdf(plan.contract, alice, TODAY).startswith(b"%PDF")


# --- HTTP ----------------------------------------------------------------------------------------------

EXPORTS = [
    ("plans:export_docx", documents.DOCX_TYPE, "contrat-cls-d-albi-test.docx"),
    ("plans:export_pdf", documents.PDF_TYPE, "contrat-cls-d-albi-test.pdf"),
    ("plans:export_workbook", documents.XLSX_TYPE, "plan-cls-d-albi-test.xlsx"),
    ("plans:copil_docx", documents.DOCX_TYPE, "rapport-copil-cls-d-albi-test-"),
    ("plans:copil_pdf", documents.PDF_TYPE, "rapport-copil-cls-d-albi-test-"),
]


@pytest.mark.parametrize(("name", "content_type", "filename"), EXPORTS)
def test_public_downloads_each_document(plan, client, name, content_type, filename):
    response = client.get(reverse(name, args=[plan.contract.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{filename}')
    assert "private" in response["Cache-Control"]
    assert client.post(reverse(name, args=[plan.contract.public_id])).status_code == 405


@pytest.mark.parametrize(("name", "content_type", "filename"), EXPORTS)
def test_head_answers_who_may_download_with_the_headers_and_no_document(
    plan, make_contract, client, name, content_type, filename
):
    response = client.head(reverse(name, args=[plan.contract.public_id]))
    assert response.status_code == 200 and response.content == b""
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith(f'attachment; filename="{filename}')
    draft = make_contract(kind=ContractKind.CLSM, status=Status.DRAFTING, name="CLSM brouillon (test)")
    assert client.head(reverse(name, args=[draft.public_id])).status_code == 404


def test_public_word_export_has_no_confidential_fiche(plan, alice_client):
    url = reverse("plans:export_docx", args=[plan.contract.public_id])
    public_text = _all_text(_docx(Client().get(url).content))
    assert plan.guide.title in public_text and plan.secret.title not in public_text
    alice_text = _all_text(_docx(alice_client.get(url).content))
    assert plan.secret.title in alice_text


def test_copil_page(plan, alice_client):
    response = alice_client.get(reverse("plans:copil", args=[plan.contract.public_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Date du rapport" in page
    assert '<progress max="100" value="40" aria-labelledby="section-1">40 %</progress>' in page
    assert "<caption>Fiches en retard</caption>" in page and plan.sism.title in page
    # No « En retard : 0 » above « Fiches en retard (1) »: the status row says it is the status entered,
    # and the total of late fiches (status, or end date passed) is stated under the table.
    assert '<th scope="row">En retard</th>' not in page
    assert '<tr data-status="LATE"><th scope="row">Statut « En retard » saisi</th><td>0</td></tr>' in page
    assert "En retard en tout : 1 fiche — statut « En retard », ou échéance dépassée" in page
    assert reverse("plans:copil_docx", args=[plan.contract.public_id]) in page
    assert reverse("plans:copil_pdf", args=[plan.contract.public_id]) in page
    assert 'aria-current="page">Rapport COPIL' in page
    assert plan.secret.title in page  # blocked and without pilot, seen by the coordinator


def test_copil_page_for_the_public_hides_the_confidential_fiche(plan, client):
    response = client.get(reverse("plans:copil", args=[plan.contract.public_id]))
    assert response.status_code == 200
    assert plan.secret.title not in response.content.decode()
    assert "Aucune fiche bloquée." in response.content.decode()


def test_unpublished_contract_documents_are_not_found_for_the_public(make_contract, alice_client):
    draft = make_contract(status=Status.DRAFTING)
    public = Client()
    for name in ("plans:export_docx", "plans:export_workbook", "plans:copil"):
        assert public.get(reverse(name, args=[draft.public_id])).status_code == 404
    response = alice_client.get(reverse("plans:export_workbook", args=[draft.public_id]))
    assert response.status_code == 200
    assert _rows(load_workbook(io.BytesIO(response.content))["Fiches"]) == []


def test_documents_take_few_queries_whatever_the_number_of_fiches(plan, alice, django_assert_max_num_queries):
    for i in range(20):
        action = services.create_action(
            plan.contract, ActionData(title=f"Fiche de charge {i}", section=plan.mental, pilot_name="X")
        )
        services.add_step(action, title="Étape")
        services.save_funding_line(
            action, services.FundingData(funder_kind="ARS", year=2025, planned=Decimal(10))
        )
    with django_assert_max_num_queries(40):
        documents.contract_docx(plan.contract, alice, TODAY)
    with django_assert_max_num_queries(40):
        documents.plan_workbook(plan.contract, alice, TODAY)
    with django_assert_max_num_queries(30):
        documents.copil_data(plan.contract, alice, TODAY)


def test_territoires_en_transitions_export_is_an_attachment(plan):
    response = Client().get(reverse("plans:export_tet", args=[plan.contract.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == documents.XLSX_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="territoires-en-transitions-cls-d-albi-test.xlsx"'
    )
    assert response.content.startswith(b"PK")  # a zip, as every xlsx


def test_a_fiche_linked_to_a_confidential_one_does_not_name_it_to_outsiders(plan, alice, charlie):
    """Linked fiches are read as the user may see them, in the Word, the print HTML and the TeT export."""
    from santelocale.plans import tet

    services.set_links(plan.guide, [plan.secret, plan.sism])
    for user in (AnonymousUser(), charlie):
        word = _all_text(_docx(documents.contract_docx(plan.contract, user, TODAY)))
        html = documents.contract_html(plan.contract, user, TODAY)
        export = load_workbook(io.BytesIO(tet.export_plan(plan.contract, user)))["Fichier dimport"]
        cells = " ".join(str(c) for row in export.iter_rows(values_only=True) for c in row if c)
        for text in (word, html, cells):
            assert plan.secret.title not in text
            assert plan.sism.title in text  # the visible linked fiche is still named
    assert plan.secret.title in _all_text(_docx(documents.contract_docx(plan.contract, alice, TODAY)))
