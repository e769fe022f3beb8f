"""French error pages, one-line 403 logs, the Content-Security-Policy and the CSRF token handed to htmx
without a script-readable cookie (issue 9, points 1 and 8)."""

import logging
import re
import uuid

import pytest
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_form_without_its_csrf_token_gets_a_french_page(alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/comptes/connexion/", {"username": alice.email, "password": PASSWORD})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Formulaire expiré ou refusé" in page
    assert "CSRF verification failed" not in page and "Forbidden" not in page


def test_an_unknown_contract_gets_a_french_404_without_django_s_english_message(client):
    response = client.get(f"/contrats/{uuid.uuid4()}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page introuvable" in page
    assert "matches the given query" not in page


def test_our_own_404_message_is_shown(client):
    response = client.get("/territoires/commune/99999/")
    assert response.status_code == 404
    assert "Aucun territoire « 99999 » de niveau « commune »." in response.content.decode()


def test_each_404_says_what_was_not_found_and_where_to_go(client, alice, cls_draft):
    # A draft asked by the public: the contract's own hint, and a sign-in (parties read drafts).
    page = client.get(cls_draft.get_absolute_url()).content.decode()
    assert "Ce contrat n’existe pas, ou il est en projet et réservé à ses parties" in page
    assert "Aucun contrat visible ne porte cet identifiant." in page
    assert f'/comptes/connexion/?next={cls_draft.get_absolute_url()}"' in page
    assert "code du territoire" not in page and "Resolver404" not in page
    client.force_login(alice)  # signed in: no sign-in offered
    page = client.get(f"/contrats/{uuid.uuid4()}/").content.decode()
    assert "réservé à ses parties" in page and "connectez-vous" not in page
    page = client.get("/fiches/999999/").content.decode()
    assert "Cette fiche action n’existe pas" in page and 'href="/fiches/"' in page
    page = client.get("/territoires/commune/99999/").content.decode()
    assert "Code officiel géographique 2026" in page and 'href="/territoires/"' in page
    response = client.get("/nulle-part/")
    page = response.content.decode()
    assert response.status_code == 404 and "Vérifiez l’adresse de la page." in page
    assert "Resolver404" not in page and "tried" not in page


def test_a_refusal_is_logged_as_one_line_without_traceback(client, bob, caplog):
    client.force_login(bob)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/contrats/nouveau/")
    assert response.status_code == 403
    records = [
        r for r in caplog.records if r.name == "django.request" and getattr(r, "status_code", 0) == 403
    ]
    assert records, "the 403 is still logged"
    assert all(r.exc_info is None for r in records)
    assert "Traceback" not in caplog.text


def test_the_csrf_cookie_is_not_readable_by_script_and_the_token_is_in_the_page(client):
    response = client.get("/comptes/connexion/")
    cookie = response.cookies["csrftoken"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert re.search(r'<meta name="csrf-token" content="[A-Za-z0-9]{32,}">', response.content.decode())


@pytest.mark.parametrize(
    "path", ["/", "/observatoire/", "/comptes/connexion/", "/territoires/", "/perimetres/"]
)
def test_pages_carry_a_csp_without_inline_script_and_have_no_inline_script(client, path):
    response = client.get(path, follow=True)
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert "unsafe-inline" not in directives["style-src"]
    page = response.content.decode()
    inline = [tag for tag in re.findall(r"<script\b[^>]*>", page) if "src=" not in tag]
    assert inline == []
    assert not re.search(r"\son(click|submit|change|load|error|input)=", page)
