"""The contract pages, driven with the Django client against the real database."""

import csv
import datetime
import io

import pytest

from santelocale.contracts.enums import ContractKind, LinkKind, SignatoryKind, Status
from santelocale.contracts.models import Contract, RegionalTheme, StatusChange
from santelocale.contracts.services import add_theme, renew_contract
from santelocale.territories.services import save_perimeter
from tests.contracts.conftest import make_ready_to_sign


def _form(perimeter, albi, **overrides):
    data = {
        "kind": "CLS",
        "name": "CLS de la Ville d’Albi",
        "perimeter": perimeter.pk,
        "region": "76",
        "department": "81",
        "porteurs": [albi.pk],
        "launched_on": "2023-01-15",
        "generation": "1",
        "starts_on": "",
        "ends_on": "",
    }
    data.update(overrides)
    return data


def test_a_coordinator_creates_a_cls_from_the_form(client, alice, albi, albi_perimeter):
    client.force_login(alice)
    assert "Ville d’Albi" in client.get("/contrats/nouveau/").content.decode()
    response = client.post("/contrats/nouveau/", _form(albi_perimeter, albi, starts_on="2024-03-01"))
    contract = Contract.objects.get(name="CLS de la Ville d’Albi")
    assert response.status_code == 302 and response["Location"] == contract.get_absolute_url()
    assert (contract.status, contract.ends_on, list(contract.porteurs.all())) == (
        Status.REFLECTION,
        datetime.date(2029, 2, 28),
        [albi],
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"starts_on": "2025-01-01", "ends_on": "2024-01-01"}, "Dates dans le désordre"),
        ({"starts_on": "31/02/2024"}, "Date invalide : utilisez le format JJ/MM/AAAA."),
        ({"name": ""}, "Le nom du contrat est obligatoire."),
        ({"porteurs": []}, "Indiquez au moins une collectivité porteuse."),
        ({"region": "93"}, "sort de la région Provence-Alpes-Côte"),
    ],
)
def test_a_bad_contract_form_explains_in_french_and_writes_nothing(
    client, alice, albi, albi_perimeter, overrides, message
):
    client.force_login(alice)
    before = Contract.objects.count()
    response = client.post("/contrats/nouveau/", _form(albi_perimeter, albi, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Contract.objects.count() == before


def test_a_duplicate_contract_is_refused_from_the_form(client, alice, albi, albi_perimeter, cls_draft):
    client.force_login(alice)
    response = client.post("/contrats/nouveau/", _form(albi_perimeter, albi, name="Doublon"))
    assert response.status_code == 400
    assert "Un CLS est déjà en cours sur ce périmètre : « CLS d’Albi (test) »" in response.content.decode()


def test_a_reader_may_not_create_a_contract(client, bob):
    client.force_login(bob)
    assert client.get("/contrats/nouveau/").status_code == 403


def test_the_checklist_shows_what_is_missing_then_passes(client, alice, albi, cls_draft):
    client.force_login(alice)
    page = client.get(cls_draft.get_absolute_url()).content.decode()
    assert page.count("Bloquant") == 4
    assert "Manque l’ARS et au moins une collectivité (commune ou EPCI)." in page
    make_ready_to_sign(cls_draft, albi)
    page = client.get(cls_draft.get_absolute_url()).content.decode()
    assert "Bloquant" not in page
    assert "Loi n° 2022-217 du 21 février 2022" in page


def _move(client, contract, target, reason="Étape validée en COPIL", **extra):
    return client.post(
        f"/contrats/{contract.public_id}/statut/", {"target": target, "reason": reason, **extra}
    )


def test_the_life_cycle_runs_from_the_page_and_signing_is_refused_until_compliant(
    client, alice, diane, albi, cls_draft
):
    client.force_login(alice)
    for target, day in ((Status.DIAGNOSIS, "2023-06-01"), (Status.DRAFTING, "2024-01-15")):
        assert _move(client, cls_draft, target, effective_on=day).status_code == 302
    assert _move(client, cls_draft, Status.SIGNED).status_code == 403  # the coordinator cannot sign
    client.force_login(diane)
    refused = _move(client, cls_draft, Status.SIGNED)
    assert refused.status_code == 400
    assert "Volet santé mentale" in refused.content.decode()
    cls_draft.refresh_from_db()
    assert cls_draft.status == Status.DRAFTING
    make_ready_to_sign(cls_draft, albi)
    # A signature dated before the last step would put « Signé » above « Élaboration » in the log.
    refused = _move(client, cls_draft, Status.SIGNED, effective_on="2023-12-01")
    assert refused.status_code == 400
    assert "précède la dernière étape du journal (« Élaboration », le 15/01/2024)" in refused.content.decode()
    assert _move(client, cls_draft, Status.SIGNED, effective_on="2024-06-01").status_code == 302
    cls_draft.refresh_from_db()
    assert (cls_draft.status, cls_draft.signed_on) == (Status.SIGNED, datetime.date(2024, 6, 1))
    assert StatusChange.objects.filter(contract=cls_draft, to_status=Status.SIGNED, changed_by=diane).exists()


def test_a_transition_not_allowed_or_without_reason_is_explained(client, alice, cls_draft):
    client.force_login(alice)
    response = _move(client, cls_draft, Status.COMPLETED)
    assert response.status_code == 400
    assert "Passage impossible de « En réflexion » à « Achevé »." in response.content.decode()
    response = _move(client, cls_draft, Status.PREFIGURATION, reason="")
    assert "Indiquez le motif du changement de statut." in response.content.decode()
    assert cls_draft.status_changes.count() == 1


def test_signatories_are_added_and_a_bad_date_is_refused(client, alice, cls_draft):
    client.force_login(alice)
    url = f"/contrats/{cls_draft.public_id}/signataires/"
    ok = client.post(url, {"signatory-kind": "PREFECT", "signatory-name": "Préfecture du Tarn"})
    assert ok.status_code == 302
    bad = client.post(
        url, {"signatory-kind": "CPAM", "signatory-name": "CPAM du Tarn", "signatory-signed_on": "2020-01-01"}
    )
    assert bad.status_code == 400
    assert "précède le lancement de la démarche (15/01/2023)" in bad.content.decode()
    assert list(cls_draft.signatories.values_list("kind", flat=True)) == [SignatoryKind.PREFECT]


def test_a_clsm_is_linked_as_the_mental_health_volet_from_the_cls_page(
    client, alice, cls_draft, make_contract
):
    clsm = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)")
    client.force_login(alice)
    response = client.post(
        f"/contrats/{cls_draft.public_id}/articulations/",
        {"link-kind": LinkKind.MENTAL_HEALTH_VOLET, "link-target_contract": clsm.pk},
    )
    assert response.status_code == 302
    link = clsm.links.get()
    assert (link.kind, link.target_contract) == (LinkKind.MENTAL_HEALTH_VOLET, cls_draft)
    assert "CLSM « CLSM d’Albi (test) »" in client.get(cls_draft.get_absolute_url()).content.decode()


def test_indicators_are_added_and_a_duplicate_is_refused(client, alice, cls_draft):
    client.force_login(alice)
    url = f"/contrats/{cls_draft.public_id}/indicateurs/"
    data = {
        "indicator-name": "Part des actions réalisées",
        "indicator-kind": "PROCESS",
        "indicator-unit": "%",
    }
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 400
    assert "existe déjà" in again.content.decode()
    assert cls_draft.indicators.count() == 1


def test_the_public_sees_a_published_contract_and_its_map_but_not_a_draft(client, make_contract, alice):
    castres = save_perimeter(name="Castres", components=[{"kind": "commune", "code": "81065"}], user=alice)
    published = make_contract(name="CLS de Castres (test)", perimeter=castres, is_published=True)
    draft = make_contract()
    assert client.get(published.get_absolute_url()).status_code == 200
    geojson = client.get(f"/contrats/{published.public_id}/perimetre.geojson")
    assert geojson.status_code == 200 and b"FeatureCollection" in geojson.content
    assert client.get(draft.get_absolute_url()).status_code == 404
    listing = client.get("/contrats/").content.decode()
    assert "CLS de Castres (test)" in listing and "CLS d’Albi (test)" not in listing


def test_an_ars_administrator_manages_the_socles_of_their_region_only(client, armand, regine, cls_draft):
    client.force_login(regine)
    assert client.get("/contrats/socles/76/").status_code == 403
    client.force_login(armand)
    assert client.get("/contrats/socles/93/").status_code == 403
    response = client.post("/contrats/socles/76/", {"label": "Nutrition et activité physique"})
    assert response.status_code == 302
    assert RegionalTheme.objects.filter(region_id="76", label="Nutrition et activité physique").exists()
    duplicate = client.post("/contrats/socles/76/", {"label": "nutrition et activité physique"})
    assert duplicate.status_code == 400 and "existe déjà" in duplicate.content.decode()


def test_a_socle_covered_by_a_contract_cannot_be_removed(client, armand, occitanie, cls_draft):
    theme = add_theme(occitanie, label="Thème couvert (test)")
    cls_draft.themes.add(theme)
    client.force_login(armand)
    response = client.post(f"/contrats/socles/76/{theme.pk}/supprimer/", follow=True)
    assert "est couvert par 1 contrat(s)" in response.content.decode()
    assert RegionalTheme.objects.filter(pk=theme.pk).exists()


def test_a_signed_contract_is_renewed_from_its_page(client, alice, make_contract):
    signed = make_contract(status=Status.IMPLEMENTATION, starts_on=datetime.date(2023, 2, 1))
    client.force_login(alice)
    response = client.post(f"/contrats/{signed.public_id}/renouveler/", {"renew-name": "CLS d’Albi 2 (test)"})
    renewal = Contract.objects.get(name="CLS d’Albi 2 (test)")
    assert response.status_code == 302 and response["Location"] == renewal.get_absolute_url()
    assert (renewal.generation, renewal.renews) == (2, signed)


def test_a_second_generation_cls_can_be_entered_without_its_predecessor(client, alice, albi, albi_perimeter):
    client.force_login(alice)
    response = client.post("/contrats/nouveau/", _form(albi_perimeter, albi, generation="2"))
    assert response.status_code == 302
    assert Contract.objects.get(name="CLS de la Ville d’Albi").generation_label == "2e génération"
    refused = client.post("/contrats/nouveau/", _form(albi_perimeter, albi, name="Autre", generation="0"))
    assert "La génération d’un contrat va de 1 à 9." in refused.content.decode()


def test_a_contract_whose_generation_the_sources_do_not_give_says_so_everywhere(
    client, alice, albi, albi_perimeter
):
    client.force_login(alice)
    response = client.post(
        "/contrats/nouveau/", _form(albi_perimeter, albi, generation="", is_published="on")
    )
    assert response.status_code == 302
    contract = Contract.objects.get(name="CLS de la Ville d’Albi")
    assert contract.generation is None
    assert "génération inconnue" in client.get(contract.get_absolute_url()).content.decode()
    assert "1re génération" not in client.get(contract.get_absolute_url()).content.decode()
    assert client.get(f"/api/contrats/{contract.public_id}").json()["generation"] is None
    text = client.get("/observatoire/registre.csv").content.decode("utf-8-sig")
    rows = {
        row["name"]: row for row in csv.DictReader(io.StringIO(text), delimiter=text[text.index("name") + 4])
    }
    assert rows[contract.name]["generation"] == ""
    # Its renewal's generation is unknown too: « 2e » would be a guess.
    Contract.objects.filter(pk=contract.pk).update(status=Status.IMPLEMENTATION)
    renewal = renew_contract(
        Contract.objects.get(pk=contract.pk), user=alice, name="CLS d’Albi, suite (test)"
    )
    assert (renewal.generation, renewal.generation_label) == (None, "génération inconnue")


def test_a_refused_status_change_keeps_the_motive_and_date_typed_under_a_focused_alert(
    client, diane, cls_draft
):
    client.force_login(diane)
    response = _move(
        client, cls_draft, Status.PREFIGURATION, reason="Préfiguration votée", effective_on="2099-01-01"
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert" tabindex="-1" autofocus' in html and "ne peut pas être dans le futur" in html
    form = html[html.index('id="transition-prefiguration"') :].split("</form>")[0]
    assert ">Préfiguration votée</textarea>" in form and 'value="2099-01-01"' in form
