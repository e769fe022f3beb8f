"""The import pages: upload a Territoires en Transitions workbook, read the preview, confirm."""

import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from santelocale.accounts.enums import Role
from santelocale.contracts.enums import ContractKind
from santelocale.plans import tet
from santelocale.plans.models import Action, PendingImport, Section
from tests.conftest import _person
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
    for number, column in enumerate(tet.TEMPLATE_COLUMNS, start=1):
        ws.cell(2, number, column.header)
        ws.cell(3, number, column.kind)
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
    assert PendingImport.objects.get(token=token).contract == contract
    assert not (var_dir / "imports").exists()  # kept in the database, not in a server's folder
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
    assert not PendingImport.objects.filter(token=token).exists()
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
    assert not PendingImport.objects.exists()


def test_a_missing_or_too_large_file_is_refused(alice_client, contract):
    missing = alice_client.post(upload_url(contract), {})
    assert missing.status_code == 400
    assert "Choisissez un fichier .xlsx à importer." in missing.content.decode()

    big = SimpleUploadedFile("gros.xlsx", b"0" * (tet.MAX_BYTES + 1))
    too_large = alice_client.post(upload_url(contract), {"file": big})
    assert too_large.status_code == 400
    assert "10 Mo au plus" in too_large.content.decode()


def test_cancelling_removes_the_pending_import(alice_client, contract):
    uploaded = alice_client.post(upload_url(contract), {"file": complex_plan()})
    token = token_of(uploaded)

    cancelled = alice_client.post(uploaded["Location"], {"cancel": "1"})

    assert cancelled.status_code == 302 and cancelled["Location"] == upload_url(contract)
    assert not PendingImport.objects.filter(token=token).exists()
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


def test_a_token_of_another_user_or_contract_is_not_found(alice_client, contract, make_contract, albi):
    uploaded = alice_client.post(upload_url(contract), {"file": complex_plan()})
    token = token_of(uploaded)

    other_user = Client()
    other_user.force_login(_person("amelie@example.test", albi, Role.COORDINATOR))  # may edit the plan
    assert other_user.get(uploaded["Location"]).status_code == 404
    assert other_user.post(uploaded["Location"], {"confirm": "1"}).status_code == 404

    other = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)")
    assert alice_client.get(reverse("plans:import_preview", args=[other.public_id, token])).status_code == 404
    assert (
        alice_client.get(reverse("plans:import_preview", args=[contract.public_id, ".." + token])).status_code
        == 404
    )
    assert not Action.objects.exists()


def test_a_step_longer_than_its_column_is_shown_as_an_error_of_the_preview_and_cannot_be_imported(
    alice_client, contract
):
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = "Fichier dimport"
    for column, header in enumerate(["Axe (x)", "Titre de la fiche action", "Étapes"], start=1):
        ws.cell(2, column, header)
    ws.append(["1. Accès aux soins", "Guide santé", "Cadrer\n" + "é" * 412])
    out = io.BytesIO()
    workbook.save(out)
    uploaded = alice_client.post(
        upload_url(contract), {"file": SimpleUploadedFile("etapes.xlsx", out.getvalue())}
    )

    preview = alice_client.get(uploaded["Location"])

    assert preview.status_code == 400
    html = preview.content.decode()
    assert "Rien n’a été importé" in html
    assert "Ligne 3, colonne « Étapes » : une étape dépasse 300 caractères (412)" in html
    assert 'id="import-apply"' not in html
    assert alice_client.post(uploaded["Location"], {"confirm": "1"}).status_code == 400
    assert not Action.objects.filter(contract=contract).exists()


def test_the_preview_and_the_import_work_from_another_session_without_reading_the_file_again(
    alice_client, alice, contract, monkeypatch
):
    """Two app servers behind a proxy without sticky sessions: the preview and the confirmation may reach
    another server (another session); the parsed content is in the database, the file is never re-read."""
    uploaded = alice_client.post(upload_url(contract), {"file": complex_plan()})

    def no_second_read(*args, **kwargs):
        raise AssertionError("the workbook was read a second time")

    monkeypatch.setattr(openpyxl, "load_workbook", no_second_read)
    other_server = Client()
    other_server.force_login(alice)
    preview = other_server.get(uploaded["Location"])
    assert preview.status_code == 200
    assert "29 fiches actions" in preview.content.decode()

    confirmed = other_server.post(uploaded["Location"], {"confirm": "1"})

    assert confirmed.status_code == 302
    assert Action.objects.alive().filter(contract=contract).count() == 29
    assert not PendingImport.objects.exists()
    assert other_server.post(uploaded["Location"], {"confirm": "1"}).status_code == 404  # not twice
    assert Action.objects.alive().filter(contract=contract).count() == 29


