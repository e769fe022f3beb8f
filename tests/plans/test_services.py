"""Plan services on the real database: the rules a fiche, a section and a funding line obey."""

import datetime
from decimal import Decimal

import pytest

from santelocale.contracts import compliance
from santelocale.plans import progress, services
from santelocale.plans.enums import ActionStatus
from santelocale.plans.models import Action
from santelocale.plans.services import ActionData, FundingData, PlanError

pytestmark = pytest.mark.django_db


def test_fixture_plan_rolls_up_progress(plan):
    summary = progress.summarize(plan.contract, today=datetime.date(2026, 1, 1))
    by = summary.progress_by_action
    assert by[plan.guide.pk] == 40
    assert by[plan.sism.pk] == 50  # one step of two
    assert by[plan.secret.pk] is None  # blocked, nothing entered
    rows = {row.section.pk: row for row in summary.sections}
    assert rows[plan.objective.pk].progress == 40
    assert rows[plan.access.pk].progress == 40  # the objective (40) and the unknown confidential fiche
    assert rows[plan.mental.pk].progress == 50
    assert summary.contract_progress == 45
    assert [a.pk for a in summary.late] == [plan.sism.pk]
    assert [a.pk for a in summary.blocked] == [plan.secret.pk]
    assert plan.secret in summary.without_pilot and plan.guide not in summary.without_pilot


def test_weights_change_the_roll_up(plan):
    plan.mental.weight = Decimal(3)
    plan.mental.save()
    assert progress.summarize(plan.contract).contract_progress == round((40 + 3 * 50) / 4)


def test_funding_is_consolidated_per_funder_and_year(plan):
    funding = progress.funding_summary(plan.contract)
    assert funding.total["planned"] == Decimal(15000)
    assert funding.total["spent"] == Decimal(8000)
    assert [f["label"] for f in funding.by_funder] == ["ARS", "Ville d’Albi"]
    assert [y["year"] for y in funding.by_year] == [2025]


def test_public_does_not_count_confidential_funding(plan, client):
    from django.contrib.auth.models import AnonymousUser

    services.save_funding_line(plan.secret, FundingData(funder_kind="STATE", year=2025, planned=Decimal(999)))
    assert progress.funding_summary(plan.contract).total["planned"] == Decimal(15999)
    assert progress.funding_summary(plan.contract, AnonymousUser()).total["planned"] == Decimal(15000)


def test_bad_fiche_is_refused_with_every_problem(plan):
    data = ActionData(
        title="x" * 301,
        status="NOPE",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2025, 1, 1),
        progress_entered=120,
    )
    with pytest.raises(PlanError) as refused:
        services.create_action(plan.contract, data)
    text = " ".join(refused.value.messages)
    assert "dépasse 300 caractères" in text
    assert "Statut inconnu" in text
    assert "précède la date de début" in text
    assert "entre 0 et 100" in text
    assert not Action.objects.filter(title="x" * 301).exists()


def test_sub_action_of_a_sub_action_is_refused(plan):
    with pytest.raises(PlanError, match="pas à une autre sous-action"):
        services.create_action(plan.contract, ActionData(title="Trop profond", parent=plan.sub))


def test_commune_outside_the_perimeter_is_refused(plan):
    from santelocale.territories.models import Commune

    toulouse = Commune.objects.get(code="31555")
    with pytest.raises(PlanError, match="Hors du périmètre"):
        services.create_action(plan.contract, ActionData(title="Ailleurs", communes=[toulouse]))


def test_bin_and_restore_keep_sub_actions(plan):
    services.trash_action(plan.guide)
    assert not Action.objects.alive().filter(pk__in=[plan.guide.pk, plan.sub.pk]).exists()
    with pytest.raises(PlanError, match="Restaurez d’abord"):
        services.restore_action(Action.objects.get(pk=plan.sub.pk))
    services.restore_action(Action.objects.get(pk=plan.guide.pk))
    assert Action.objects.alive().filter(pk__in=[plan.guide.pk, plan.sub.pk]).count() == 2


def test_history_records_who_changed_a_fiche(plan_via_services, alice):
    plan = plan_via_services  # the history of the plan's creation is read: the services write it
    from simple_history.utils import update_change_reason  # noqa: F401  (the history app is installed)

    action = plan.guide
    data = ActionData.of(action)
    data.status = ActionStatus.DONE
    action._history_user = alice
    services.update_action(action, data)
    last = action.history.first()
    assert last.status == ActionStatus.DONE and last.history_user == alice
    assert action.history.count() == 2


def test_funding_line_rules(plan):
    with pytest.raises(PlanError) as refused:
        services.save_funding_line(
            plan.guide, FundingData(funder_kind="CAF", year=1890, planned=Decimal(-1), fir_mission="M1")
        )
    text = " ".join(refused.value.messages)
    assert "Année invalide" in text and "positif ou nul" in text and "que les financements de l’ARS" in text


def test_section_with_fiches_cannot_be_deleted(plan):
    with pytest.raises(PlanError, match="contient encore"):
        services.delete_section(plan.mental)


def test_mental_health_axis_satisfies_the_volet_only_with_a_fiche(plan):
    item = {i.code: i for i in compliance.checklist(plan.contract, None)}["mental_health_volet"]
    assert item.ok and "Santé mentale" in item.detail
    services.trash_action(plan.sism)
    item = {i.code: i for i in compliance.checklist(plan.contract, None)}["mental_health_volet"]
    assert not item.ok


def test_axis_socles_count_for_the_checklist(plan):
    themes = list(plan.contract.region.themes.all())
    assert themes, "Occitanie has socles (seeded by init)"
    plan.contract.themes.clear()
    data = services.SectionData.of(plan.access)
    data.themes = themes
    services.save_section(plan.contract, data, section=plan.access)
    item = {i.code: i for i in compliance.checklist(plan.contract, None)}["regional_themes"]
    assert item.ok, item.detail


def test_copy_keeps_content_not_people(plan, make_contract):
    other = make_contract(kind="CLSM", name="CLSM d’Albi (test)")
    copy = services.copy_action(plan.guide, other)
    assert copy.contract == other and copy.copied_from == plan.guide
    assert copy.title == plan.guide.title and copy.pilot_user is None and copy.status == ActionStatus.UPCOMING
    assert list(copy.publics.all()) == list(plan.guide.publics.all())
    assert copy.indicators.count() == 1 and not copy.indicators.first().values.exists()


def test_copy_refuses_its_own_contract_and_confidential_or_unpublished_fiches(plan, make_contract):
    other = make_contract(kind="CLSM", name="CLSM d’Albi (test)")
    with pytest.raises(PlanError, match="déjà une fiche du contrat"):
        services.copy_action(plan.guide, plan.contract)
    with pytest.raises(PlanError, match="non confidentielles"):
        services.copy_action(plan.secret, other)
    plan.guide.is_confidential = True
    plan.guide.save()
    with pytest.raises(PlanError, match="non confidentielles"):
        services.copy_action(Action.objects.get(pk=plan.sub.pk), other)  # its parent is now confidential
    assert not Action.objects.filter(contract=other).exists()
