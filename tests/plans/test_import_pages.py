"""The import pages: upload a Territoires en Transitions workbook, read the preview, confirm."""

import io
import re

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from santelocale.contracts.enums import ContractKind
from santelocale.plans import tet
from santelocale.plans.models import Action, Section
from tests.plans.test_tet import SAMPLES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    """Uploaded files go to a throwaway folder."""
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def contract(make_contract):
    return make_contract()


def upload_url(contract):
    return reverse("plans:import", args=[contract.public_id])


def complex_plan() -> SimpleUploadedFile:
    path = SAMPLES / "complex_plan.xlsx"
    return SimpleUploadedFile("complex_plan.xlsx", path.read_bytes())


def bad_file() -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = "Fichier dimport"
    for column, (_, header, kind) in enumerate(tet.TEMPLATE_HEADERS, start=1):
        ws.cell(2, column, header)
        ws.cell(3, column, kind)
    ws.cell(4, 1, "1. Accès aux soins")
    ws.cell(4, 4, "Guide santé")
    ws.cell(4, 28, "31/13/2026")
    ws.cell(5, 1, "1. Accès aux soins")
    ws.cell(5, 6, "Un descriptif sans titre")
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("plan-faux.xlsx", out.getvalue())


def token_of(response) -> str:
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def test_alice_imports_the_real_cls_after_reading_its_preview(alice_client, contract, var_dir):
    page = alice_client.get(upload_url(contract))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'accept=".xlsx' in html and "Remplacer le plan existant" in html
    assert "Territoires en Transitions" in html

    uploaded = alice_client.post(upload_url(contract), {"file": complex_plan()})
    assert uploaded.status_code == 302
    token = token_of(uploaded)
    assert uploaded["Location"] == reverse("plans:import_preview", args=[contract.public_id, token])
    assert (var_dir / "imports" / f"{token}.xlsx").is_file()
    assert not Action.objects.filter(contract=contract).exists()

    preview = alice_client.get(uploaded["Location"])
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "29 fiches actions, 5 axes, 17 sous-axes, 3 lignes de financement." in html
    assert "Importer 29 fiches" in html
    assert "<caption>Fiches lues dans le fichier, avec leur ligne</caption>" in html
    assert "Création d&#x27;un comité de suivi d&#x27;élus autour du CLS" in html
    assert re.search(r'name="mental_health" value="(s\d+)" checked', html)
    mental_key = re.search(r'name="mental_health" value="(s\d+)"', html)[1]

    confirmed = alice_client.post(uploaded["Location"], {"confirm": "1", "mental_health": [mental_key]})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("plans:tree", args=[contract.public_id])
    assert Action.objects.filter(contract=contract, deleted_at=None).count() == 29
    assert Section.objects.get(contract=contract, is_mental_health_volet=True).title == "SANTE MENTALE"
    assert not (var_dir / "imports" / f"{token}.xlsx").exists()
    flashed = [str(m) for m in get_messages(confirmed.wsgi_request)]
    assert flashed[0].startswith("29 fiches importées")
    assert "Source : « complex_plan.xlsx »" in flashed[0]
    # The token is spent: the preview is gone.
    assert alice_client.get(uploaded["Location"]).status_code == 404


def test_unticking_the_mental_health_axis_leaves_it_unmarked(alice_client, contract):
    uploaded = alice_client.post(upload_url(contract), {"file": complex_plan()})

    alice_client.post(uploaded["Location"], {"confirm": "1"})

    assert Action.objects.filter(contract=contract).count() == 29
    assert not Section.objects.filter(contract=contract, is_mental_health_volet=True).exists()


def test_replacing_the_plan_bins_the_fiches_already_there(alice_client, plan):
    uploaded = alice_client.post(upload_url(plan.contract), {"file": complex_plan(), "replace": "on"})
    assert "seront mises à la corbeille" in alice_client.get(uploaded["Location"]).content.decode()

    alice_client.post(uploaded["Location"], {"confirm": "1"})

    plan.guide.refresh_from_db()
    assert plan.guide.deleted_at is not None
    assert Action.objects.alive().filter(contract=plan.contract).count() == 29


