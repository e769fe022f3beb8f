"""Issue 9, points 3 and 7, each reproduction as a test (docs/permissions.md holds the rule):
names of drafts and confidential indicators shown to the public; signature data rewritten by a coordinator;
any organisation named signatory reading the contract; every party reading confidential content; pilots'
personal names in public."""

import dataclasses
import datetime
import io
import json
import zipfile

import pytest

from santelocale.accounts.enums import OrganisationKind, Role
from santelocale.accounts.models import Organisation
from santelocale.contracts.enums import ContractKind, LinkKind, SignatoryKind, Status
from santelocale.contracts.governance import add_body, add_meeting, add_member
from santelocale.contracts.lifecycle import change_status
from santelocale.contracts.models import Contact, StatusChange
from santelocale.contracts.services import (
    ContractError,
    add_link,
    add_signatory,
    confirm_signatory,
    remove_signatory,
    renew_contract,
)
from santelocale.indicators.services import add_indicator
from santelocale.plans import services as plans
from santelocale.plans.services import ActionData
from tests.conftest import _person
from tests.contracts.conftest import make_ready_to_sign

pytestmark = pytest.mark.django_db

API = "/api/contrats"


def _readable(content: bytes) -> str:
    """The text of an answer; a Word or Excel file unzipped."""
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return content.decode("utf-8", "replace")


def _text(response) -> str:
    """A JSON answer as text with its accents (the API escapes them)."""
    return json.dumps(response.json(), ensure_ascii=False)


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def published(make_contract):
    return make_contract(
        status=Status.IMPLEMENTATION,
        signed_on=datetime.date(2024, 1, 10),
        starts_on=datetime.date(2024, 1, 10),
        ends_on=datetime.date(2028, 12, 31),
        is_published=True,
    )


# --- Point 3: names of drafts, indicators of confidential fiches ----------------------------------------


def test_the_public_never_reads_the_name_of_an_unpublished_clsm_volet(
    client, alice, make_contract, published
):
    clsm = make_contract(kind=ContractKind.CLSM, name="CLSM secret en projet")
    add_link(clsm, kind=LinkKind.MENTAL_HEALTH_VOLET, target_contract=published)
    page = _as(client, None).get(published.get_absolute_url()).content.decode()
    detail = client.get(f"{API}/{published.public_id}").json()
    checklist = client.get(f"{API}/{published.public_id}/conformite").json()
    assert (
        "CLSM secret" not in page and "CLSM secret" not in str(detail) and "CLSM secret" not in str(checklist)
    )
    volet = next(item for item in checklist if item["code"] == "mental_health_volet")
    # The item still holds for everyone: the volet exists, without its name.
    assert volet["ok"] and "un CLSM en projet (non publié)" in volet["detail"]
    assert "un CLSM en projet (non publié)" in page
    # Its parties read the name.
    assert "CLSM secret en projet" in _as(client, alice).get(published.get_absolute_url()).content.decode()


def test_the_public_never_reads_the_name_of_a_draft_renewal(client, alice, published):
    renew_contract(published, user=alice, name="Renouvellement en préparation")
    page = _as(client, None).get(published.get_absolute_url()).content.decode()
    detail = client.get(f"{API}/{published.public_id}").json()
    assert "Renouvellement en préparation" not in page
    assert detail["renewals"] == []
    assert (
        "Renouvellement en préparation"
        in _as(client, alice).get(published.get_absolute_url()).content.decode()
    )


def test_an_indicator_of_a_confidential_fiche_is_not_listed_to_the_public(client, alice, published):
    secret = plans.create_action(published, ActionData(title="Fiche confidentielle", is_confidential=True))
    add_indicator(published, name="Indicateur de la fiche confidentielle", kind="PROCESS", action=secret)
    add_indicator(published, name="Indicateur du contrat", kind="PROCESS")
    page = _as(client, None).get(published.get_absolute_url()).content.decode()
    names = [i["name"] for i in client.get(f"{API}/{published.public_id}").json()["indicators"]]
    assert names == ["Indicateur du contrat"]
    assert "Indicateur de la fiche confidentielle" not in page
    alice_names = [
        i["name"] for i in _as(client, alice).get(f"{API}/{published.public_id}").json()["indicators"]
    ]
    assert "Indicateur de la fiche confidentielle" in alice_names


