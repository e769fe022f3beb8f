"""Loading a data bundle: a bad bundle changes nothing, a reload removes what left it, init is idempotent.

These load the small test bundle (tests/bundle.py) the session already holds; the national bundle's own
figures are checked in test_national_bundle.py."""

import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from santelocale.territories.bundle import _sha256
from santelocale.territories.models import (
    Commune,
    DataRelease,
    Epci,
    Region,
)
from tests.bundle import test_bundle_dir

pytestmark = pytest.mark.django_db


def test_init_twice_does_nothing_the_second_time(capsys):
    releases = DataRelease.objects.count()
    call_command("init", data_dir=str(test_bundle_dir()), no_progress=True)
    assert DataRelease.objects.count() == releases
    assert "déjà chargé" in capsys.readouterr().out


@pytest.fixture
def bundle_copy(tmp_path):
    """A copy of the bundle the session loaded, to damage."""
    target = tmp_path / "data"
    shutil.copytree(test_bundle_dir(), target)
    return target


def _rewrite(bundle_dir, name, content: bytes):
    """Replace a bundle file and update its checksum, so that only its content is wrong."""
    (bundle_dir / name).write_bytes(content)
    manifest = json.loads((bundle_dir / "MANIFEST.json").read_text())
    manifest["files"][name]["sha256"] = _sha256(bundle_dir / name)
    manifest["bundle_version"] = "test-altered"
    (bundle_dir / "MANIFEST.json").write_text(json.dumps(manifest))


def test_a_missing_file_stops_init_with_a_clear_message_and_no_change(bundle_copy):
    epci = Epci.objects.count()
    (bundle_copy / "epci.json").unlink()
    with pytest.raises(CommandError, match=r"Fichier manquant : .*epci\.json"):
        call_command("init", data_dir=str(bundle_copy), no_progress=True, force=True)
    assert Epci.objects.count() == epci


def test_a_corrupt_file_is_detected_by_its_checksum(bundle_copy):
    path = bundle_copy / "regions.json"
    path.write_text(path.read_text().replace("Occitanie", "Occitania"))
    with pytest.raises(CommandError, match=r"(?s)Fichier corrompu : .*regions\.json.*n’a pas été modifiée"):
        call_command("init", data_dir=str(bundle_copy), no_progress=True, force=True)
    assert Region.objects.get(code="76").name == "Occitanie"


@pytest.mark.slow
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


@pytest.mark.slow
def test_a_reload_removes_territories_that_left_the_bundle_and_keeps_the_others():
    epci, communes = Epci.objects.count(), Commune.objects.count()
    Epci.objects.create(siren="999999999", name="EPCI dissous (test)", kind="CC", search_text=" test ")
    call_command("init", data_dir=str(test_bundle_dir()), no_progress=True, force=True)
    assert not Epci.objects.filter(siren="999999999").exists()
    assert (Epci.objects.count(), Commune.objects.count()) == (epci, communes)
