"""Fixtures for action plans: a published CLS of Albi in « mise en œuvre » with a small plan.

``plan`` is written by the factories of tests/factories.py (rows written directly: several times faster
than through the services); ``plan_via_services`` builds the very same plan through the services, with
the history records of the fiches' creation that the factories leave out, for the tests that read them.
tests/plans/test_factories.py checks that both leave the same rows otherwise."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from santelocale.accounts.enums import OrganisationKind, Role
from santelocale.accounts.models import Organisation
from santelocale.contracts.enums import Status
from santelocale.indicators.services import add_indicator, record_value
from santelocale.plans import services
from santelocale.plans.enums import ActionStatus, FunderKind, ProgressMode, SectionKind
from santelocale.plans.models import Term
from santelocale.plans.services import ActionData, FundingData, SectionData
from tests.conftest import _person, registrar
from tests.factories import (
    ActionFactory,
    ContractFactory,
    FundingLineFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    SectionFactory,
    StepFactory,
    seed_terms,
)

pytestmark = pytest.mark.django_db


#: what the ``plan`` fixtures give a test (both builds: factories and services)
PLAN_PARTS = (
    "contract",
    "access",
    "objective",
    "mental",
    "guide",
    "secret",
    "sub",
    "sism",
    "ars_line",
    "town_line",
    "indicator",
)


def _plan(built: dict) -> SimpleNamespace:
    return SimpleNamespace(**{name: built[name] for name in PLAN_PARTS})


@pytest.fixture
def association(db):
    return Organisation.objects.create(
        name="Association Prévention Tarn (test)", kind=OrganisationKind.ASSOCIATION
    )


@pytest.fixture
def pierre(association):
    """Contributor at a partner association; pilots one fiche of the plan."""
    return _person("pierre@example.test", association, Role.CONTRIBUTOR)


@pytest.fixture
def plan(alice, albi, occitanie, tarn, albi_perimeter, pierre):
    """A published CLS « mise en œuvre » 2024-2028 with two axes and four fiches:

    - axis 1 « Accès aux soins » (socle « accès aux soins » of Occitanie when it exists):
      fiche ``guide`` (pilot: pierre, en cours, 40 %, two funding lines, one indicator with values),
      fiche ``secret`` (confidential, bloqué, no pilot), with sub-action ``sub`` under ``guide``;
    - axis 2 « Santé mentale » (volet santé mentale): fiche ``sism`` (progress from 2 steps, 1 done),
      late (ended 2025-06-30, still « en cours »).
    """
    seed_terms()
    contract = ContractFactory(
        name="CLS d’Albi (test)",
        perimeter=albi_perimeter,
        region=occitanie,
        department=tarn,
        porteurs=[albi],
        launched_on=datetime.date(2023, 1, 15),
        status=Status.IMPLEMENTATION,
        signed_on=datetime.date(2024, 1, 10),
        starts_on=datetime.date(2024, 1, 10),
        ends_on=datetime.date(2028, 12, 31),
        is_published=True,
        created_by=registrar(),
    )
    access = SectionFactory(contract=contract, title="Accès aux soins", number="1")
    objective = SectionFactory(
        contract=contract,
        title="Rendre l’offre lisible",
        number="1.1",
        kind=SectionKind.GENERAL,
        parent=access,
    )
    mental = SectionFactory(contract=contract, title="Santé mentale", number="2", is_mental_health_volet=True)
    guide = ActionFactory(
        contract=contract,
        title="Guide santé du territoire",
        number="1",
        section=objective,
        description="Un guide des lieux de soins et d’accès aux droits.",
        pilot_user=pierre,
        status=ActionStatus.IN_PROGRESS,
        priority="HIGH",
        progress_entered=40,
        starts_on=datetime.date(2024, 3, 1),
        ends_on=datetime.date(2027, 12, 31),
        publics=[Term.objects.get(vocabulary="PUBLIC", label="Tout public")],
    )
    secret = ActionFactory(
        contract=contract,
        title="Négociation confidentielle (fictif)",
        number="2",
        section=access,
        is_confidential=True,
        status=ActionStatus.BLOCKED,
    )
    sub = ActionFactory(contract=contract, title="Diffusion en mairie", parent=guide)
    sism = ActionFactory(
        contract=contract,
        title="Semaines d’information sur la santé mentale",
        number="3",
        section=mental,
        pilot_name="Coordinatrice CLSM",
        status=ActionStatus.IN_PROGRESS,
        progress_mode=ProgressMode.STEPS,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2025, 6, 30),
    )
    StepFactory(action=sism, title="Programme", is_done=True, done_on=datetime.date(2024, 9, 15))
    StepFactory(action=sism, title="Bilan")
    ars_line = FundingLineFactory(
        action=guide,
        funder_kind=FunderKind.ARS,
        year=2025,
        planned=Decimal(12000),
        spent=Decimal(8000),
        fir_mission="M1",
        fir_line="Prévention",
    )
    town_line = FundingLineFactory(
        action=guide,
        funder_kind=FunderKind.COLLECTIVITY,
        funder_name="Ville d’Albi",
        year=2025,
        planned=Decimal(3000),
    )
    indicator = IndicatorFactory(
        contract=contract,
        name="Guides distribués",
        kind="PROCESS",
        unit="guides",
        direction="UP",
        action=guide,
    )
    IndicatorValueFactory(
        indicator=indicator, period="2025", target=Decimal(500), actual=Decimal(350), source="Ville d’Albi"
    )
    return _plan(locals())


@pytest.fixture
def plan_via_services(make_contract, pierre):
    """The ``plan`` fixture's plan built through the services, with the history record of each fiche's
    creation: for the tests that read the history of the plan's own creation."""
    return build_plan_via_services(make_contract, pierre)


