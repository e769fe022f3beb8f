"""The pages the State's design system requires in every footer (issue 11, point 12): « Accessibilité :
non conforme » with its declaration, « Mentions légales » naming the publisher when one is declared,
« Données personnelles », and the institutional links."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_every_page_footer_links_the_obligatory_pages(client):
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="fr-footer"') :]
    for link in (
        '<a class="fr-footer__bottom-link" href="/accessibilite/">Accessibilité : non conforme</a>',
        'href="/mentions-legales/">Mentions légales</a>',
        'href="/donnees-personnelles/">Données personnelles</a>',
        'href="https://www.legifrance.gouv.fr"',
        'href="https://www.service-public.fr"',
    ):
        assert link in footer


def test_the_accessibility_declaration_says_non_compliant_until_audited(client):
    html = client.get("/accessibilite/").content.decode()
    assert "<strong>non conforme</strong>" in html and "aucun audit n’a encore été réalisé" in html
    assert "Défenseur des droits" in html


def test_the_legal_notice_names_the_declared_publisher_or_says_none_is(client):
    assert (
        "Aucun éditeur n’est déclaré pour cette installation"
        in client.get("/mentions-legales/").content.decode()
    )
    publisher = {
        "name": "ARS Occitanie (test)",
        "contact": "cls@ars.example",
        "director": "",
        "host": "Hébergeur",
    }
    with override_settings(PUBLISHER=publisher):
        html = client.get("/mentions-legales/").content.decode()
        declaration = client.get("/accessibilite/").content.decode()
    assert "éditée par <strong>ARS Occitanie (test)</strong>" in html and "Aucun éditeur" not in html
    assert 'href="mailto:cls@ars.example"' in html and 'href="mailto:cls@ars.example"' in declaration
