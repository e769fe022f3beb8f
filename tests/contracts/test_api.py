"""The contracts API: every operation's happy path and its refusals, checked against the database.

A refusal answers 403 (no right), 404 (contract not visible) or 422 (a rule refuses, every problem listed in
French) and writes nothing.
"""

import datetime

import pytest

from santelocale.contracts.enums import ContractKind, LinkKind, Status
from santelocale.contracts.models import (
    Body,
    BodyMember,
    Contact,
    Contract,
    ContractLink,
    Meeting,
    RegionalTheme,
    Signatory,
    StatusChange,
)
from santelocale.contracts.services import add_signatory, add_years, confirm_signatory
from santelocale.indicators.models import Indicator
from santelocale.territories.services import save_perimeter
from tests.contracts.conftest import make_ready_to_sign

pytestmark = pytest.mark.django_db

API = "/api/contrats"


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def _patch(client, url, data):
    """PATCH as a well-behaved client does: with the version it has just read (GET)."""
    if "version" not in data:
        data = {**data, "version": client.get(url).json().get("version", 1)}
    return client.patch(url, data, content_type="application/json")


def _new_contract(albi_perimeter, albi, **overrides):
    payload = {
        "kind": "CLS",
        "name": "CLS d’Albi (API)",
        "perimeter": str(albi_perimeter.public_id),
        "region": "76",
        "department": "81",
        "porteurs": [albi.pk],
        "launched_on": "2024-01-15",
        "summary": "Aller vers les habitants des QPV.",
        "source": "Saisie de test",
    }
    payload.update(overrides)
    return payload


# --- List and detail --------------------------------------------------------------------------------


def test_the_public_lists_published_contracts_only(client, make_contract, alice):
    draft = make_contract()
    clsm = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)", is_published=True)
    names = {c["name"] for c in client.get(API).json()}
    assert names == {clsm.name}
    assert {c["name"] for c in _as(client, alice).get(API).json()} == {draft.name, clsm.name}


def test_the_list_filters_by_kind_status_region_and_department(client, make_contract, alice):
    make_contract()
    make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)", status=Status.PREFIGURATION)
    _as(client, alice)
    assert [c["name"] for c in client.get(API, {"kind": "CLSM"}).json()] == ["CLSM d’Albi (test)"]
    assert [c["name"] for c in client.get(API, {"status": "REFLECTION"}).json()] == ["CLS d’Albi (test)"]
    assert len(client.get(API, {"region": "76", "department": "81"}).json()) == 2
    assert client.get(API, {"region": "93"}).json() == []


def test_the_detail_gives_status_family_perimeter_porteurs_history_and_checklist(client, cls_draft, alice):
    body = _as(client, alice).get(f"{API}/{cls_draft.public_id}").json()
    assert body["status_label"] == "En réflexion"
    assert (body["group"], body["group_label"]) == ("PROJECT", "En projet")
    assert body["perimeter"]["commune_count"] == 1
    assert body["perimeter"]["population"] > 40_000
    assert body["porteurs"] == ["Ville d’Albi (test)"]
    assert [(h["from_status"], h["to_status"]) for h in body["history"]] == [("", "REFLECTION")]
    assert body["history"][0]["changed_by"] == "Alice"
    assert {i["code"] for i in body["compliance"]} >= {
        "mental_health_volet",
        "signatories",
        "regional_themes",
    }
    assert body["can_change"] is True and body["can_sign"] is False


def test_a_running_contract_past_its_end_is_shown_due_for_reactivation(client, make_contract):
    contract = make_contract(
        status=Status.IMPLEMENTATION,
        is_published=True,
        launched_on=datetime.date(2015, 1, 1),
        starts_on=datetime.date(2016, 1, 1),
    )
    body = client.get(f"{API}/{contract.public_id}").json()
    assert body["status_label"] == "Mise en œuvre — à échéance, à réactiver"
    assert body["group"] == "ENDED"
    assert body["history"][0]["changed_by"] is None  # the public does not learn who did it


