"""Fixtures for action plans: a published CLS of Albi in « mise en œuvre » with a small plan."""

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
from tests.conftest import _person

pytestmark = pytest.mark.django_db


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
def plan(make_contract, pierre, albi, occitanie):
    """A published CLS « mise en œuvre » 2024-2028 with two axes and four fiches:

    - axis 1 « Accès aux soins » (socle « accès aux soins » of Occitanie when it exists):
      fiche ``guide`` (pilot: pierre, en cours, 40 %, two funding lines, one indicator with values),
      fiche ``secret`` (confidential, bloqué, no pilot), with sub-action ``sub`` under ``guide``;
    - axis 2 « Santé mentale » (volet santé mentale): fiche ``sism`` (progress from 2 steps, 1 done),
      late (ended 2025-06-30, still « en cours »).
    """
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
    return SimpleNamespace(
        contract=contract,
        access=access,
        objective=objective,
        mental=mental,
        guide=guide,
        secret=secret,
        sub=sub,
        sism=sism,
        ars_line=ars_line,
        town_line=town_line,
        indicator=indicator,
    )
