"""A contract's life: creation rules, guarded transitions, the log, the signature and renewal."""

import datetime

import pytest

from santelocale.contracts.enums import ContractKind, Status
from santelocale.contracts.lifecycle import change_status, journey, options_for
from santelocale.contracts.models import Contract, StatusChange
from santelocale.contracts.services import ContractData, ContractError, create_contract, renew_contract
from santelocale.territories.services import save_perimeter
from tests.contracts.conftest import make_ready_to_sign


def test_a_new_contract_starts_in_reflection_with_its_creation_logged(cls_draft, alice):
    assert cls_draft.status == Status.REFLECTION
    change = cls_draft.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("", Status.REFLECTION, alice)


def test_the_end_date_defaults_to_five_years_after_the_start(make_contract):
    contract = make_contract(starts_on=datetime.date(2024, 3, 1))
    assert contract.ends_on == datetime.date(2029, 2, 28)  # five years, the day before
    assert contract.period_label == "2024-2029"


def test_dates_out_of_order_are_refused_and_nothing_is_written(make_contract):
    before = Contract.objects.count()
    with pytest.raises(ContractError) as exc:
        make_contract(starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2024, 1, 1))
    assert "Dates dans le désordre" in exc.value.messages[0]
    assert "début de validité (01/01/2025)" in exc.value.messages[0]
    assert Contract.objects.count() == before


def test_a_perimeter_outside_the_ars_region_is_refused_with_the_communes_named(make_contract, alice):
    marseille = save_perimeter(
        name="Marseille", components=[{"kind": "commune", "code": "13055"}], user=alice
    )
    with pytest.raises(ContractError) as exc:
        make_contract(perimeter=marseille)
    assert "sort de la région Occitanie" in exc.value.messages[0]
    assert "Marseille (13055)" in exc.value.messages[0]


def test_a_duplicate_active_contract_of_the_same_kind_on_the_same_communes_is_refused(
    cls_draft, make_contract, alice
):
    same_communes = save_perimeter(
        name="Albi bis", components=[{"kind": "commune", "code": "81004"}], user=alice
    )
    with pytest.raises(ContractError) as exc:
        make_contract(name="Second CLS", perimeter=same_communes)
    assert "Un CLS est déjà en cours sur ce périmètre" in exc.value.messages[0]
    # A CLSM on the same territory is not a duplicate.
    clsm = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)", perimeter=same_communes)
    assert clsm.pk


def test_a_transition_not_allowed_from_the_current_status_is_refused(cls_draft, alice):
    with pytest.raises(ContractError) as exc:
        change_status(cls_draft, user=alice, target=Status.SIGNED, reason="Pressé")
    assert exc.value.messages == ["Passage impossible de « En réflexion » à « Signé »."]
    cls_draft.refresh_from_db()
    assert cls_draft.status == Status.REFLECTION
    assert cls_draft.status_changes.count() == 1


def test_every_move_needs_a_reason_and_is_logged_with_who_and_why(cls_draft, alice):
    with pytest.raises(ContractError, match="motif"):
        change_status(cls_draft, user=alice, target=Status.PREFIGURATION, reason="  ")
    change_status(
        cls_draft, user=alice, target=Status.PREFIGURATION, reason="Délibération du conseil municipal"
    )
    change_status(cls_draft, user=alice, target=Status.REFLECTION, reason="Élections : démarche suspendue")
    log = list(cls_draft.status_changes.values_list("from_status", "to_status", "reason"))
    assert log[1:] == [
        (Status.REFLECTION, Status.PREFIGURATION, "Délibération du conseil municipal"),
        (Status.PREFIGURATION, Status.REFLECTION, "Élections : démarche suspendue"),
    ]


def _to_drafting(contract, user):
    """Diagnosis in June 2023, drafting in January 2024 (the steps of a contract follow each other)."""
    for target, day in (
        (Status.DIAGNOSIS, datetime.date(2023, 6, 1)),
        (Status.DRAFTING, datetime.date(2024, 1, 15)),
    ):
        change_status(contract, user=user, target=target, reason="Étape suivante", effective_on=day)


def test_signing_with_a_failing_blocking_item_is_refused_with_what_is_missing(cls_draft, alice, diane):
    _to_drafting(cls_draft, alice)
    with pytest.raises(ContractError) as exc:
        change_status(cls_draft, user=diane, target=Status.SIGNED, reason="Signature en COPIL")
    text = " ".join(exc.value.messages)
    assert "Volet santé mentale" in text
    assert "manque l’ARS et au moins une collectivité" in text
    assert "aucun indicateur" in text
    assert "Socles thématiques de la région" in text
    cls_draft.refresh_from_db()
    assert cls_draft.status == Status.DRAFTING


