"""The demo plan of the CLS d’Albi: invented content says « fictif », the axes answer the socles and the
mental-health volet, and loading it twice writes nothing."""

import pytest

from santelocale.contracts import compliance
from santelocale.contracts.models import Contract
from santelocale.operations.demo import load_demo
from santelocale.plans import progress
from santelocale.plans.demo import load_demo_plans
from santelocale.plans.models import Action, FundingLine, Step
from tests.conftest import module_data

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with module_data(django_db_blocker):
        load_demo(password="mot-de-passe-demo-1")
        yield


@pytest.fixture
def albi_cls(demo, db):
    return Contract.objects.get(name="CLS d’Albi")


def test_every_invented_fiche_step_and_funding_line_says_fictif(albi_cls):
    fiches = Action.objects.filter(contract=albi_cls)
    assert fiches.count() == 7
    assert all("(fictif)" in fiche.title for fiche in fiches)
    assert all("(fictif)" in step.title for step in Step.objects.filter(action__contract=albi_cls))
    lines = FundingLine.objects.filter(action__contract=albi_cls)
    assert all(line.comment == "Montant fictif" for line in lines)
    # Where amounts are summed by funder, the funder's label says they are invented (issue 11, point 13).
    assert all(line.funder_label.endswith("(montants fictifs)") for line in lines)
    assert {line.funder_label for line in lines} >= {"Ville d’Albi (montants fictifs)"}


def test_a_second_load_writes_nothing(albi_cls):
    assert load_demo_plans() == 0
    assert Action.objects.filter(contract=albi_cls).count() == 7


def test_the_plan_answers_the_mental_health_volet_and_every_socle(albi_cls):
    items = {item.code: item for item in compliance.checklist(albi_cls, None)}
    assert "Logement et santé mentale" in items["mental_health_volet"].detail
    albi_cls.themes.clear()  # the axes alone cover the four Occitanie socles
    assert {item.code: item for item in compliance.checklist(albi_cls, None)}["regional_themes"].ok


def test_the_plan_shows_late_blocked_and_unpiloted_fiches(albi_cls):
    summary = progress.summarize(albi_cls)
    assert len(summary.late) >= 1 and len(summary.blocked) == 1 and len(summary.without_pilot) == 1
    assert summary.contract_progress is not None
    assert summary.funding.total["planned_fte"] > 0 and summary.funding.total["planned"] > 0
