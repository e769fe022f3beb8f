"""Searching territories by name (any accent or case), INSEE code, SIREN or postcode."""

import pytest

from santelocale.territories.services import search_territories
from santelocale.utils.text import fold

pytestmark = pytest.mark.django_db


def test_fold_removes_accents_case_and_punctuation_and_expands_saint():
    assert fold("Saint-Étienne") == "saint etienne"
    assert fold("  st   ÉTIENNE ") == "saint etienne"
    assert fold("L'Haÿ-les-Roses") == "l hay les roses"
    assert fold("Œuilly") == "oeuilly"


@pytest.mark.parametrize("query", ["saint etienne", "SAINT-ÉTIENNE", "St Étienne", "saint-etienne"])
def test_it_finds_saint_etienne_first_however_it_is_typed(query):
    first = search_territories(query)[0]
    assert (first.level, first.code, first.name) == ("commune", "42218", "Saint-Étienne")


def test_it_finds_a_commune_by_insee_code_and_by_postcode():
    assert search_territories("31555")[0].name == "Toulouse"
    assert "Albi" in [r.name for r in search_territories("81000")]


def test_it_finds_an_epci_by_siren_and_a_department_by_name():
    assert search_territories("243100518")[0].name == "Toulouse Métropole"
    result = search_territories("haute garonne", levels=["departement"])[0]
    assert (result.code, result.name) == ("31", "Haute-Garonne")


def test_it_finds_overseas_collectivities():
    names = [r.name for r in search_territories("saint pierre et miquelon")]
    assert "Saint-Pierre-et-Miquelon" in names


def test_it_finds_a_qpv_by_name_words():
    results = search_territories("bas vernet", levels=["qpv"])
    assert results and results[0].code == "QP066007"


def test_an_empty_or_punctuation_only_query_returns_nothing():
    assert search_territories("") == []
    assert search_territories(" -- ") == []


def test_unknown_words_return_nothing():
    assert search_territories("xyzzyville") == []
