"""The production profile (SANTELOCALE_ENV=production): HTTPS and cookies hardened, `check --deploy` clean,
missing settings refused with a French message, demo accounts refused (issue 9, point 8)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user

from santelocale.accounts.models import User
from santelocale.accounts.services import DEMO_DOMAIN, DemoRefused
from santelocale.operations.demo import load_demo
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[1]


def _manage(*args, tmp_path, **env):
    """Run manage.py in a subprocess with only the given variables (plus PATH), as a fresh server would."""
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "santelocale.settings",
        "SANTELOCALE_VAR_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "SANTELOCALE_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "santelocale.example.fr",
    "DATABASE_URL": "postgres://santelocale@localhost:5432/santelocale",
}


def test_check_deploy_is_clean_with_the_production_variables(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_warns_in_development(tmp_path):
    """The development profile is not hardened: the same check finds the HTTPS settings off."""
    result = _manage("check", "--deploy", tmp_path=tmp_path)
    assert "security.W004" in result.stderr + result.stdout  # no HSTS


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY doit être défini"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS doit être défini"),
    ],
)
def test_production_refuses_to_start_without_its_settings(tmp_path, missing, message):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = _manage("check", tmp_path=tmp_path, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_debug_and_an_unknown_profile(tmp_path):
    debug = _manage("check", tmp_path=tmp_path, **PRODUCTION, DEBUG="true")
    assert debug.returncode != 0 and "DEBUG doit être faux" in debug.stderr
    unknown = _manage("check", tmp_path=tmp_path, SANTELOCALE_ENV="prod")
    assert unknown.returncode != 0 and "valeur attendue parmi development, production" in unknown.stderr


def test_production_settings_turn_on_https_and_short_sessions(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.CSRF_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SESSION_COOKIE_AGE, "
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    result = _manage("shell", "-v", "0", "-c", code, tmp_path=tmp_path, **PRODUCTION)
    assert result.stdout.split() == ["31536000", "True", "True", "True", "True", "Lax", "28800", "None"]
    behind_proxy = _manage(
        "shell", "-v", "0", "-c", code, tmp_path=tmp_path, **PRODUCTION, SANTELOCALE_PROXY_COUNT="1"
    )
    assert behind_proxy.stdout.split()[-2:] == ["('HTTP_X_FORWARDED_PROTO',", "'https')"]


def test_sessions_last_a_working_day_in_development_too(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.CSRF_COOKIE_HTTPONLY and settings.SESSION_COOKIE_HTTPONLY


def test_the_demo_command_refuses_to_run_in_production(tmp_path):
    result = _manage(
        "demo", tmp_path=tmp_path, **{**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    )
    assert result.returncode != 0
    assert "réservés à une installation locale" in result.stderr


@pytest.mark.django_db
def test_the_demo_service_refuses_in_production_and_creates_nothing(settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(DemoRefused):
        load_demo(password="secret-de-demo-1")
    assert not User.objects.filter(email__endswith=DEMO_DOMAIN).exists()


@pytest.mark.django_db
def test_demo_accounts_cannot_sign_in_in_production(client, settings):
    demo = User.objects.create_user(email=f"coordination@{DEMO_DOMAIN}", password=PASSWORD)
    User.objects.create_superuser(email=f"admin@{DEMO_DOMAIN}", password=PASSWORD)
    client.force_login(demo)  # a session opened before the switch to production
    settings.IS_PRODUCTION = True
    assert not get_user(client).is_authenticated  # no longer honoured
    response = client.post("/comptes/connexion/", {"username": demo.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Les comptes de démonstration (@demo.santelocale.test) sont refusés" in response.content.decode()
    admin = client.post("/admin/login/", {"username": f"admin@{DEMO_DOMAIN}", "password": PASSWORD})
    assert admin.status_code == 200  # the login form again, not the admin
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_demo_accounts_sign_in_in_development(client):
    User.objects.create_user(email=f"coordination@{DEMO_DOMAIN}", password=PASSWORD)
    response = client.post(
        "/comptes/connexion/", {"username": f"coordination@{DEMO_DOMAIN}", "password": PASSWORD}
    )
    assert response.status_code == 302
