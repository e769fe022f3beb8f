"""The national bundle: its figures match the sources, and the test bundle is a faithful part of it.

The session database holds the small test bundle (tests/bundle.py). This module loads the national bundle
(34,969 communes and their contours) once, inside a transaction rolled back at its end, so the other tests
never see it (under `make test`, one xdist worker runs the whole module: see
conftest.pytest_collection_modifyitems).
"""

import json

import pytest
from django.core.management import call_command
from django.db.models import Sum

from santelocale.territories.bundle import read_bundle
from santelocale.territories.models import (
    Boundary,
    CityContract,
    Commune,
    Department,
    Epci,
    PriorityNeighbourhood,
    Region,
)
from tests.bundle import DEPARTEMENTS, national_dir, test_bundle_dir
from tests.conftest import module_data

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def national_bundle(django_db_setup, django_db_blocker):
    """The national bundle loaded for this module only (rolled back afterwards)."""
    with module_data(django_db_blocker):
        call_command("init", data_dir=str(national_dir()), force=True, no_progress=True, verbosity=0)
        yield


def test_it_loads_every_current_commune_epci_department_and_region_of_the_cog_2026():
    assert Commune.objects.count() == 34_969
    assert Epci.objects.count() == 1_255
    assert Department.objects.count() == 109  # 101 + 8 overseas collectivities listed by the COG
    assert Department.objects.exclude(zone="com").count() == 101
    assert Region.objects.exclude(zone="com").count() == 18
    assert Region.objects.count() == 26


def test_epci_membership_matches_the_dgcl_list():
    assert Commune.objects.filter(epci__isnull=False).count() == 34_871
    assert Commune.objects.filter(epci__isnull=True).count() == 98


def test_population_of_an_epci_is_the_sum_of_its_communes():
    toulouse = Epci.objects.get(siren="243100518")
    assert toulouse.population == toulouse.communes.aggregate(total=Sum("population"))["total"]
    assert toulouse.population > 800_000
    for epci in Epci.objects.order_by("?")[:25]:
        assert epci.population == epci.communes.aggregate(total=Sum("population"))["total"]


def test_qpv_and_city_contracts_of_both_generations_are_loaded():
    assert PriorityNeighbourhood.objects.filter(generation="2015").count() == 105
    assert CityContract.objects.filter(generation="2015").count() == 433

    assert Boundary.objects.filter(level="qpv").count() == 105


def test_search_text_folds_accents_so_saint_etienne_matches():
    assert " saint etienne " in Commune.objects.get(code="42218").search_text


def test_the_test_bundle_holds_exactly_the_national_rows_of_its_departements():
    national, small = read_bundle(national_dir()), read_bundle(test_bundle_dir())
    kept = set(DEPARTEMENTS)
    assert small.communes == [c for c in national.communes if c["department"] in kept]
    assert (small.regions, small.departements) == (national.regions, national.departements)
    small_codes = {c["code"] for c in small.communes}
    assert {q["code"] for q in small.qpv} == {
        q["code"] for q in national.qpv if set(q["communes"]) <= small_codes
    }
    assert len(small.qpv) == 105  # every QPV of the bundle is in Occitanie
    manifest = json.loads((test_bundle_dir() / "MANIFEST.json").read_text())
    assert manifest["counts"]["communes"] == len(small.communes) < len(national.communes)
