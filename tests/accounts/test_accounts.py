"""Accounts, organisations, the demo command and the admin."""

import pytest
from django.core.management import call_command

from santelocale.accounts.enums import Role
from santelocale.accounts.models import Membership, Organisation, User
from santelocale.accounts.services import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


def test_demo_creates_one_account_per_role_and_prints_the_logins(capsys):
    call_command("demo", password="secret-de-demo-1")
    out = capsys.readouterr().out
    for account in DEMO_ACCOUNTS:
        assert account.email in out
        assert User.objects.get(email=account.email).check_password("secret-de-demo-1")
    assert {m.role for m in Membership.objects.all()} >= {
        Role.COORDINATOR,
        Role.ARS_OFFICER,
        Role.CONTRIBUTOR,
        Role.READER,
    }
    assert all("fictif" in u.last_name for u in User.objects.all())
    assert Organisation.objects.get(name="ARS Occitanie").region.name == "Occitanie"


def test_demo_is_idempotent():
    call_command("demo", password="secret-de-demo-1")
    call_command("demo", password="secret-de-demo-2")
    assert User.objects.count() == len(DEMO_ACCOUNTS) + 1
    assert User.objects.get(email=DEMO_ACCOUNTS[0].email).check_password("secret-de-demo-2")


def test_login_with_email_and_logout(client, alice):
    response = client.post(
        "/comptes/connexion/", {"username": "alice@example.test", "password": "mot-de-passe-de-test-1"}
    )
    assert response.status_code == 302
    assert "Alice" in client.get("/").content.decode()
    client.post("/comptes/deconnexion/")
    assert "Se connecter" in client.get("/").content.decode()


def test_a_wrong_password_is_refused_in_french(client, alice):
    response = client.post("/comptes/connexion/", {"username": "alice@example.test", "password": "non"})
    assert "Adresse électronique ou mot de passe incorrect" in response.content.decode()


def test_admin_lists_organisations_and_territories(admin_client):
    for url in [
        "/admin/",
        "/admin/accounts/organisation/",
        "/admin/territories/commune/?q=albi",
        "/admin/territories/perimeter/",
        "/admin/accounts/user/",
    ]:
        assert admin_client.get(url).status_code == 200, url


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser(email="admin@example.test", password="mot-de-passe-admin-1")
