"""Fixtures of the observatory tests: perimeters built from real territories, and contracts by family."""

import datetime

import pytest

from santelocale.contracts.enums import Status
from santelocale.territories.models import Department, Region
from santelocale.territories.services import save_perimeter

ALBIGEOIS = "248100737"  # CA de l'Albigeois, 16 communes, holds the QPV of Albi (contrat de ville CV302)
CASTRES_MAZAMET = "248100430"
ALBI = "81004"


@pytest.fixture
def perimeter_of(alice):
    """Build a perimeter from ``("epci", "248100737")``-like components."""

    def make(name, *components):
        return save_perimeter(
            name=name, components=[{"kind": kind, "code": code} for kind, code in components], user=alice
        )

    return make


@pytest.fixture
def active_contract(make_contract):
    """A published contract signed in 2024, valid until 2029 (in force); overrides as ``make_contract``."""

    def make(**overrides):
        fields = {
            "status": Status.SIGNED,
            "is_published": True,
            "signed_on": datetime.date(2024, 1, 10),
            "starts_on": datetime.date(2024, 1, 15),
        }
        fields.update(overrides)
        return make_contract(**fields)

    return make


@pytest.fixture
def paca(db):
    return Region.objects.get(pk="93")


@pytest.fixture
def bouches_du_rhone(db):
    return Department.objects.get(pk="13")
