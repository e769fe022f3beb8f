"""The small data bundle the unit and integration tests load (the national one is kept for its own tests).

It is derived from the national bundle in ``data/`` by ``scripts/build_bundle.py --subset-of`` and cached in
``var/test-bundles/<national version>-<départements>/``, so it is built once per national bundle (a second
or two) and rebuilt by itself when ``data/`` changes. Parallel test workers (pytest-xdist) take a file lock
so that one builds it and the others wait.

The départements: every one of Occitanie and Provence-Alpes-Côte d’Azur (the two régions of the demo and of
the personas, with their QPV and contrats de ville), the Loire (Saint-Étienne, for accent folding) and the
Corse-du-Sud (a commune outside both régions). Every région and département is present, with its contour.
"""

import fcntl
import importlib.util
import json
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
OCCITANIE = ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82")
PACA = ("04", "05", "06", "13", "83", "84")
DEPARTEMENTS = (*OCCITANIE, *PACA, "42", "2A")


def _build_script():
    spec = importlib.util.spec_from_file_location("build_bundle", ROOT / "scripts" / "build_bundle.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def national_dir() -> Path:
    return Path(settings.DATA_DIR)


def test_bundle_dir() -> Path:
    """The folder of the test bundle, built from the national bundle if it is not there yet."""
    national = national_dir()
    version = json.loads((national / "MANIFEST.json").read_text(encoding="utf-8"))["bundle_version"]
    cache = ROOT / "var" / "test-bundles"
    target = cache / f"{version}-{'-'.join(DEPARTEMENTS)}"
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "MANIFEST.json").is_file():
            partial = cache / f".building-{version}"
            _build_script().subset_bundle(national, partial, set(DEPARTEMENTS))
            partial.rename(target)
    return target


test_bundle_dir.__test__ = False  # a helper, not a test