def test_another_regions_ars_and_the_public_cannot_see_a_draft(client, cls_draft, paul, charlie):
    for user in (None, paul, charlie):
        response = _as(client, user).get(f"{API}/{cls_draft.public_id}")
        assert response.status_code == 404
        assert response.json()["detail"] == "Aucun contrat visible ne porte cet identifiant."
        assert _as(client, user).get(f"{API}/{cls_draft.public_id}/conformite").status_code == 404


def test_a_confirmed_partner_sees_the_draft_but_not_its_private_contacts_and_the_public_neither(
    client, cls_draft, pia, cpam, regine
):
    signatory = add_signatory(cls_draft, kind="CPAM", name="CPAM du Tarn", organisation=cpam)
    Contact.objects.create(
        contract=cls_draft, role="ARS_REFERENT", name="Référent·e DD", organisation="ARS", is_public=False
    )
    Contact.objects.create(contract=cls_draft, role="COORDINATOR", name="Coordination", organisation="Albi")
    # Named but not confirmed: the partner's members see what the public sees (here: nothing).
    assert _as(client, pia).get(f"{API}/{cls_draft.public_id}").status_code == 404
    confirm_signatory(signatory, user=regine)
    body = _as(client, pia).get(f"{API}/{cls_draft.public_id}").json()
    # Unpublished contacts: the porteurs' editors and the ARS only (docs/permissions.md).
    assert {c["name"] for c in body["contacts"]} == {"Coordination"}
    assert body["can_change"] is False
    assert _as(client, regine).get(f"{API}/{cls_draft.public_id}").json()["contacts"][0]["name"] == (
        "Référent·e DD"
    )
    Contract.objects.filter(pk=cls_draft.pk).update(is_published=True)
    public = _as(client, None).get(f"{API}/{cls_draft.public_id}").json()
    assert [c["name"] for c in public["contacts"]] == ["Coordination"]


# --- Create and change ------------------------------------------------------------------------------


def test_a_coordinator_creates_a_contract_which_starts_in_reflection(client, alice, albi, albi_perimeter):
    response = _post(_as(client, alice), API, _new_contract(albi_perimeter, albi, ends_on="2029-12-31"))
    assert response.status_code == 201, response.content
    body = response.json()
    contract = Contract.objects.get(public_id=body["id"])
    assert contract.status == Status.REFLECTION
    assert contract.created_by == alice
    assert contract.ends_on == datetime.date(2029, 12, 31)
    assert list(contract.porteurs.all()) == [albi]
    assert contract.source == "Saisie de test"
    assert body["status_label"] == "En réflexion"


def test_a_coordinator_cannot_create_a_contract_with_a_signature_date(client, alice, albi, albi_perimeter):
    # The signature date is the ARS's (docs/permissions.md), at creation as afterwards.
    payload = _new_contract(albi_perimeter, albi, signed_on="2025-03-01")
    response = _post(_as(client, alice), API, payload)
    assert response.status_code == 403, response.content
    assert "ARS" in response.json()["detail"]
    assert not Contract.objects.exists()
    page = _as(client, alice).get("/contrats/nouveau/").content.decode()
    assert "Enregistrée par l’ARS, avec la signature." in page


def test_creation_with_dates_out_of_order_is_refused_and_nothing_is_written(
    client, alice, albi, albi_perimeter
):
    payload = _new_contract(albi_perimeter, albi, starts_on="2025-01-01", ends_on="2024-01-01")
    response = _post(_as(client, alice), API, payload)
    assert response.status_code == 422
    assert "Dates dans le désordre" in response.json()["detail"]
    assert not Contract.objects.exists()


def test_creation_on_a_perimeter_outside_the_ars_region_is_refused(client, alice, albi):
    marseille = save_perimeter(
        name="Marseille", components=[{"kind": "commune", "code": "13055"}], user=alice
    )
    response = _post(_as(client, alice), API, _new_contract(marseille, albi))
    assert response.status_code == 422
    assert "sort de la région Occitanie" in response.json()["messages"][0]
    assert not Contract.objects.exists()


