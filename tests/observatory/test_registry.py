"""The registry page and its filters: who sees what, what each filter keeps, what a bad value does."""

import datetime

import pytest

from santelocale.contracts.enums import ContractKind, Status, StatusGroup
from santelocale.observatory.filtersets import parse_filters
from santelocale.observatory.services import registry
from tests.observatory.conftest import ALBIGEOIS, CASTRES_MAZAMET

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def _names(user, today=TODAY, **params):
    filters, warnings = parse_filters(params)
    assert warnings == []
    return [c.name for c in registry(user=user, filters=filters, today=today)]


@pytest.fixture
def registry_contracts(make_contract, active_contract, perimeter_of, paca, bouches_du_rhone):
    """A signed CLS on Albi, a published CLSM project on the Albigeois, a draft CLS on Castres, an ended
    CLS in PACA (signed 2015, ended 2020) and a signed CLS past its end date on the Albigeois."""
    albigeois = perimeter_of("Albigeois", ("epci", ALBIGEOIS))
    castres = perimeter_of("Castres-Mazamet", ("epci", CASTRES_MAZAMET))
    marseille = perimeter_of("Marseille", ("commune", "13055"))
    return {
        "signed": active_contract(name="CLS d’Albi"),
        "project": make_contract(
            name="CLSM de l’Albigeois", kind=ContractKind.CLSM, perimeter=albigeois, is_published=True
        ),
        "draft": make_contract(name="CLS de Castres (brouillon)", perimeter=castres),
        "ended": make_contract(
            name="CLS de Marseille",
            perimeter=marseille,
            region=paca,
            department=bouches_du_rhone,
            status=Status.COMPLETED,
            is_published=True,
            launched_on=datetime.date(2014, 1, 1),
            signed_on=datetime.date(2015, 3, 1),
            starts_on=datetime.date(2015, 3, 1),
            ends_on=datetime.date(2020, 2, 28),
        ),
        "overdue": make_contract(
            name="CLS du Grand Albigeois",
            perimeter=albigeois,
            status=Status.IMPLEMENTATION,
            is_published=True,
            launched_on=datetime.date(2019, 1, 1),
            signed_on=datetime.date(2019, 6, 1),
            starts_on=datetime.date(2019, 6, 1),
            ends_on=datetime.date(2024, 5, 31),
        ),
    }


def test_the_public_sees_published_contracts_only(registry_contracts):
    from django.contrib.auth.models import AnonymousUser

    names = _names(AnonymousUser())
    assert "CLS de Castres (brouillon)" not in names
    assert set(names) == {"CLS d’Albi", "CLSM de l’Albigeois", "CLS de Marseille", "CLS du Grand Albigeois"}


def test_the_porteur_and_the_regional_ars_also_see_the_draft(registry_contracts, alice, diane, paul):
    assert "CLS de Castres (brouillon)" in _names(alice)
    assert "CLS de Castres (brouillon)" in _names(diane)
    assert "CLS de Castres (brouillon)" not in _names(paul)


def test_region_department_and_kind_filters_narrow_the_registry(registry_contracts, alice):
    assert _names(alice, region="93") == ["CLS de Marseille"]
    assert "CLS de Marseille" not in _names(alice, departement="81")
    assert _names(alice, type="clsm") == ["CLSM de l’Albigeois"]


def test_a_status_filter_keeps_that_status_and_a_family_filter_follows_the_map_families(
    registry_contracts, alice
):
    assert _names(alice, statut="SIGNED") == ["CLS d’Albi"]
    assert _names(alice, statut=StatusGroup.ACTIVE) == ["CLS d’Albi"]
    assert set(_names(alice, statut=StatusGroup.PROJECT)) == {
        "CLS de Castres (brouillon)",
        "CLSM de l’Albigeois",
    }
    # A contract still « en mise en œuvre » past its end date is « à échéance », with the ended ones.
    assert set(_names(alice, statut=StatusGroup.ENDED)) == {"CLS de Marseille", "CLS du Grand Albigeois"}


def test_the_period_keeps_contracts_valid_at_some_point_of_those_years(registry_contracts, alice):
    assert _names(alice, du="2016", au="2017") == ["CLS de Marseille"]
    assert set(_names(alice, du="2024", au="2024")) == {"CLS d’Albi", "CLS du Grand Albigeois"}
    assert _names(alice, du="2027") == ["CLS d’Albi"]
    assert set(_names(alice, au="2019")) == {"CLS de Marseille", "CLS du Grand Albigeois"}


def test_free_text_ignores_case_and_accents(registry_contracts, alice):
    assert set(_names(alice, q="albigeois")) == {"CLSM de l’Albigeois", "CLS du Grand Albigeois"}
    assert _names(alice, q="MARSEÏLLE") == ["CLS de Marseille"]


def test_generation_filter(registry_contracts, alice):
    assert len(_names(alice, generation="1")) == 5
    assert _names(alice, generation="2") == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "99"}, "Région inconnue : « 99 »"),
        ({"departement": "999"}, "Département inconnu : « 999 »"),
        ({"region": "93", "departement": "81"}, "Tarn (81) n’est pas dans la région Provence"),
        ({"type": "CLSX"}, "Type inconnu"),
        ({"statut": "PERDU"}, "Statut inconnu"),
        ({"generation": "deux"}, "Génération invalide"),
        ({"du": "abc"}, "Année de début invalide : « abc »"),
        ({"au": "12345"}, "Année de fin hors limites"),
    ],
)
def test_a_bad_filter_value_is_ignored_with_a_french_message(params, expected):
    filters, warnings = parse_filters(params)
    assert len(warnings) == 1 and expected in warnings[0]
    assert filters.region is None or filters.department is None


def test_a_backwards_period_is_put_in_order():
    filters, warnings = parse_filters({"du": "2025", "au": "2020"})
    assert (filters.year_from, filters.year_to) == (2020, 2025)
    assert "remise dans l’ordre" in warnings[0]


def test_the_page_lists_the_contracts_with_their_count_and_links(client, registry_contracts):
    response = client.get("/observatoire/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-count="4"' in body
    assert registry_contracts["signed"].get_absolute_url() in body
    assert "CLS de Castres (brouillon)" not in body
    assert "Signé, en vigueur" in body and "Achevé ou à réactiver" in body  # the legend
    assert "registre.csv" in body and "registre.schema.json" in body


def test_the_page_shows_ignored_filters_instead_of_failing(client, registry_contracts):
    response = client.get("/observatoire/?region=99&du=abc&type=CLSM")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Région inconnue : « 99 »" in body and "Année de début invalide" in body
    assert 'data-count="1"' in body  # the valid filter (CLSM) still applies


def test_htmx_gets_the_results_and_the_departments_of_the_chosen_region(client, registry_contracts):
    response = client.get("/observatoire/?region=93", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<h1" not in body and 'data-count="1"' in body
    assert 'hx-swap-oob="true"' in body and "Bouches-du-Rhône (13)" in body and "Tarn (81)" not in body
    assert "registre.geojson?region=93" in body
