"""The national bundle as `make run` loads it: its figures match the sources (COG 2026, DGCL, QPV).

The national bundle (34,969 communes and their contours) is loaded once per `make test`, by the served
instance of the end-to-end run (``live_url``: `santelocale init` then `demo`, on SQLite). These checks read
that instance's database through a Django alias of its own instead of loading France a second and a third
time into the unit databases; territories are never written by the end-to-end tests, so what they read is
what `init` wrote. The loader's code path on PostgreSQL is the one every PostgreSQL test session runs on the
test bundle (tests/conftest.django_db_setup); the test bundle's faithfulness to this one is checked in
tests/territories/test_national_bundle.py.
"""

import pytest
from django.db import connections
from django.db.models import Sum

from santelocale.territories.models import (
    Boundary,
    CityContract,
    Commune,
    Department,
    Epci,
    PriorityNeighbourhood,
    Region,
)

pytestmark = pytest.mark.e2e

ALIAS = "national"


@pytest.fixture(scope="module")
def national(live_url, e2e_database_url, django_db_blocker):
    """The alias of the served instance's database, which holds the national bundle."""
    if not e2e_database_url.startswith("sqlite"):
        pytest.skip("le bundle national est chargé par l’instance servie sur SQLite (`make test`)")
    default = connections.settings["default"]
    connections.settings[ALIAS] = {
        **default,
        "NAME": e2e_database_url.removeprefix("sqlite:///"),
        "TEST": {**default.get("TEST", {}), "MIRROR": None},
    }
    # Playwright's synchronous API keeps an event loop in this thread once the browser has started, and
    # Django then refuses any query as if it came from a coroutine: these reads are plain synchronous code
    # of this thread, which nothing else shares.
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield ALIAS
        connections[ALIAS].close()
    del connections.settings[ALIAS]


def test_it_loads_every_current_commune_epci_department_and_region_of_the_cog_2026(national):
    assert Commune.objects.using(national).count() == 34_969
    assert Epci.objects.using(national).count() == 1_255
    departments = Department.objects.using(national)
    assert departments.count() == 109  # 101 + 8 overseas collectivities listed by the COG
    assert departments.exclude(zone="com").count() == 101
    assert Region.objects.using(national).exclude(zone="com").count() == 18
    assert Region.objects.using(national).count() == 26


def test_epci_membership_matches_the_dgcl_list(national):
    assert Commune.objects.using(national).filter(epci__isnull=False).count() == 34_871
    assert Commune.objects.using(national).filter(epci__isnull=True).count() == 98


def test_population_of_an_epci_is_the_sum_of_its_communes(national):
    toulouse = Epci.objects.using(national).get(siren="243100518")
    assert toulouse.population == toulouse.communes.aggregate(total=Sum("population"))["total"]
    assert toulouse.population > 800_000
    for epci in Epci.objects.using(national).order_by("?")[:25]:
        assert epci.population == epci.communes.aggregate(total=Sum("population"))["total"]


def test_qpv_and_city_contracts_of_both_generations_are_loaded(national):
    assert PriorityNeighbourhood.objects.using(national).filter(generation="2015").count() == 105
    assert CityContract.objects.using(national).filter(generation="2015").count() == 433
    assert Boundary.objects.using(national).filter(level="qpv").count() == 105


def test_search_text_folds_accents_so_saint_etienne_matches(national):
    assert " saint etienne " in Commune.objects.using(national).get(code="42218").search_text