# --- Point 7: signature data is the ARS's and agrees with the status log --------------------------------


@pytest.fixture
def signed(make_contract, albi, diane):
    contract = make_ready_to_sign(make_contract(status=Status.DRAFTING), albi)
    change_status(
        contract, user=diane, target=Status.SIGNED, reason="Signé", effective_on=datetime.date(2025, 3, 1)
    )
    return contract


def _signing(contract):
    return StatusChange.objects.get(contract=contract, to_status=Status.SIGNED)


def test_signing_writes_the_logs_effective_date_as_the_signature_date(signed):
    signed.refresh_from_db()
    assert signed.signed_on == _signing(signed).effective_on == datetime.date(2025, 3, 1)


def test_a_coordinator_can_no_longer_rewrite_the_signature_date_nor_the_end_date(client, alice, signed):
    signed.refresh_from_db()
    for payload in ({"signed_on": "2025-02-01"}, {"ends_on": "2031-01-01"}, {"starts_on": "2025-04-01"}):
        response = _as(client, alice).patch(
            f"{API}/{signed.public_id}",
            {**payload, "version": signed.version},
            content_type="application/json",
        )
        assert response.status_code == 403, (payload, response.content)
        assert "ARS" in response.json()["detail"]
    signed.refresh_from_db()
    assert signed.signed_on == datetime.date(2025, 3, 1) and signed.ends_on == datetime.date(2030, 2, 28)
    # The rest of the description stays hers to edit.
    response = client.patch(
        f"{API}/{signed.public_id}",
        {"summary": "Présentation", "version": signed.version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


def test_the_contract_form_keeps_the_signature_data_out_of_a_coordinators_hands(client, alice, signed):
    from santelocale.contracts.forms import ContractForm

    data = {}
    for name, value in ContractForm.initial_for(signed).items():
        if hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, list):
            value = [item.pk for item in value]
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = "on" if value else None
        if value not in (None, ""):
            data[name] = value
    data["signed_on"] = "2025-02-01"
    data["ends_on"] = "2031-01-01"
    data["summary"] = "Nouvelle présentation"
    form_page = _as(client, alice).get(f"/contrats/{signed.public_id}/modifier/").content.decode()
    assert "Enregistrée par l’ARS" in form_page
    response = client.post(f"/contrats/{signed.public_id}/modifier/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    signed.refresh_from_db()
    # Her description is saved; the signature data she posted is not.
    assert signed.summary == "Nouvelle présentation"
    assert signed.signed_on == datetime.date(2025, 3, 1) and signed.ends_on == datetime.date(2030, 2, 28)


def test_the_ars_corrects_the_signature_date_and_the_log_follows(client, diane, signed):
    signed.refresh_from_db()
    response = _as(client, diane).patch(
        f"{API}/{signed.public_id}",
        {"signed_on": "2025-02-20", "version": signed.version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    signed.refresh_from_db()
    assert signed.signed_on == _signing(signed).effective_on == datetime.date(2025, 2, 20)
    history = {h["to_status"]: h["effective_on"] for h in response.json()["history"]}
    assert history[Status.SIGNED] == "2025-02-20"


def test_a_signature_date_the_log_contradicts_is_refused(client, diane, signed):
    signed.refresh_from_db()
    first = StatusChange.objects.filter(contract=signed).order_by("changed_at").first()
    too_early = (first.effective_on - datetime.timedelta(days=1)).isoformat()
    for date in (too_early, (datetime.date.today() + datetime.timedelta(days=3)).isoformat()):
        response = _as(client, diane).patch(
            f"{API}/{signed.public_id}",
            {"signed_on": date, "version": signed.version},
            content_type="application/json",
        )
        assert response.status_code == 422, (date, response.content)
    signed.refresh_from_db()
    assert signed.signed_on == _signing(signed).effective_on == datetime.date(2025, 3, 1)


# --- Point 7: a signatory organisation takes part only once confirmed -----------------------------------


def test_naming_another_regions_ars_gives_its_members_nothing_until_confirmed(
    client, alice, paul, regine, cls_draft, ars_paca
):
    response = _as(client, alice).post(
        f"{API}/{cls_draft.public_id}/signataires",
        {"kind": SignatoryKind.OTHER, "name": "ARS PACA", "organisation": ars_paca.pk},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["confirmed_at"] is None
    signatory_id = response.json()["id"]
    assert _as(client, paul).get(f"{API}/{cls_draft.public_id}").status_code == 404
    assert client.get(f"/contrats/{cls_draft.public_id}/gouvernance/").status_code == 404
    # The porteur who named it cannot confirm it; the contract's ARS can.
    url = f"{API}/{cls_draft.public_id}/signataires/{signatory_id}/confirmation"
    assert _as(client, alice).post(url).status_code == 403
    confirmed = _as(client, regine).post(url)
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_at"]
    assert _as(client, paul).get(f"{API}/{cls_draft.public_id}").status_code == 200


def test_an_organisation_confirms_its_own_participation_on_the_page(client, alice, cpam, make_contract):
    published = make_contract(is_published=True)
    signatory = add_signatory(published, kind=SignatoryKind.CPAM, name="CPAM du Tarn", organisation=cpam)
    cpam_editor = _person("direction@cpam.test", cpam, Role.COORDINATOR)
    page = _as(client, cpam_editor).get(published.get_absolute_url()).content.decode()
    assert "à confirmer" in page and f"/signataires/{signatory.pk}/confirmer/" in page
    response = client.post(f"/contrats/{published.public_id}/signataires/{signatory.pk}/confirmer/")
    assert response.status_code == 302
    signatory.refresh_from_db()
    assert signatory.confirmed_by == cpam_editor and signatory.confirmed_at is not None
    # Someone else's partner may not confirm it.
    other = add_signatory(
        published,
        kind=SignatoryKind.CAF,
        name="CAF",
        organisation=Organisation.objects.create(name="CAF (test)", kind=OrganisationKind.OTHER),
    )
    assert (
        client.post(f"/contrats/{published.public_id}/signataires/{other.pk}/confirmer/").status_code == 403
    )


def test_an_unconfirmed_signatory_can_be_removed_even_after_the_signature(signed, ars_paca):
    wrong = add_signatory(signed, kind=SignatoryKind.OTHER, name="ARS PACA", organisation=ars_paca)
    remove_signatory(wrong)
    kept = signed.signatories.get(kind=SignatoryKind.ARS)
    with pytest.raises(ContractError):
        remove_signatory(kept)


# --- Point 7: confidential content for the porteurs' editors, the ARS and the people concerned ---------


@pytest.fixture
def confidential_world(published, cpam, regine):
    pilot = _person("pilote@example.test", cpam, Role.CONTRIBUTOR)
    partner_reader = _person("lecteur@example.test", cpam, Role.READER)
    confirm_signatory(
        add_signatory(published, kind=SignatoryKind.CPAM, name="CPAM", organisation=cpam), user=regine
    )
    secret = plans.create_action(
        published, ActionData(title="Fiche très confidentielle", is_confidential=True)
    )
    other = plans.create_action(
        published, ActionData(title="Fiche confidentielle pilotée", is_confidential=True, pilot_user=pilot)
    )
    Contact.objects.create(
        contract=published, role="OTHER", name="Contact non publié", organisation="X", is_public=False
    )
    copil = add_body(published, kind="COPIL", name="COPIL")
    seat = add_member(copil, person="Membre du COPIL")
    add_meeting(copil, held_on=datetime.date(2025, 1, 1), minutes="Compte rendu réservé")
    return {"pilot": pilot, "reader": partner_reader, "secret": secret, "other": other, "seat": seat}


def test_a_pilot_reads_the_confidential_fiche_they_pilot_and_no_other(client, published, confidential_world):
    w = confidential_world
    plan = _text(_as(client, w["pilot"]).get(f"/api/plans/{published.public_id}"))
    assert "Fiche confidentielle pilotée" in plan and "Fiche très confidentielle" not in plan
    url = f"/contrats/{published.public_id}/plan/fiches/{w['secret'].pk}/"
    assert client.get(url).status_code == 404


def test_a_signatorys_reader_reads_no_confidential_fiche_minutes_or_private_contact(
    client, published, confidential_world
):
    _as(client, confidential_world["reader"])
    detail = _text(client.get(f"{API}/{published.public_id}"))
    plan = _text(client.get(f"/api/plans/{published.public_id}"))
    governance = client.get(f"/contrats/{published.public_id}/gouvernance/").content.decode()
    assert "Fiche très confidentielle" not in plan and "Fiche confidentielle pilotée" not in plan
    assert "Contact non publié" not in detail + governance
    assert "Compte rendu réservé" not in detail + governance
    # A party still reads the composition of the bodies.
    assert "Membre du COPIL" in governance


def test_a_body_member_with_an_account_reads_its_minutes(client, published, confidential_world):
    seat = confidential_world["seat"]
    seat.user = confidential_world["reader"]
    seat.save()
    _as(client, confidential_world["reader"])
    assert (
        "Compte rendu réservé" in client.get(f"/contrats/{published.public_id}/gouvernance/").content.decode()
    )
    assert "Compte rendu réservé" in _text(client.get(f"{API}/{published.public_id}"))


def test_the_porteurs_editor_and_the_ars_read_everything_confidential(
    client, alice, diane, published, confidential_world
):
    for user in (alice, diane):
        _as(client, user)
        text = _text(client.get(f"{API}/{published.public_id}"))
        text += _text(client.get(f"/api/plans/{published.public_id}"))
        for expected in ("Fiche très confidentielle", "Contact non publié", "Compte rendu réservé"):
            assert expected in text, (user, expected)


# --- Point 7: pilots' personal names are not public ---------------------------------------------------


def test_the_public_reads_the_pilots_service_not_the_persons_name(client, bob, published):
    bob.last_name = "Pilotenom"
    bob.save()
    fiche = plans.create_action(
        published,
        ActionData(
            title="Fiche ouverte", pilot_user=bob, pilot_name="Mme Personne", pilot_service="Service santé"
        ),
    )
    urls = [
        f"/contrats/{published.public_id}/plan/fiches/{fiche.pk}/",
        f"/contrats/{published.public_id}/plan/tableau/",
        f"/contrats/{published.public_id}/plan/tableau/?format=csv",
        f"/api/plans/{published.public_id}",
        f"/api/plans/{published.public_id}/fiches/{fiche.pk}",
        f"/contrats/{published.public_id}/plan/export/contrat.docx",
    ]
    for url in urls:
        response = _as(client, None).get(url)
        assert response.status_code == 200, url
        text = _readable(response.content)
        assert "Pilotenom" not in text and "Mme Personne" not in text, url
    assert "Service santé" in _as(client, None).get(urls[0]).content.decode()
    assert "Pilotenom" in _as(client, bob).get(urls[0]).content.decode()
    # Nor in the fiche's history when its pilot changes, nor through the search of published fiches.
    plans.update_action(fiche, dataclasses.replace(ActionData.of(fiche), pilot_name="M. Autre"))
    history = _as(client, None).get(f"/contrats/{published.public_id}/plan/fiches/{fiche.pk}/historique/")
    assert "Mme Personne" not in history.content.decode() and "M. Autre" not in history.content.decode()
    assert "M. Autre" in _as(client, bob).get(history.request["PATH_INFO"]).content.decode()
    assert "Fiche ouverte" not in _as(client, None).get("/fiches/?q=Autre").content.decode()
