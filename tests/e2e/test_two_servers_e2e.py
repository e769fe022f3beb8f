"""Two application servers on one PostgreSQL database, with no sticky sessions (docs/deployment.md).

Two `santelocale serve` processes, each with its own VAR_DIR (as on two machines) and the same SECRET_KEY,
share one database. A client signs in on server A, then alternates: CSRF-protected writes on B with the
session opened on A, a write on A with the token B gave, and both servers see every write.
"""

import http.cookiejar
import os
import re
import secrets
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from santelocale.utils.served import start_server, stop_server
from tests.e2e.conftest import ARTIFACTS, ROOT, STATIC_ROOT

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="plusieurs serveurs sur une base : PostgreSQL seulement (SQLite est locale à un serveur)",
    ),
]

EMAIL = "exploitation@example.test"
PASSWORD = "mot-de-passe-deux-serveurs-1"


@pytest.fixture
def shared_database():
    import psycopg

    admin_url, _, _name = os.environ["DATABASE_URL"].rpartition("/")
    name = f"santelocale_two_servers_{os.getpid()}"
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{admin_url}/{name}"
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(args, env):
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _serve(env, name):
    command = [str(Path(sys.executable).with_name("santelocale")), "serve"]
    return start_server(
        command, env=env, cwd=ROOT, log_path=ARTIFACTS / f"server-{name}.log", probe="/comptes/connexion/"
    )


def _form_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (CSRF token, the admin's inline management forms)."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        if 'type="hidden"' in tag and (name := re.search(r'name="([^"]+)"', tag)):
            value = re.search(r'value="([^"]*)"', tag)
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def test_a_session_opened_on_one_server_writes_through_the_other(shared_database):
    base = {
        **os.environ,
        "DATABASE_URL": shared_database,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SETTINGS_MODULE": "santelocale.settings",
        "SANTELOCALE_STATIC_ROOT": str(STATIC_ROOT),  # static files hold no data: shared, collected once
        "SANTELOCALE_STATIC_COMPRESS": "0",  # as the other served instance (tests/e2e/conftest.py)
    }
    env_a = {**base, "SANTELOCALE_VAR_DIR": tempfile.mkdtemp(prefix="santelocale-a-")}
    env_b = {**base, "SANTELOCALE_VAR_DIR": tempfile.mkdtemp(prefix="santelocale-b-")}
    santelocale = str(Path(sys.executable).with_name("santelocale"))
    _run([santelocale, "migrate", "--no-input", "-v", "0"], env_a)
    _run(
        [
            santelocale,
            "shell",
            "-c",
            "from santelocale.accounts.models import User; "
            f"User.objects.create_superuser(email='{EMAIL}', password='{PASSWORD}')",
        ],
        env_a,
    )
    server_a, url_a = _serve(env_a, "a")
    server_b, url_b = _serve(env_b, "b")
    try:
        jar = http.cookiejar.CookieJar()  # one browser: cookies of 127.0.0.1, whatever the port
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

        def get(url):
            with opener.open(url, timeout=30) as response:
                return response.status, response.geturl(), response.read().decode()

        def post(url, data):
            body = urllib.parse.urlencode(data).encode()
            with opener.open(urllib.request.Request(url, data=body), timeout=30) as response:
                return response.status, response.geturl(), response.read().decode()

        _, _, login_page = get(url_a + "/comptes/connexion/")
        status, landed, _ = post(
            url_a + "/comptes/connexion/",
            {
                "csrfmiddlewaretoken": _form_token(login_page),
                "username": EMAIL,
                "password": PASSWORD,
                "next": "/",
            },
        )
        assert status == 200 and "/comptes/connexion/" not in landed

        created = []
        for index, (form_server, write_server) in enumerate(
            [(url_b, url_b), (url_a, url_b), (url_b, url_a), (url_a, url_b)]
        ):
            name = f"Organisation écrite par le serveur {index} (test)"
            _, _, form = get(form_server + "/admin/accounts/organisation/add/")
            status, landed, page = post(
                write_server + "/admin/accounts/organisation/add/",
                {**_hidden_fields(form), "name": name, "kind": "COMMUNE", "siren": ""},
            )
            assert status == 200 and landed.endswith("/admin/accounts/organisation/"), page[:2000]
            created.append(name)
        for url in (url_a, url_b):
            _, _, listing = get(url + "/admin/accounts/organisation/")
            for name in created:
                assert name in listing
    finally:
        for process in (server_a, server_b):
            stop_server(process)
