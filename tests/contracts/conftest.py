"""Helpers for contract tests (fixtures and personas live in tests/conftest.py)."""

from santelocale.contracts.enums import SignatoryKind
from santelocale.contracts.services import add_signatory
from santelocale.indicators.services import add_indicator


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
