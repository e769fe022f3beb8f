"""Helpers and governance fixtures for contract tests (personas live in tests/conftest.py)."""

import pytest

from santelocale.contracts.enums import BodyKind, ContractKind, SignatoryKind
from santelocale.contracts.governance import add_body
from santelocale.contracts.services import add_signatory
from santelocale.indicators.services import add_indicator


@pytest.fixture
def clsm(make_contract):
    """The published CLSM d’Albi (a module may override it, e.g. with a draft)."""
    return make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)", is_published=True)


@pytest.fixture
def steering(clsm):
    """The CLSM's steering committee."""
    return add_body(clsm, kind=BodyKind.CLSM_STEERING, name="Comité de pilotage du CLSM")


def make_ready_to_sign(contract, albi):
    """Fill in what a CLS checklist asks: signatories, an indicator, every socle (incl. mental health)."""
    add_signatory(contract, kind=SignatoryKind.ARS, name="ARS Occitanie", representative="Directeur général")
    add_signatory(
        contract,
        kind=SignatoryKind.COLLECTIVITY,
        name="Ville d’Albi",
        representative="Maire",
        organisation=albi,
    )
    add_indicator(contract, name="Nombre d’actions réalisées", kind="PROCESS")
    contract.themes.set(contract.region.themes.all())
    return contract
