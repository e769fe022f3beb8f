"""End-to-end fixtures: a real served instance, Debian's Chromium driven by Playwright, and axe-core.

The instance is started once per session the way `make run` starts it (`santelocale init`, `demo`,
`serve`), on its own database: a temporary SQLite file, or a temporary database on the PostgreSQL server
named by DATABASE_URL. Screenshots go to test-artifacts/ (kept by CI as artefacts).
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from santelocale.utils.served import start_server, stop_server
from tests.bundle import test_bundle_dir

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
#: static files of every served instance of the tests (the end-to-end one, the two servers of
#: test_two_servers_e2e): collected and compressed once, then kept between runs like var/test-bundles —
#: `serve` compresses again only what changed (santelocale/utils/staticfiles.py).
STATIC_ROOT = ROOT / "var" / "test-static"
DEMO_PASSWORD = "mot-de-passe-e2e-1"
DEMO_COORDINATOR = "coordination@demo.santelocale.test"
DEMO_ARS_DELEGATION = "ars-delegation@demo.santelocale.test"


def _santelocale(*args, env):
    command = [str(Path(sys.executable).with_name("santelocale")), *args]
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} a échoué :\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def e2e_database_url(tmp_path_factory):
    """A database of its own for the served instance, dropped at the end of the session."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        import psycopg

        admin_url, _, _name = base.rpartition("/")
        name = f"santelocale_e2e_{os.getpid()}"
        with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        yield f"{admin_url}/{name}"
        with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('e2e-db') / 'santelocale.sqlite3'}"


@pytest.fixture(scope="session")
def live_url(e2e_database_url):
    """Base URL of a served instance with the data bundle and the demo accounts loaded."""
    var_dir = tempfile.mkdtemp(prefix="santelocale-e2e-")
    env = {
        **os.environ,
        "DATABASE_URL": e2e_database_url,
        "SANTELOCALE_VAR_DIR": var_dir,
        "SANTELOCALE_STATIC_ROOT": str(STATIC_ROOT),
        # The browser is on this machine: no compressed copies (40 s of CPU on a fresh clone); compression
        # itself is checked by tests/test_staticfiles.py.
        "SANTELOCALE_STATIC_COMPRESS": "0",
        "DJANGO_SETTINGS_MODULE": "santelocale.settings",
    }
    # The national bundle where the end-to-end tests run (SQLite). On PostgreSQL an instance is served only
    # for the races (tests/e2e/test_races_e2e.py), which need the demo and its places, not all of France:
    # the test bundle (tests/bundle.py) spares `make test` a second national load on PostgreSQL.
    data = ["--data-dir", str(test_bundle_dir())] if e2e_database_url.startswith("postgres") else []
    _santelocale("init", "--no-progress", *data, env=env)
    _santelocale("demo", "--password", DEMO_PASSWORD, env=env)
    server, url = start_server(
        [str(Path(sys.executable).with_name("santelocale")), "serve", "--workers", "2"],
        env=env,
        cwd=ROOT,
        # One log per database: `make test` serves the SQLite and the PostgreSQL instances at the same time.
        log_path=ARTIFACTS / f"server-{e2e_database_url.partition(':')[0]}.log",
    )
    yield url
    stop_server(server)
    shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium est absent : lancez `make test`, qui l’installe (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_url):
    context = browser.new_context(base_url=live_url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def sign_in(page, email: str) -> None:
    """Sign ``page`` in as the demo account ``email`` (signing out whoever was signed in)."""
    page.context.clear_cookies()
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/comptes/connexion/" not in url)


@pytest.fixture
def coordinator_page(page):
    """A page signed in as the demo coordinator (Ville d’Albi)."""
    sign_in(page, DEMO_COORDINATOR)
    return page


_axe = Axe()


def assert_accessible(page, name: str) -> None:
    """Run axe-core on the page: no serious or critical violation allowed; keep a screenshot."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    results = _axe.run(page)
    blocking = [
        violation
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in blocking
    )
    assert not blocking, f"axe-core : violations graves sur {name} ({page.url}) :\n{details}"
