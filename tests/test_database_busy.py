"""A busy SQLite database answers a French 503 with Retry-After, never a 500 (issue 9, point 9).

Reproduced for real on a served instance of its own (SQLite file, 1 s busy timeout): another process holds
SQLite's write lock, as a long import did for a minute, while a user signs in and while a program writes
through the API.
"""

import http.cookiejar
import json
import os
import re
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from santelocale.utils.served import start_server, stop_server
from tests.bundle import test_bundle_dir

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "mot-de-passe-occupe-1"
EMAIL = "occupe@example.test"

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite's write lock"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(base URL, database file) of a served instance with the bundle and one superuser."""
    folder = tmp_path_factory.mktemp("busy")
    database = folder / "santelocale.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "SANTELOCALE_VAR_DIR": str(folder / "var"),
        "DJANGO_SETTINGS_MODULE": "santelocale.settings",
        "SQLITE_BUSY_TIMEOUT": "1",
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
    }
    santelocale = str(Path(sys.executable).with_name("santelocale"))
    init = ["init", "--no-progress", "--data-dir", str(test_bundle_dir())]  # the small bundle: sign-in only
    for args in (init, ["createsuperuser", "--noinput", "--email", EMAIL]):
        subprocess.run([santelocale, *args], env=env, cwd=ROOT, check=True, capture_output=True, timeout=900)
    # gunicorn as `santelocale serve` runs it, without its collectstatic (whitenoise serves from the apps).
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server, url = start_server(
        [gunicorn, "santelocale.wsgi", "--workers", "1", "--threads", "2"],
        env=env,
        cwd=ROOT,
        log_path=folder / "server.log",
        timeout=300,
    )
    yield url, database
    stop_server(server)


class Browser:
    """Cookies and CSRF token, as a browser keeps them."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, data=None, headers=None):
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()
        return response.status, dict(response.headers), response.read().decode()

    def sign_in(self):
        _, _, html = self.request("/comptes/connexion/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        self.csrf = token
        form = {"csrfmiddlewaretoken": token, "username": EMAIL, "password": PASSWORD}
        return self.request(
            "/comptes/connexion/",
            urllib.parse.urlencode(form).encode(),
            {"Referer": self.base + "/comptes/connexion/"},
        )


def hold_write_lock(database: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    return connection


def test_signing_in_while_the_database_is_busy_answers_a_french_503_then_works(served):
    url, database = served
    browser = Browser(url)
    lock = hold_write_lock(database)
    try:
        status, headers, html = browser.sign_in()
    finally:
        lock.rollback()
        lock.close()

    assert status == 503
    assert headers.get("Retry-After") == "5"
    assert "Service momentanément indisponible" in html
    assert "Réessayez dans quelques secondes" in html
    status, _, html = browser.sign_in()
    assert status == 200 and "Se déconnecter" in html


def test_an_api_write_while_the_database_is_busy_answers_a_json_503(served):
    url, database = served
    browser = Browser(url)
    browser.sign_in()
    _, _, html = browser.request("/")  # the token changes at login: take the signed-in page's
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    body = json.dumps({"name": "Périmètre occupé", "codes": "81004"}).encode()
    headers = {"Content-Type": "application/json", "X-CSRFToken": token, "Referer": url + "/"}
    lock = hold_write_lock(database)
    try:
        status, response_headers, text = browser.request("/api/perimetres", body, headers)
    finally:
        lock.rollback()
        lock.close()

    assert status == 503, text
    assert response_headers.get("Retry-After") == "5"
    assert "base de données est momentanément occupée" in json.loads(text)["detail"]
    status, _, text = browser.request("/api/perimetres", body, headers)
    assert status == 201, text