def test_only_the_ars_records_the_signature(cls_draft, alice, diane, albi):
    _to_drafting(cls_draft, alice)
    make_ready_to_sign(cls_draft, albi)
    assert [o.target for o in options_for(cls_draft, alice)] == [Status.DIAGNOSIS]
    with pytest.raises(PermissionError, match="réservé à l’ARS"):
        change_status(cls_draft, user=alice, target=Status.SIGNED, reason="Signature")
    signing = [o for o in options_for(cls_draft, diane) if o.target == Status.SIGNED][0]
    assert signing.allowed
    change_status(
        cls_draft,
        user=diane,
        target=Status.SIGNED,
        reason="Signé en COPIL",
        effective_on=datetime.date(2024, 6, 1),
    )
    cls_draft.refresh_from_db()
    assert cls_draft.status == Status.SIGNED
    assert (cls_draft.signed_on, cls_draft.starts_on, cls_draft.ends_on) == (
        datetime.date(2024, 6, 1),
        datetime.date(2024, 6, 1),
        datetime.date(2029, 5, 31),
    )


def test_a_running_contract_past_its_end_shows_as_due(make_contract):
    contract = make_contract(
        status=Status.IMPLEMENTATION,
        launched_on=datetime.date(2017, 1, 1),
        starts_on=datetime.date(2018, 1, 1),
        signed_on=datetime.date(2018, 1, 1),
    )
    assert contract.is_overdue()
    assert contract.status_display() == "Mise en œuvre — à échéance, à réactiver"
    assert contract.group() == "ENDED"


def test_renewal_opens_the_next_generation_and_then_the_old_one_can_be_marked_renewed(make_contract, alice):
    first = make_contract(
        status=Status.EVALUATION, launched_on=datetime.date(2018, 1, 1), starts_on=datetime.date(2019, 1, 1)
    )
    with pytest.raises(ContractError, match="génération suivante"):
        change_status(first, user=alice, target=Status.RENEWED, reason="Renouvelé")
    second = renew_contract(first, user=alice, name="CLS d’Albi 2e génération (test)")
    assert (second.generation, second.renews, second.status) == (2, first, Status.REFLECTION)
    assert list(second.porteurs.all()) == list(first.porteurs.all())
    change_status(first, user=alice, target=Status.RENEWED, reason="Le CLS 2 prend le relais")
    with pytest.raises(ContractError, match="déjà un renouvellement"):
        renew_contract(first, user=alice, name="Encore")


def test_a_reader_cannot_move_a_contract(cls_draft, bob):
    assert options_for(cls_draft, bob) == []
    with pytest.raises(PermissionError):
        change_status(cls_draft, user=bob, target=Status.PREFIGURATION, reason="x")
    assert StatusChange.objects.filter(contract=cls_draft).count() == 1


def test_a_contract_without_porteur_or_name_lists_both_problems(albi_perimeter, occitanie, alice):
    with pytest.raises(ContractError) as exc:
        create_contract(
            user=alice,
            data=ContractData(kind="CLS", name=" ", perimeter=albi_perimeter, region=occitanie, porteurs=[]),
        )
    assert exc.value.messages == [
        "Le nom du contrat est obligatoire.",
        "Indiquez au moins une collectivité porteuse.",
    ]


def test_an_existing_contract_entered_as_signed_is_logged_from_its_signature(make_contract):
    contract = make_contract(
        status=Status.IMPLEMENTATION,
        launched_on=datetime.date(2021, 5, 1),
        signed_on=datetime.date(2022, 3, 15),
        starts_on=datetime.date(2022, 4, 1),
    )
    assert contract.status_changes.get().effective_on == datetime.date(2022, 3, 15)


def test_the_ars_names_any_collectivite_of_its_region_a_coordinator_only_her_own(
    albi_perimeter, occitanie, tarn, albi, alice, diane, charlie
):
    data = ContractData(
        kind="CLS",
        name="CLS proposé par l’ARS",
        perimeter=albi_perimeter,
        region=occitanie,
        department=tarn,
        porteurs=[albi],
    )
    with pytest.raises(PermissionError, match="Vous ne pouvez pas désigner comme porteur : Ville d’Albi"):
        create_contract(user=charlie, data=data)
    assert create_contract(user=diane, data=data).porteurs.get() == albi