def build_plan_via_services(make_contract, pierre):
    """The ``plan`` fixture's plan, built through the services (``make_contract``: the fixture of
    tests/conftest.py)."""
    services.seed_vocabularies()
    contract = make_contract(
        status=Status.IMPLEMENTATION,
        signed_on=datetime.date(2024, 1, 10),
        starts_on=datetime.date(2024, 1, 10),
        ends_on=datetime.date(2028, 12, 31),
        is_published=True,
    )
    access = services.save_section(contract, SectionData(title="Accès aux soins", number="1"))
    objective = services.save_section(
        contract,
        SectionData(title="Rendre l’offre lisible", number="1.1", kind=SectionKind.GENERAL, parent=access),
    )
    mental = services.save_section(
        contract, SectionData(title="Santé mentale", number="2", is_mental_health_volet=True)
    )
    public = Term.objects.get(vocabulary="PUBLIC", label="Tout public")
    guide = services.create_action(
        contract,
        ActionData(
            title="Guide santé du territoire",
            number="1",
            section=objective,
            description="Un guide des lieux de soins et d’accès aux droits.",
            pilot_user=pierre,
            status=ActionStatus.IN_PROGRESS,
            priority="HIGH",
            progress_entered=40,
            starts_on=datetime.date(2024, 3, 1),
            ends_on=datetime.date(2027, 12, 31),
            publics=[public],
        ),
    )
    secret = services.create_action(
        contract,
        ActionData(
            title="Négociation confidentielle (fictif)",
            number="2",
            section=access,
            is_confidential=True,
            status=ActionStatus.BLOCKED,
        ),
    )
    sub = services.create_action(contract, ActionData(title="Diffusion en mairie", parent=guide))
    sism = services.create_action(
        contract,
        ActionData(
            title="Semaines d’information sur la santé mentale",
            number="3",
            section=mental,
            pilot_name="Coordinatrice CLSM",
            status=ActionStatus.IN_PROGRESS,
            progress_mode=ProgressMode.STEPS,
            starts_on=datetime.date(2024, 9, 1),
            ends_on=datetime.date(2025, 6, 30),
        ),
    )
    services.add_step(sism, title="Programme", is_done=True, done_on=datetime.date(2024, 9, 15))
    services.add_step(sism, title="Bilan")
    ars_line = services.save_funding_line(
        guide,
        FundingData(
            funder_kind=FunderKind.ARS,
            year=2025,
            planned=Decimal(12000),
            spent=Decimal(8000),
            fir_mission="M1",
            fir_line="Prévention",
        ),
    )
    town_line = services.save_funding_line(
        guide,
        FundingData(
            funder_kind=FunderKind.COLLECTIVITY, funder_name="Ville d’Albi", year=2025, planned=Decimal(3000)
        ),
    )
    indicator = add_indicator(
        contract, name="Guides distribués", kind="PROCESS", unit="guides", direction="UP", action=guide
    )
    record_value(indicator, period="2025", target=Decimal(500), actual=Decimal(350), source="Ville d’Albi")
    return _plan(locals())
