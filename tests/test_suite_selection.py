"""What `make test` runs on each database (tests/conftest.py, ``pytest_collection_modifyitems``): on
PostgreSQL only the tests that reach a database — and among them the end-to-end tests that need PostgreSQL
(``postgres_only``: several served instances on one database), which run nowhere else, and the races
(``postgres_also``), which mean most there."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _postgres_selection() -> str:
    """The ``-m`` expression of the PostgreSQL run, as the Makefile states it."""
    line = next(
        line for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith("UNIT_POSTGRES")
    )
    return re.search(r'-m "([^"]+)"', line).group(1)


def _collected(database_url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url}
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    return done.stdout


def test_the_postgresql_run_keeps_the_tests_that_need_postgresql_and_leaves_out_the_database_free_ones():
    # Collecting opens no connection: any PostgreSQL address makes the settings choose PostgreSQL.
    listing = _collected(
        "postgres://nobody@127.0.0.1:9/none",
        "-m",
        _postgres_selection(),
        "tests/e2e/test_two_servers_e2e.py",
        "tests/e2e/test_races_e2e.py",
        "tests/e2e/test_csp_e2e.py",
        "tests/test_staticfiles.py",
    )
    assert "test_two_servers_e2e.py::" in listing, listing
    assert "test_races_e2e.py::test_simultaneous_renewals_make_one_next_generation" in listing
    assert "test_csp_e2e.py" not in listing  # the other end-to-end tests run once, on SQLite
    assert (
        "test_staticfiles.py::test_a_second_collect_into_the_same_folder_waits_for_the_first" not in listing
    )