def test_a_bad_file_shows_every_error_and_writes_nothing(alice_client, contract):
    uploaded = alice_client.post(upload_url(contract), {"file": bad_file()})
    assert uploaded.status_code == 302

    preview = alice_client.get(uploaded["Location"])

    assert preview.status_code == 400
    html = preview.content.decode()
    assert "Rien n’a été importé" in html
    assert (
        "Ligne 4, colonne « Date de fin » : « 31/13/2026 » — attendu : une date JJ/MM/AAAA ou un nombre de "
        "série Excel." in html
    )
    assert (
        "Ligne 5, colonne « Titre de la fiche action » : vide — attendu : le titre de la fiche action" in html
    )
    assert 'id="import-apply"' not in html

    forced = alice_client.post(uploaded["Location"], {"confirm": "1"})

    assert forced.status_code == 400
    assert "Rien n’a été importé" in forced.content.decode()
    assert not Action.objects.filter(contract=contract).exists()
    assert not Section.objects.filter(contract=contract).exists()


def test_a_file_that_is_not_a_workbook_is_refused_on_the_upload_page(alice_client, contract, var_dir):
    response = alice_client.post(
        upload_url(contract),
        {"file": SimpleUploadedFile("plan.xlsx", b"Axe;Titre\n1;Fiche"), "replace": "on"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Le fichier n’est pas un classeur Excel (.xlsx) lisible." in html
    assert 'id="import-replace" name="replace" checked' in html
    assert not list(var_dir.glob("imports/*"))


def test_a_missing_or_too_large_file_is_refused(alice_client, contract):
    missing = alice_client.post(upload_url(contract), {})
    assert missing.status_code == 400
    assert "Choisissez un fichier .xlsx à importer." in missing.content.decode()

    big = SimpleUploadedFile("gros.xlsx", b"0" * (tet.MAX_BYTES + 1))
    too_large = alice_client.post(upload_url(contract), {"file": big})
    assert too_large.status_code == 400
    assert "10 Mo au plus" in too_large.content.decode()


def test_cancelling_removes_the_uploaded_file(alice_client, contract, var_dir):
    uploaded = alice_client.post(upload_url(contract), {"file": complex_plan()})
    token = token_of(uploaded)

    cancelled = alice_client.post(uploaded["Location"], {"cancel": "1"})

    assert cancelled.status_code == 302 and cancelled["Location"] == upload_url(contract)
    assert not (var_dir / "imports" / f"{token}.xlsx").exists()
    assert not Action.objects.filter(contract=contract).exists()


def test_only_the_plan_coordinator_may_import(client, contract, bob, charlie):
    client.force_login(bob)
    assert client.get(upload_url(contract)).status_code == 403
    assert client.post(upload_url(contract), {"file": complex_plan()}).status_code == 403
    client.force_login(charlie)
    assert client.get(upload_url(contract)).status_code == 404  # a draft of another collectivité
    client.logout()
    assert client.get(upload_url(contract)).status_code == 302  # to the login page
    assert not Action.objects.filter(contract=contract).exists()


def test_a_token_of_another_session_or_contract_is_not_found(alice_client, alice, contract, make_contract):
    uploaded = alice_client.post(upload_url(contract), {"file": complex_plan()})
    token = token_of(uploaded)

    other_session = Client()
    other_session.force_login(alice)
    assert other_session.get(uploaded["Location"]).status_code == 404
    assert other_session.post(uploaded["Location"], {"confirm": "1"}).status_code == 404

    other = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)")
    assert alice_client.get(reverse("plans:import_preview", args=[other.public_id, token])).status_code == 404
    assert (
        alice_client.get(reverse("plans:import_preview", args=[contract.public_id, ".." + token])).status_code
        == 404
    )
    assert not Action.objects.exists()