def test_a_coordinator_renews_a_contract_carried_with_a_collectivite_she_does_not_edit(
    make_contract, alice, other_organisation, albi
):
    shared = make_contract(status=Status.IMPLEMENTATION, porteurs=[albi, other_organisation])
    renewal = renew_contract(shared, user=alice, name="CLS partagé, 2e génération (test)")
    assert set(renewal.porteurs.all()) == {albi, other_organisation}


def test_a_running_contract_whose_renewal_is_in_preparation_can_still_be_edited(make_contract, alice):
    """The running contract used to be refused (422) as a duplicate of its own renewal on the same
    perimeter."""
    from santelocale.contracts.services import update_contract

    first = make_contract(
        status=Status.IMPLEMENTATION,
        launched_on=datetime.date(2020, 6, 1),
        signed_on=datetime.date(2021, 1, 1),
        starts_on=datetime.date(2021, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    second = renew_contract(first, user=alice, name="CLS d’Albi 2e génération (test)")
    data = ContractData.of(first)
    data.summary = "Bilan à mi-parcours ajouté pendant la préparation du renouvellement."
    update_contract(first, user=alice, data=data)
    first.refresh_from_db()
    assert first.summary.startswith("Bilan à mi-parcours")
    renewal = ContractData.of(second)
    renewal.summary = "Diagnostic en cours."
    update_contract(second, user=alice, data=renewal)


def test_a_running_contract_with_a_renewal_in_preparation_is_edited_through_the_api(
    client, make_contract, alice
):
    first = make_contract(
        status=Status.IMPLEMENTATION,
        launched_on=datetime.date(2020, 6, 1),
        signed_on=datetime.date(2021, 1, 1),
        starts_on=datetime.date(2021, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    renew_contract(first, user=alice, name="CLS d’Albi 2e génération (test)")
    client.force_login(alice)
    response = client.patch(
        f"/api/contrats/{first.public_id}",
        {"summary": "Toujours en vigueur.", "version": Contract.objects.get(pk=first.pk).version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


def test_the_journey_says_where_the_contract_stands_who_takes_the_next_step_and_what_blocks_it(
    cls_draft, alice, diane, albi
):
    start = journey(cls_draft, alice)
    assert (start.title, start.number, start.total, start.next_title) == (
        "En réflexion",
        1,
        8,
        "En préfiguration",
    )
    assert start.next_step.yours and start.next_step.blockers == []

    _to_drafting(cls_draft, alice)
    drafting = journey(cls_draft, alice)
    assert (drafting.title, drafting.number, drafting.next_title) == ("Élaboration", 4, "Signé")
    step = drafting.next_step
    assert step.transition.target == Status.SIGNED and step.actor.startswith("l’ARS")
    assert not step.yours  # the coordinator does not record the signature
    assert any("Volet santé mentale" in blocker for blocker in step.blockers)
    assert journey(cls_draft, diane).next_step.yours  # the ARS delegation does
    # What blocks it is what the signature would refuse, and nothing once the checklist holds.
    make_ready_to_sign(cls_draft, albi)
    assert journey(cls_draft, diane).next_step.blockers == []
    change_status(
        cls_draft, user=diane, target=Status.SIGNED, reason="COPIL", effective_on=datetime.date(2024, 6, 1)
    )
    signed = journey(cls_draft, alice)
    assert (signed.number, signed.next_step.transition.target) == (5, Status.IMPLEMENTATION)


def test_the_contract_page_shows_the_journey_and_its_next_step_to_the_parties_only(
    client, cls_draft, alice, diane
):
    _to_drafting(cls_draft, alice)
    cls_draft.is_published = True
    cls_draft.save()
    client.force_login(alice)
    page = client.get(cls_draft.get_absolute_url()).content.decode()
    assert "Étape 4 sur 8" in page and "Prochaine étape : enregistrer la signature" in page
    assert "Vous ne pouvez pas la faire vous-même." in page and 'id="next-step-blockers"' in page
    client.force_login(diane)
    assert (
        "<strong>Vous pouvez la faire</strong>" in client.get(cls_draft.get_absolute_url()).content.decode()
    )
    client.logout()
    public = client.get(cls_draft.get_absolute_url()).content.decode()
    assert "Étape 4 sur 8" in public and "Prochaine étape" not in public