def test_a_duplicate_active_contract_is_refused(client, alice, albi, albi_perimeter, cls_draft):
    response = _post(_as(client, alice), API, _new_contract(albi_perimeter, albi, name="Second CLS"))
    assert response.status_code == 422
    assert "Un CLS est déjà en cours sur ce périmètre" in response.json()["detail"]
    assert Contract.objects.count() == 1


def test_unknown_perimeter_region_porteurs_and_socles_are_all_listed(client, alice, albi, albi_perimeter):
    payload = _new_contract(
        albi_perimeter,
        albi,
        perimeter="00000000-0000-0000-0000-000000000000",
        region="99",
        porteurs=[albi.pk, 987654],
        themes=[123456],
    )
    messages = _post(_as(client, alice), API, payload).json()["messages"]
    assert messages == [
        "Périmètre introuvable : « 00000000-0000-0000-0000-000000000000 ».",
        "Région inconnue : « 99 ».",
        "Organisation(s) inconnue(s) : 987654.",
        "Socle(s) inconnu(s) : 123456.",
    ]
    assert not Contract.objects.exists()


def test_a_malformed_request_is_explained_in_french(client, alice):
    response = _post(_as(client, alice), API, {"kind": "CLS"})
    assert response.status_code == 422
    assert "champ obligatoire" in response.json()["detail"]


def test_a_reader_cannot_create_a_contract(client, bob, albi, albi_perimeter):
    response = _post(_as(client, bob), API, _new_contract(albi_perimeter, albi))
    assert response.status_code == 403
    assert "réservé" in response.json()["detail"]
    assert not Contract.objects.exists()


def test_a_coordinator_cannot_create_a_contract_for_a_collectivity_she_does_not_edit(
    client, charlie, albi, albi_perimeter
):
    response = _post(_as(client, charlie), API, _new_contract(albi_perimeter, albi))
    assert response.status_code == 403
    assert "éditeur·rice" in response.json()["detail"]
    assert not Contract.objects.exists()
    assert not StatusChange.objects.exists()


def test_only_the_ars_registers_a_contract_already_signed(client, alice, diane, albi, albi_perimeter):
    payload = _new_contract(albi_perimeter, albi, status="IMPLEMENTATION", starts_on="2024-03-01")
    assert _post(_as(client, alice), API, payload).status_code == 403
    assert not Contract.objects.exists()
    response = _post(_as(client, diane), API, payload)
    assert response.status_code == 201
    assert Contract.objects.get().status == Status.IMPLEMENTATION


def test_writes_need_a_session(client, cls_draft, albi, albi_perimeter):
    assert _post(client, API, _new_contract(albi_perimeter, albi)).status_code == 401
    assert _patch(client, f"{API}/{cls_draft.public_id}", {"name": "Piraté"}).status_code == 401
    assert client.delete(f"{API}/socles/76/1").status_code == 401
    cls_draft.refresh_from_db()
    assert cls_draft.name == "CLS d’Albi (test)"


def test_patch_changes_only_the_fields_sent(client, alice, cls_draft, occitanie):
    themes = list(occitanie.themes.values_list("pk", flat=True))
    response = _patch(
        _as(client, alice),
        f"{API}/{cls_draft.public_id}",
        {"summary": "Nouvelle présentation", "themes": themes, "starts_on": "2024-01-01"},
    )
    assert response.status_code == 200, response.content
    cls_draft.refresh_from_db()
    assert cls_draft.summary == "Nouvelle présentation"
    assert cls_draft.name == "CLS d’Albi (test)"
    assert cls_draft.ends_on == datetime.date(2028, 12, 31)
    assert set(cls_draft.themes.values_list("pk", flat=True)) == set(themes)
    assert cls_draft.launched_on == datetime.date(2023, 1, 15)


def test_patch_with_dates_out_of_order_is_refused_and_the_contract_is_unchanged(client, alice, cls_draft):
    response = _patch(
        _as(client, alice),
        f"{API}/{cls_draft.public_id}",
        {"name": "Renommé", "starts_on": "2026-01-01", "ends_on": "2025-01-01"},
    )
    assert response.status_code == 422
    cls_draft.refresh_from_db()
    assert (cls_draft.name, cls_draft.starts_on) == ("CLS d’Albi (test)", None)


