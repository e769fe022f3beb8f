"""Fixtures for contracts: the ARS of Occitanie and its Tarn delegation, a perimeter on Albi, a CLS draft.

Personas (on top of tests/conftest.py): Alice coordinates at the Ville d’Albi (porteur), Bob reads there,
Charlie coordinates elsewhere, Diane is the ARS Tarn delegation referent, Régine an ARS Occitanie officer,
Armand an ARS Occitanie administrator, Paul an ARS PACA officer, Pia a partner (CPAM) reader.
"""

import datetime

import pytest

from santelocale.accounts.enums import OrganisationKind, Role
from santelocale.accounts.models import Organisation
from santelocale.contracts.enums import ContractKind, SignatoryKind
from santelocale.contracts.services import ContractData, add_signatory, create_contract
from santelocale.indicators.services import add_indicator
from santelocale.territories.models import Department, Region
from santelocale.territories.services import save_perimeter
from tests.conftest import _person


@pytest.fixture
def occitanie(db):
    return Region.objects.get(pk="76")


@pytest.fixture
def tarn(db):
    return Department.objects.get(pk="81")


@pytest.fixture
def ars_occitanie(db):
    return Organisation.objects.create(name="ARS Occitanie (test)", kind=OrganisationKind.ARS, region_id="76")


@pytest.fixture
def ars_tarn(db):
    return Organisation.objects.create(
        name="ARS Occitanie — DD Tarn (test)",
        kind=OrganisationKind.ARS_DELEGATION,
        region_id="76",
        department_id="81",
    )


@pytest.fixture
def ars_paca(db):
    return Organisation.objects.create(name="ARS PACA (test)", kind=OrganisationKind.ARS, region_id="93")


@pytest.fixture
def cpam(db):
    return Organisation.objects.create(name="CPAM du Tarn (test)", kind=OrganisationKind.OTHER)


@pytest.fixture
def diane(ars_tarn):
    """ARS officer at the Tarn delegation."""
    return _person("diane@example.test", ars_tarn, Role.ARS_OFFICER)


@pytest.fixture
def regine(ars_occitanie):
    """ARS officer at the regional seat of ARS Occitanie."""
    return _person("regine@example.test", ars_occitanie, Role.ARS_OFFICER)


@pytest.fixture
def armand(ars_occitanie):
    """Administrator of ARS Occitanie (maintains the socles)."""
    return _person("armand@example.test", ars_occitanie, Role.ADMIN)


@pytest.fixture
def paul(ars_paca):
    """ARS officer in another région (PACA)."""
    return _person("paul@example.test", ars_paca, Role.ARS_OFFICER)


@pytest.fixture
def pia(cpam):
    """Reader at a partner organisation (CPAM)."""
    return _person("pia@example.test", cpam, Role.READER)


@pytest.fixture
def albi_perimeter(alice):
    return save_perimeter(name="Ville d’Albi", components=[{"kind": "commune", "code": "81004"}], user=alice)


@pytest.fixture
def make_contract(alice, albi, occitanie, tarn, albi_perimeter):
    """Build a contract on Albi (by default a CLS draft carried by the Ville d’Albi)."""

    def make(**overrides):
        fields = {
            "kind": ContractKind.CLS,
            "name": "CLS d’Albi (test)",
            "perimeter": albi_perimeter,
            "region": occitanie,
            "department": tarn,
            "porteurs": [albi],
            "launched_on": datetime.date(2023, 1, 15),
        }
        status = overrides.pop("status", None)
        fields.update(overrides)
        extra = {"status": status} if status else {}
        return create_contract(user=alice, data=ContractData(**fields), **extra)

    return make


@pytest.fixture
def cls_draft(make_contract):
    return make_contract()


def make_ready_to_sign(contract, albi):
    """Fill in what the checklist of a CLS asks: signatories, an indicator, every socle (incl. mental health)."""
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
