"""Coverage figures, each checked against numbers computed here from the fixtures and the real geography."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from santelocale.contracts.enums import ContractKind, Status
from santelocale.contracts.lifecycle import change_status
from santelocale.observatory.coverage import coverage, status_timeline
from santelocale.territories.models import CityContract, Commune, Department, Region
from tests.observatory.conftest import ALBI, ALBIGEOIS, CASTRES_MAZAMET

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
GAILLAC_GRAULHET = "200066124"


def _population(codes) -> int:
    return sum(Commune.objects.filter(pk__in=list(codes)).values_list("population", flat=True))


def _codes(perimeter) -> set[str]:
    return set(perimeter.communes.values_list("code", flat=True))


def _row(rows, code):
    return next(row for row in rows if row.code == code)


@pytest.fixture
def tarn_contracts(make_contract, active_contract, perimeter_of):
    """Active CLS on the Albigeois and on Castres-Mazamet, a CLS project on Albi alone (already covered),
    an active CLSM on Albi, and an active CLS draft (not published) on Gaillac-Graulhet."""
    albigeois = perimeter_of("Albigeois", ("epci", ALBIGEOIS))
    castres = perimeter_of("Castres-Mazamet", ("epci", CASTRES_MAZAMET))
    gaillac = perimeter_of("Gaillac-Graulhet", ("epci", GAILLAC_GRAULHET))
    return {
        "albigeois": active_contract(name="CLS de l’Albigeois", perimeter=albigeois),
        "castres": active_contract(name="CLS de Castres-Mazamet", perimeter=castres),
        "albi_project": make_contract(name="CLS d’Albi (projet)", is_published=True),
        "clsm_albi": active_contract(name="CLSM d’Albi", kind=ContractKind.CLSM),
        "gaillac_draft": active_contract(name="CLS Gaillac-Graulhet", perimeter=gaillac, is_published=False),
    }


def test_covered_population_is_the_population_of_the_distinct_covered_communes(tarn_contracts, tarn):
    communes = _codes(tarn_contracts["albigeois"].perimeter) | _codes(tarn_contracts["castres"].perimeter)
    figures = coverage(user=AnonymousUser(), region=tarn.region, today=TODAY)
    row = _row(figures.population_rows, "81")
    assert row.population == tarn.population
    assert row.cls.count == _population(communes)
    # Albi is in the Albigeois already: counting the project on Albi adds no one.
    assert row.cls_with_projects.count == row.cls.count
    assert row.cls.share == pytest.approx(row.cls.count / tarn.population)
    assert row.clsm.count == _population([ALBI])
    assert figures.population_total.cls.count == row.cls.count  # nothing elsewhere in Occitanie
    assert figures.population_total.population == Region.objects.get(pk="76").population


def test_a_draft_counts_for_its_ars_but_not_for_the_public(tarn_contracts, diane):
    gaillac = _codes(tarn_contracts["gaillac_draft"].perimeter)
    public = coverage(user=AnonymousUser(), region=Region.objects.get(pk="76"), today=TODAY)
    ars = coverage(user=diane, region=Region.objects.get(pk="76"), today=TODAY)
    assert ars.population_key.cls.count - public.population_key.cls.count == _population(gaillac)
    assert public.contract_counts[("CLS", "ACTIVE")] == 2
    assert ars.contract_counts[("CLS", "ACTIVE")] == 3


def test_the_national_table_has_one_row_per_region_and_a_france_total(tarn_contracts):
    figures = coverage(user=AnonymousUser(), today=TODAY)
    assert [row.code for row in figures.population_rows] == list(
        Region.objects.order_by("name").values_list("code", flat=True)
    )
    assert figures.population_total.population == sum(row.population for row in figures.population_rows)
    assert _row(figures.population_rows, "76").cls.count == figures.population_total.cls.count > 0
    assert figures.city_total.total == CityContract.objects.count()


def test_a_department_scope_gives_its_own_key_figures_within_its_region_table(tarn_contracts, tarn):
    figures = coverage(user=AnonymousUser(), department=tarn, today=TODAY)
    assert figures.scope_label == "Tarn (81)" and figures.region.pk == "76"
    assert figures.population_key.code == "81"
    assert {row.code for row in figures.population_rows} == set(
        Department.objects.filter(region_id="76").values_list("code", flat=True)
    )


def test_city_contracts_on_a_cls_territory_share_a_commune_with_an_active_or_project_cls(tarn_contracts):
    covered = _codes(tarn_contracts["albigeois"].perimeter) | _codes(tarn_contracts["castres"].perimeter)
    occitanie = CityContract.objects.filter(department__region_id="76")
    expected = occitanie.filter(communes__in=covered).distinct().count()
    figures = coverage(user=AnonymousUser(), region=Region.objects.get(pk="76"), today=TODAY)
    assert figures.city_total.total == occitanie.count()
    assert figures.city_total.on_cls.count == expected == 2  # CV302 (Albigeois) and CV303 (Castres)
    assert _row(figures.city_rows, "81").on_cls.count == 2


def test_a_clsm_on_albi_intersects_the_city_contract_holding_the_qpv_of_albi(tarn_contracts):
    expected = set(
        CityContract.objects.filter(communes__qpvs__communes=ALBI, department__region_id="76")
        .distinct()
        .values_list("code", flat=True)
    )
    assert expected == {"CV302"}
    figures = coverage(user=AnonymousUser(), region=Region.objects.get(pk="76"), today=TODAY)
    assert figures.city_total.with_clsm.count == 1
    assert _row(figures.city_rows, "81").with_clsm.count == 1
    assert figures.city_total.without_qpv == 0  # Occitanie has its QPV in the bundle


def test_a_clsm_on_a_commune_without_qpv_does_not_intersect_its_city_contract(active_contract, perimeter_of):
    # Arthès (81018) is in the contrat de ville of the Albigeois but holds none of its QPV.
    arthes = perimeter_of("Arthès", ("commune", "81018"))
    active_contract(name="CLSM d’Arthès", kind=ContractKind.CLSM, perimeter=arthes)
    figures = coverage(user=AnonymousUser(), region=Region.objects.get(pk="76"), today=TODAY)
    assert figures.city_total.with_clsm.count == 0
    assert figures.city_total.on_cls.count == 0  # a CLSM is not a CLS


def test_without_qpv_in_the_bundle_the_city_contract_communes_stand_in(active_contract, perimeter_of, paca):
    marseille = perimeter_of("Marseille", ("commune", "13055"))
    active_contract(
        name="CLSM de Marseille",
        kind=ContractKind.CLSM,
        perimeter=marseille,
        region=paca,
        department=Department.objects.get(pk="13"),
    )
    in_paca = [c for c in CityContract.objects.all() if c.department and c.department.region_id == "93"]
    expected = {c.code for c in in_paca if c.communes.filter(pk="13055").exists()}
    figures = coverage(user=AnonymousUser(), region=paca, today=TODAY)
    assert figures.city_total.with_clsm.count == len(expected) >= 1
    assert figures.city_total.without_qpv == figures.city_total.total == len(in_paca)


def test_an_overdue_contract_no_longer_counts_as_active(make_contract):
    make_contract(
        name="CLS échu",
        status=Status.IMPLEMENTATION,
        is_published=True,
        launched_on=datetime.date(2017, 9, 1),
        signed_on=datetime.date(2018, 5, 1),
        starts_on=datetime.date(2018, 5, 1),
        ends_on=datetime.date(2023, 4, 30),
    )
    figures = coverage(user=AnonymousUser(), region=Region.objects.get(pk="76"), today=TODAY)
    assert figures.population_key.cls.count == 0
    assert figures.contract_counts == {("CLS", "ENDED"): 1}


def test_the_timeline_reads_each_contract_status_on_31_december(make_contract, perimeter_of, alice):
    project = make_contract(name="CLS en projet", is_published=True, launched_on=datetime.date(2022, 3, 1))
    change_status(
        project,
        user=alice,
        target=Status.PREFIGURATION,
        reason="COPIL",
        effective_on=datetime.date(2023, 6, 1),
    )
    change_status(
        project,
        user=alice,
        target=Status.DIAGNOSIS,
        reason="Diagnostic",
        effective_on=datetime.date(2025, 2, 1),
    )
    signed = make_contract(
        name="CLSM signé",
        kind=ContractKind.CLSM,
        status=Status.SIGNED,
        is_published=True,
        launched_on=datetime.date(2021, 5, 1),
        signed_on=datetime.date(2021, 5, 20),
        starts_on=datetime.date(2021, 6, 1),
        ends_on=datetime.date(2026, 5, 31),
    )
    change_status(
        signed,
        user=alice,
        target=Status.IMPLEMENTATION,
        reason="Lancement",
        effective_on=datetime.date(2022, 1, 15),
    )
    years = status_timeline(user=AnonymousUser(), today=TODAY)
    assert [y.year for y in years] == [2021, 2022, 2023, 2024, 2025, 2026]
    statuses = {y.year: {k: v for k, v in y.by_status.items() if v} for y in years}
    assert statuses == {
        2021: {"SIGNED": 1},
        2022: {"REFLECTION": 1, "IMPLEMENTATION": 1},
        2023: {"PREFIGURATION": 1, "IMPLEMENTATION": 1},
        2024: {"PREFIGURATION": 1, "IMPLEMENTATION": 1},
        2025: {"DIAGNOSIS": 1, "IMPLEMENTATION": 1},
        2026: {"DIAGNOSIS": 1, "IMPLEMENTATION": 1},
    }
    assert years[-1].day == TODAY and years[-1].is_current and not years[-2].is_current
    # Past its end date (31 May 2026), the CLSM counts with the ended ones in 2026 only.
    assert years[-2].by_family == {"PROJECT": 1, "ACTIVE": 1, "ENDED": 0}
    assert years[-1].by_family == {"PROJECT": 1, "ACTIVE": 0, "ENDED": 1}
    assert [y.total for y in status_timeline(user=AnonymousUser(), kind="CLSM", today=TODAY)] == [1] * 6


def test_the_timeline_is_empty_without_any_contract():
    assert status_timeline(user=AnonymousUser(), today=TODAY) == []


def test_the_coverage_page_shows_the_chosen_region_with_definitions_and_sources(client, tarn_contracts):
    response = client.get("/observatoire/couverture/?region=76")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Chiffres clés : Occitanie" in body
    assert "Tarn (81)" in body and "Total Occitanie" in body
    assert "Définition." in body and "QPV 2015" in body and "COG 2026" in body
    assert 'id="timeline-chart"' in body and "chartjs-4.6.1/chart.umd.min.js" in body
    assert "CLS de Castres" not in body  # figures only, no contract list


def test_the_coverage_page_ignores_a_bad_region_with_a_message(client):
    response = client.get("/observatoire/couverture/?region=ZZ&type=X")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Région inconnue : « ZZ »" in body and "Type inconnu" in body
    assert "Chiffres clés : France entière" in body