def test_a_reader_cannot_change_a_contract(client, bob, cls_draft):
    response = _patch(_as(client, bob), f"{API}/{cls_draft.public_id}", {"name": "Renommé"})
    assert response.status_code == 403
    assert "pas le modifier" in response.json()["detail"]
    cls_draft.refresh_from_db()
    assert cls_draft.name == "CLS d’Albi (test)"


# --- Life cycle -------------------------------------------------------------------------------------


def test_transition_options_say_what_is_allowed_and_what_blocks(client, make_contract, alice, diane):
    contract = make_contract(status=Status.DRAFTING)
    alice_options = {
        o["target"]: o for o in _as(client, alice).get(f"{API}/{contract.public_id}/transitions").json()
    }
    assert set(alice_options) == {"DIAGNOSIS"}  # signing is the ARS's act: not offered to her
    diane_options = {
        o["target"]: o for o in _as(client, diane).get(f"{API}/{contract.public_id}/transitions").json()
    }
    assert diane_options["SIGNED"]["allowed"] is False
    assert any("Signataires obligatoires" in b for b in diane_options["SIGNED"]["blockers"])
    assert diane_options["DIAGNOSIS"]["backwards"] is True


def test_a_move_is_logged_with_its_reason(client, cls_draft, alice):
    response = _post(
        _as(client, alice),
        f"{API}/{cls_draft.public_id}/transitions",
        {
            "target": "PREFIGURATION",
            "reason": "Délibération du conseil municipal",
            "effective_on": "2024-02-01",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["to_label"] == "En préfiguration"
    change = cls_draft.status_changes.last()
    assert (change.to_status, change.reason, change.changed_by) == (
        Status.PREFIGURATION,
        "Délibération du conseil municipal",
        alice,
    )
    assert change.effective_on == datetime.date(2024, 2, 1)


def test_a_transition_not_allowed_is_refused_and_nothing_is_logged(client, cls_draft, alice):
    response = _post(
        _as(client, alice),
        f"{API}/{cls_draft.public_id}/transitions",
        {"target": "SIGNED", "reason": "Pressée"},
    )
    assert response.status_code == 422
    assert response.json()["messages"] == ["Passage impossible de « En réflexion » à « Signé »."]
    cls_draft.refresh_from_db()
    assert cls_draft.status == Status.REFLECTION
    assert cls_draft.status_changes.count() == 1


def test_a_coordinator_cannot_sign(client, make_contract, alice, albi):
    contract = make_ready_to_sign(make_contract(status=Status.DRAFTING), albi)
    response = _post(
        _as(client, alice), f"{API}/{contract.public_id}/transitions", {"target": "SIGNED", "reason": "Signé"}
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "« Enregistrer la signature » est réservé à l’ARS."
    contract.refresh_from_db()
    assert contract.status == Status.DRAFTING


def test_signing_with_a_failing_checklist_lists_what_is_missing_then_succeeds_once_fixed(
    client, make_contract, alice, diane, albi, occitanie
):
    contract = make_contract(status=Status.DRAFTING)
    url = f"{API}/{contract.public_id}"
    sign = {"target": "SIGNED", "reason": "Signature en séance plénière"}
    refused = _post(_as(client, diane), f"{url}/transitions", sign)
    assert refused.status_code == 422
    missing = refused.json()["messages"]
    assert [m.split(" : ")[0] for m in missing] == [
        "Volet santé mentale",
        "Signataires obligatoires",
        "Indicateurs d’évaluation définis avant la signature",
        "Socles thématiques de la région",
    ]
    contract.refresh_from_db()
    assert contract.status == Status.DRAFTING and contract.signed_on is None

    # Alice, the coordinator, fills in what is missing through the API…
    _as(client, alice)
    assert _post(client, f"{url}/signataires", {"kind": "ARS", "name": "ARS Occitanie"}).status_code == 201
    signatory = {
        "kind": "COLLECTIVITY",
        "name": "Ville d’Albi",
        "representative": "Maire",
        "organisation": albi.pk,
    }
    assert _post(client, f"{url}/signataires", signatory).status_code == 201
    indicator = {"name": "Nombre d’actions en QPV", "kind": "PROCESS", "unit": "actions", "direction": "UP"}
    assert _post(client, f"{url}/indicateurs", indicator).status_code == 201
    themes = list(occitanie.themes.values_list("pk", flat=True))
    assert _patch(client, url, {"themes": themes}).status_code == 200
    assert all(item["ok"] for item in client.get(f"{url}/conformite").json() if item["blocking"])

    # … and the ARS signs.
    response = _post(_as(client, diane), f"{url}/transitions", sign)
    assert response.status_code == 201, response.content
    contract.refresh_from_db()
    assert contract.status == Status.SIGNED
    assert contract.signed_on == contract.starts_on == datetime.date.today()
    assert contract.ends_on == add_years(datetime.date.today(), 5) - datetime.timedelta(days=1)


def test_renewal_opens_the_next_generation_and_is_refused_for_an_unsigned_contract(
    client, make_contract, alice, cls_draft
):
    refused = _post(_as(client, alice), f"{API}/{cls_draft.public_id}/renouvellement", {"name": "CLS 2"})
    assert refused.status_code == 422
    assert refused.json()["messages"] == ["Seul un contrat signé peut être renouvelé."]
    Contract.objects.filter(pk=cls_draft.pk).update(status=Status.EVALUATION)
    response = _post(
        client,
        f"{API}/{cls_draft.public_id}/renouvellement",
        {"name": "CLS d’Albi 2", "launched_on": "2026-01-05"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["generation"], body["status"], body["renews"]["id"]) == (
        2,
        "REFLECTION",
        str(cls_draft.public_id),
    )
    assert Contract.objects.count() == 2


# --- Signatories, links, contacts, indicators -------------------------------------------------------


def test_signatories_are_added_and_removed_but_stay_once_signed(client, alice, make_contract):
    contract = make_contract(status=Status.DRAFTING)
    _as(client, alice)
    url = f"{API}/{contract.public_id}/signataires"
    response = _post(client, url, {"kind": "CPAM", "name": "CPAM du Tarn", "representative": "Directeur"})
    assert response.status_code == 201
    signatory_id = response.json()["id"]
    duplicate = _post(client, url, {"kind": "CPAM", "name": "cpam du tarn"})
    assert duplicate.status_code == 422
    assert "figure déjà parmi les signataires" in duplicate.json()["detail"]
    assert client.delete(f"{url}/{signatory_id}").status_code == 204
    assert not Signatory.objects.exists()

    kept = add_signatory(contract, kind="CAF", name="CAF du Tarn")
    Contract.objects.filter(pk=contract.pk).update(status=Status.SIGNED)
    refused = client.delete(f"{url}/{kept.pk}")
    assert refused.status_code == 422
    assert "ne peuvent plus être retirés" in refused.json()["detail"]
    assert Signatory.objects.filter(pk=kept.pk).exists()


def test_a_signatory_dated_before_the_launch_is_refused(client, alice, cls_draft):
    response = _post(
        _as(client, alice),
        f"{API}/{cls_draft.public_id}/signataires",
        {"kind": "ARS", "name": "ARS Occitanie", "signed_on": "2020-01-01"},
    )
    assert response.status_code == 422
    assert "précède le lancement" in response.json()["detail"]
    assert not Signatory.objects.exists()


def test_links_to_a_clsm_a_city_contract_and_a_ptsm(client, alice, make_contract, cls_draft):
    clsm = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)")
    _as(client, alice)
    cls_url, clsm_url = f"{API}/{cls_draft.public_id}", f"{API}/{clsm.public_id}"
    volet = _post(
        client,
        f"{cls_url}/articulations",
        {"kind": "MENTAL_HEALTH_VOLET", "target_contract": str(clsm.public_id)},
    )
    assert volet.status_code == 201, volet.content
    assert volet.json()["contract"]["name"] == "CLSM d’Albi (test)"  # stored on the CLSM, whichever side
    city = _post(
        client,
        f"{cls_url}/articulations",
        {"kind": "CITY_CONTRACT_HEALTH_VOLET", "city_contract": "2015-CV302"},
    )
    assert city.status_code == 201, city.content
    assert city.json()["city_contract"] == "2015-CV302"
    ptsm = _post(client, f"{clsm_url}/articulations", {"kind": "PTSM", "target_name": "PTSM du Tarn"})
    assert ptsm.status_code == 201
    links = client.get(cls_url).json()["links"]
    assert {(link["kind"], link["incoming"]) for link in links} == {
        (LinkKind.MENTAL_HEALTH_VOLET, True),
        (LinkKind.CITY_CONTRACT_HEALTH_VOLET, False),
    }
    mental_health = next(
        i for i in client.get(f"{cls_url}/conformite").json() if i["code"] == "mental_health_volet"
    )
    assert mental_health["ok"] is True

    assert client.delete(f"{cls_url}/articulations/{volet.json()['id']}").status_code == 204
    assert ContractLink.objects.count() == 2


def test_a_link_to_an_unknown_city_contract_or_an_invisible_contract_is_refused(
    client, alice, cls_draft, paul, ars_paca
):
    _as(client, alice)
    url = f"{API}/{cls_draft.public_id}/articulations"
    unknown = _post(client, url, {"kind": "CITY_CONTRACT_HEALTH_VOLET", "city_contract": "2015-CV999"})
    assert unknown.status_code == 422
    assert "Contrat de ville inconnu : « 2015-CV999 »" in unknown.json()["detail"]
    hidden = _post(
        client,
        url,
        {"kind": "MENTAL_HEALTH_VOLET", "target_contract": "00000000-0000-0000-0000-000000000000"},
    )
    assert hidden.status_code == 422
    wrong_kind = _post(client, url, {"kind": "PTSM", "target_name": "PTSM du Tarn"})
    assert wrong_kind.status_code == 422
    assert "ne s’applique pas à un CLS" in wrong_kind.json()["detail"]
    assert not ContractLink.objects.exists()


def test_contacts_are_added_validated_and_removed(client, alice, cls_draft):
    _as(client, alice)
    url = f"{API}/{cls_draft.public_id}/contacts"
    contact = {
        "role": "COORDINATOR",
        "name": "Coordination du CLS",
        "organisation": "Ville d’Albi",
        "email": "cls@albi.test",
    }
    response = _post(client, url, contact)
    assert response.status_code == 201, response.content
    assert _post(client, url, {**contact, "email": "pas-une-adresse"}).status_code == 422
    assert _post(client, url, {**contact, "name": " "}).json()["messages"] == [
        "Le nom ou la fonction du contact est obligatoire."
    ]
    assert _post(client, url, {**contact, "role": "GOUROU"}).status_code == 422
    assert Contact.objects.count() == 1
    assert client.delete(f"{url}/{response.json()['id']}").status_code == 204
    assert not Contact.objects.exists()


def test_indicators_are_defined_once_each(client, alice, cls_draft):
    _as(client, alice)
    url = f"{API}/{cls_draft.public_id}/indicateurs"
    indicator = {"name": "Part des élèves formés aux CPS", "kind": "RESULT", "unit": "%", "direction": "UP"}
    assert _post(client, url, indicator).status_code == 201
    duplicate = _post(client, url, indicator)
    assert duplicate.status_code == 422
    assert "existe déjà" in duplicate.json()["detail"]
    assert _post(client, url, {**indicator, "name": "Autre", "kind": "VAGUE"}).status_code == 422
    assert Indicator.objects.count() == 1


# --- Governance -------------------------------------------------------------------------------------


def test_a_clsm_steering_committee_gets_its_four_quarts_and_meetings(client, alice, make_contract):
    clsm = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)")
    _as(client, alice)
    url = f"{API}/{clsm.public_id}/instances"
    body = _post(client, url, {"kind": "CLSM_STEERING", "name": "Comité de pilotage"}).json()
    members = [
        {"person": "Adjointe à la santé", "role": "CHAIR", "quart": "ELECTED"},
        {"person": "Psychiatre de secteur", "role": "CO_LEAD", "quart": "PSYCHIATRY"},
        {"person": "Représentant d’un GEM", "quart": "USERS"},
        {"person": "Représentante UNAFAM", "quart": "CAREGIVERS"},
    ]
    ids = []
    for member in members:
        response = _post(client, f"{url}/{body['id']}/membres", member)
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
    second_chair = _post(
        client, f"{url}/{body['id']}/membres", {"person": "Maire", "role": "CHAIR", "quart": "ELECTED"}
    )
    assert second_chair.status_code == 422
    assert "déjà une présidence" in second_chair.json()["detail"]
    meeting = _post(
        client,
        f"{url}/{body['id']}/reunions",
        {"held_on": "2025-03-12", "agenda": "Installation", "attendees": ids[:2]},
    )
    assert meeting.status_code == 201, meeting.content
    assert meeting.json()["attendee_ids"] == ids[:2]
    quarts = next(
        i for i in client.get(f"{API}/{clsm.public_id}/conformite").json() if i["code"] == "four_quarts"
    )
    assert quarts["ok"] is True
    governance = client.get(f"{API}/{clsm.public_id}").json()["governance"][0]
    assert (governance["member_count"], governance["meeting_count"]) == (4, 1)
    assert governance["quarts"] == ["CAREGIVERS", "ELECTED", "PSYCHIATRY", "USERS"]


def test_the_minutes_are_written_after_the_meeting_and_a_stale_version_writes_nothing(
    client, alice, diane, make_contract
):
    clsm = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)")
    _as(client, alice)
    url = f"{API}/{clsm.public_id}/instances"
    body = _post(client, url, {"kind": "CLSM_STEERING", "name": "Comité de pilotage"}).json()
    member = _post(client, f"{url}/{body['id']}/membres", {"person": "Adjointe", "quart": "ELECTED"}).json()
    created = _post(
        client, f"{url}/{body['id']}/reunions", {"held_on": "2025-03-12", "agenda": "Bilan"}
    ).json()
    assert created["version"] == 1
    meeting_url = f"{API}/{clsm.public_id}/reunions/{created['id']}"
    sent = {
        "version": 1,
        "held_on": "2025-03-12",
        "agenda": "Bilan",
        "minutes": "Diagnostic adopté.",
        "attendees": [member["id"]],
    }
    response = client.put(meeting_url, sent, content_type="application/json")
    assert response.status_code == 200, response.content
    assert (response.json()["minutes"], response.json()["attendee_ids"], response.json()["version"]) == (
        "Diagnostic adopté.",
        [member["id"]],
        2,
    )
    # Someone who read version 1 sends their own minutes: 409, the current meeting returned, nothing written.
    _as(client, diane)
    stale = client.put(meeting_url, {**sent, "minutes": "Autre texte."}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["current"]["minutes"] == "Diagnostic adopté."
    assert Meeting.objects.get().minutes == "Diagnostic adopté."
    # Without the version, or on a meeting of another contract: refused.
    assert (
        client.put(meeting_url, {"held_on": "2025-03-12"}, content_type="application/json").status_code == 422
    )
    other = make_contract()  # a CLS of the same porteur
    assert (
        client.put(
            f"{API}/{other.public_id}/reunions/{created['id']}",
            {**sent, "version": 2},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_a_complex_cases_cell_records_only_a_count(client, alice, make_contract):
    clsm = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)")
    _as(client, alice)
    url = f"{API}/{clsm.public_id}/instances"
    cell = _post(client, url, {"kind": "COMPLEX_CASES", "name": "Cellule cas complexes"}).json()
    refused = _post(
        client, f"{url}/{cell['id']}/reunions", {"held_on": "2025-04-01", "minutes": "M. X., 43 ans…"}
    )
    assert refused.status_code == 422
    assert "aucune donnée personnelle de santé" in refused.json()["detail"]
    assert not Meeting.objects.exists()
    counted = _post(client, f"{url}/{cell['id']}/reunions", {"held_on": "2025-04-01", "cases_reviewed": 3})
    assert counted.status_code == 201
    assert Meeting.objects.get().cases_reviewed == 3


def test_governance_refusals_write_nothing(client, alice, cls_draft, make_contract):
    _as(client, alice)
    url = f"{API}/{cls_draft.public_id}/instances"
    refused = _post(client, url, {"kind": "COMPLEX_CASES", "name": "Cellule"})
    assert refused.status_code == 422
    assert "propre aux CLSM" in refused.json()["detail"]
    copil = _post(client, url, {"kind": "COPIL", "name": "COPIL"}).json()
    assert (
        _post(client, f"{url}/{copil['id']}/membres", {"person": "Élue", "quart": "ELECTED"}).status_code
        == 422
    )
    other = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)")
    stranger = BodyMember.objects.create(
        body=Body.objects.create(contract=other, kind="COPIL", name="X"), person="Y"
    )
    meeting = _post(
        client, f"{url}/{copil['id']}/reunions", {"held_on": "2025-01-01", "attendees": [stranger.pk]}
    )
    assert meeting.status_code == 422
    assert meeting.json()["messages"] == [f"Membre(s) inconnu(s) : {stranger.pk}."]
    assert (
        client.post(
            f"{API}/{cls_draft.public_id}/instances/{stranger.body_id}/membres",
            {"person": "Z"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert Body.objects.filter(contract=cls_draft).count() == 1
    assert not Meeting.objects.exists()


# --- Regional themes --------------------------------------------------------------------------------


def test_the_public_reads_a_regions_socles(client):
    themes = client.get(f"{API}/socles/76").json()
    assert [t["label"] for t in themes][-1] == "Santé mentale dans son champ large"
    assert client.get(f"{API}/socles/00").status_code == 404


def test_an_ars_administrator_adds_and_removes_a_socle_of_her_region_only(
    client, armand, diane, make_contract
):
    _as(client, armand)
    response = _post(client, f"{API}/socles/76", {"label": "Santé des jeunes", "description": "MDA, CPS"})
    assert response.status_code == 201, response.content
    theme_id = response.json()["id"]
    assert _post(client, f"{API}/socles/76", {"label": "santé des jeunes"}).status_code == 422
    assert _post(client, f"{API}/socles/93", {"label": "Autre"}).status_code == 403
    assert _post(_as(client, diane), f"{API}/socles/76", {"label": "Autre"}).status_code == 403

    used = RegionalTheme.objects.get(region_id="76", position=1)
    make_contract().themes.add(used)
    _as(client, armand)
    refused = client.delete(f"{API}/socles/76/{used.pk}")
    assert refused.status_code == 422
    assert "couvert par 1 contrat(s)" in refused.json()["detail"]
    assert client.delete(f"{API}/socles/76/{theme_id}").status_code == 204
    assert not RegionalTheme.objects.filter(pk=theme_id).exists()
    assert RegionalTheme.objects.filter(pk=used.pk).exists()


def test_an_anonymous_write_is_refused_with_a_french_401(client, cls_draft):
    response = client.post(
        f"/api/contrats/{cls_draft.public_id}/indicateurs", {}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "Connexion requise : connectez-vous sur la plateforme (session)."


def test_a_coordinator_cannot_add_a_porteur_she_does_not_edit_and_nothing_changes(
    client, alice, cls_draft, other_organisation
):
    response = _patch(
        _as(client, alice),
        f"{API}/{cls_draft.public_id}",
        {"porteurs": [cls_draft.porteurs.get().pk, other_organisation.pk]},
    )
    assert response.status_code == 403
    assert (
        "Vous ne pouvez pas désigner comme porteur : Autre collectivité (test)" in response.json()["detail"]
    )
    assert [org.name for org in cls_draft.porteurs.all()] == ["Ville d’Albi (test)"]
