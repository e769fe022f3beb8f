"""The test bundle is a faithful part of the national bundle: the same régions and départements, exactly
the national rows of its départements, and every QPV whose communes it holds.

The national bundle's own figures (COG 2026, DGCL, QPV) are checked against the database the end-to-end
run's served instance loads it into (tests/e2e/test_national_bundle.py): France is loaded once per
`make test`, not once more per database here.
"""

import json

from santelocale.territories.bundle import read_bundle
from tests.bundle import DEPARTEMENTS, national_dir, test_bundle_dir


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
