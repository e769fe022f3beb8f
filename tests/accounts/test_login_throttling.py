"""Login throttling (django-axes): after 5 wrong passwords for one account from one IP, that account is
refused from that IP — even with the right password — on the site and on /admin/, with a French message
saying when to try again; a success resets the count (issue 9, point 8)."""

import pytest

from santelocale.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/connexion/"


def _post(client, url, email, password, **extra):
    return client.post(url, {"username": email, "password": password, "next": "/"}, **extra)


def test_forty_wrong_passwords_then_the_right_one_is_refused_on_the_site_login(client, alice):
    answers = [_post(client, LOGIN, alice.email, f"mauvais-{i}").status_code for i in range(40)]
    assert answers[:4] == [200] * 4  # the form again, « mot de passe incorrect »
    assert set(answers[4:]) == {429}  # the 5th failure locks
    response = _post(client, LOGIN, alice.email, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Trop de tentatives de connexion échouées" in page
    assert "Réessayez après" in page
    assert "_auth_user_id" not in client.session
    assert "Alice" not in client.get("/").content.decode()


def test_forty_wrong_passwords_then_the_right_one_is_refused_on_the_admin_login(client):
    User.objects.create_superuser(email="root@example.test", password=PASSWORD)
    for i in range(40):
        _post(client, "/admin/login/", "root@example.test", f"mauvais-{i}")
    response = _post(client, "/admin/login/", "root@example.test", PASSWORD)
    assert response.status_code == 429
    assert "Trop de tentatives de connexion échouées" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_a_success_before_the_limit_resets_the_count(client, alice):
    for _ in range(2):
        for i in range(4):
            assert _post(client, LOGIN, alice.email, f"mauvais-{i}").status_code == 200
        assert _post(client, LOGIN, alice.email, PASSWORD).status_code == 302
        client.post("/comptes/deconnexion/")


def test_the_lock_holds_one_account_from_one_address_only(client, alice, bob):
    for i in range(5):
        _post(client, LOGIN, alice.email, f"mauvais-{i}")
    assert _post(client, LOGIN, alice.email, PASSWORD).status_code == 429
    assert _post(client, LOGIN, bob.email, PASSWORD).status_code == 302
    client.post("/comptes/deconnexion/")
    assert _post(client, LOGIN, alice.email, PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_escape_the_lock(client, alice):
    for i in range(5):
        _post(client, LOGIN, alice.email, f"mauvais-{i}", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    response = _post(client, LOGIN, alice.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_client_address_is_read_from_forwarded_for(client, alice, settings):
    settings.PROXY_COUNT = 1
    # The proxy appends the address it saw; what the client wrote itself (further left) is ignored.
    for i in range(5):
        _post(client, LOGIN, alice.email, f"mauvais-{i}", HTTP_X_FORWARDED_FOR=f"1.1.1.{i}, 198.51.100.7")
    locked = _post(client, LOGIN, alice.email, PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.7")
    assert locked.status_code == 429
    other_client = _post(client, LOGIN, alice.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other_client.status_code == 302