def test_an_expired_pending_import_is_not_found_and_is_purged(alice_client, contract):
    uploaded = alice_client.post(upload_url(contract), {"file": complex_plan()})
    token = token_of(uploaded)
    PendingImport.objects.filter(token=token).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    assert alice_client.get(uploaded["Location"]).status_code == 404
    assert alice_client.post(uploaded["Location"], {"confirm": "1"}).status_code == 404
    alice_client.post(upload_url(contract), {"file": complex_plan()})
    assert not PendingImport.objects.filter(token=token).exists()
    assert PendingImport.objects.count() == 1
    assert not Action.objects.filter(contract=contract).exists()


def workbook_with_a_far_cell(row: int = 1_048_576) -> bytes:
    """Two fiches, then one blank-looking cell on Excel's last row: a 5 KB file of a million rows."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = "Fichier dimport"
    ws.cell(2, 1, "Axe (x)")
    ws.cell(2, 4, "Titre de la fiche action")
    ws.cell(4, 1, "1. Accès aux soins")
    ws.cell(4, 4, "Guide santé")
    ws.cell(5, 1, "1. Accès aux soins")
    ws.cell(5, 4, "Maison de santé")
    ws.cell(row, 2, " ")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def workbook_with_empty_rows(count: int, *, styled: bool = True) -> bytes:
    """The same two fiches followed by ``count`` empty (styled) rows written into the sheet's XML: what a
    sheet formatted down to its last row looks like."""
    source = zipfile.ZipFile(io.BytesIO(workbook_with_a_far_cell(row=6)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                template = (
                    '<row r="{0}" spans="1:35"><c r="A{0}" s="0"/></row>' if styled else '<row r="{0}"/>'
                )
                rows = "".join(template.format(n) for n in range(7, 7 + count))
                data = data.replace(b"</sheetData>", rows.encode() + b"</sheetData>")
            target.writestr(item, data)
    return out.getvalue()


def test_a_workbook_of_a_million_rows_is_read_up_to_its_data_end_with_its_real_rows(alice_client, contract):
    # Speed is measured by bench/imports.py; here, the proof that reading stopped is the warning.
    uploaded = alice_client.post(
        upload_url(contract), {"file": SimpleUploadedFile("plan.xlsx", workbook_with_a_far_cell())}
    )

    assert uploaded.status_code == 302
    html = alice_client.get(uploaded["Location"]).content.decode()
    assert "2 fiches actions" in html
    assert f"{tet.EMPTY_RUN} lignes vides de suite marquent la fin des données" in html


def test_two_million_empty_rows_are_read_only_up_to_the_data_end(alice_client, contract):
    data = workbook_with_empty_rows(2_000_000, styled=False)
    assert len(data) < 10 * 1024 * 1024  # within the upload limit

    uploaded = alice_client.post(upload_url(contract), {"file": SimpleUploadedFile("plan.xlsx", data)})

    # Speed is measured by bench/imports.py (was 1 to 5 minutes); here, where reading stopped.
    assert uploaded.status_code == 302
    html = alice_client.get(uploaded["Location"]).content.decode()
    assert "2 fiches actions" in html
    stopped = re.search(r"Lecture arrêtée ligne (\d[\d\s\u202f]*)", html)
    assert stopped, "the preview says where reading stopped"
    assert int(re.sub(r"\D", "", stopped.group(1))) <= 7 + tet.EMPTY_RUN


@pytest.mark.slow
def test_a_workbook_too_large_once_unzipped_is_refused_before_it_is_read(alice_client, contract):
    data = workbook_with_empty_rows(2_000_000)  # ~110 MB of sheet XML in a 9 MB file

    response = alice_client.post(upload_url(contract), {"file": SimpleUploadedFile("plan.xlsx", data)})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Le classeur décompressé occuperait" in html
    assert "Copiez les seules lignes du plan dans un nouveau classeur" in html
    assert not PendingImport.objects.exists()
