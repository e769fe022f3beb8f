"""The data bundle: its figures match the sources, and a bad bundle changes nothing."""

import json
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from santelocale.territories.bundle import _sha256
from santelocale.territories.models import (
    Boundary,
    CityContract,
    Commune,
    DataRelease,
    Department,
    Epci,
    PriorityNeighbourhood,
    Region,
)

pytestmark = pytest.mark.django_db


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


def test_init_twice_does_nothing_the_second_time(capsys):
    releases = DataRelease.objects.count()
    call_command("init", no_progress=True)
    assert DataRelease.objects.count() == releases
    assert "déjà chargé" in capsys.readouterr().out


@pytest.fixture
def bundle_copy(tmp_path, settings):
    target = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR, target)
    return target


def _rewrite(bundle_dir, name, content: bytes):
    """Replace a bundle file and update its checksum, so that only its content is wrong."""
    (bundle_dir / name).write_bytes(content)
    manifest = json.loads((bundle_dir / "MANIFEST.json").read_text())
    manifest["files"][name]["sha256"] = _sha256(bundle_dir / name)
    manifest["bundle_version"] = "test-altered"
    (bundle_dir / "MANIFEST.json").write_text(json.dumps(manifest))


def test_a_missing_file_stops_init_with_a_clear_message_and_no_change(bundle_copy):
    (bundle_copy / "epci.json").unlink()
    with pytest.raises(CommandError, match=r"Fichier manquant : .*epci\.json"):
        call_command("init", data_dir=str(bundle_copy), no_progress=True, force=True)
    assert Epci.objects.count() == 1_255


def test_a_corrupt_file_is_detected_by_its_checksum(bundle_copy):
    path = bundle_copy / "regions.json"
    path.write_text(path.read_text().replace("Occitanie", "Occitania"))
    with pytest.raises(CommandError, match=r"(?s)Fichier corrompu : .*regions\.json.*n’a pas été modifiée"):
        call_command("init", data_dir=str(bundle_copy), no_progress=True, force=True)
    assert Region.objects.get(code="76").name == "Occitanie"


def test_an_inconsistent_file_late_in_the_load_rolls_everything_back(bundle_copy):
    regions = json.loads((bundle_copy / "regions.json").read_text())
    for region in regions:
        region["name"] = region["name"] + " (modifié)"
    _rewrite(bundle_copy, "regions.json", json.dumps(regions).encode())
    qpvs = json.loads((bundle_copy / "qpv.json").read_text())
    qpvs[-1]["communes"] = ["99999"]
    _rewrite(bundle_copy, "qpv.json", json.dumps(qpvs).encode())
    with pytest.raises(CommandError, match=r"communes inconnues 99999"):
        call_command("init", data_dir=str(bundle_copy), no_progress=True)
    assert Region.objects.get(code="76").name == "Occitanie"
    assert not DataRelease.objects.filter(bundle_version="test-altered").exists()


def test_unreadable_json_is_reported_with_the_file_name(bundle_copy):
    _rewrite(bundle_copy, "epci.json", b"{not json")
    with pytest.raises(CommandError, match=r"illisible ou corrompu : .*epci\.json"):
        call_command("init", data_dir=str(bundle_copy), no_progress=True)


def test_a_reload_removes_territories_that_left_the_bundle_and_keeps_the_others():
    Epci.objects.create(siren="999999999", name="EPCI dissous (test)", kind="CC", search_text=" test ")
    call_command("init", no_progress=True, force=True)
    assert not Epci.objects.filter(siren="999999999").exists()
    assert Epci.objects.count() == 1_255
    assert Commune.objects.count() == 34_969
