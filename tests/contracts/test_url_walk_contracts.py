"""Rights table of the contract pages (see tests/walk.py), for a draft and for a published contract.

Columns: public, alice (coordinator of the porteur), bob (reader at the porteur), charlie (coordinator
elsewhere), diane (ARS delegation of the Tarn), paul (ARS of another région), pia (partner reader; her
organisation does not sign these contracts).
"""

import pytest

from santelocale.territories.services import save_perimeter
from tests.walk import DENIED, LOGIN, NOT_FOUND, OK, REDIRECT, walk

SAMPLE_ID = "00000000-0000-0000-0000-000000000000"
H = NOT_FOUND  # hidden: a draft does not exist for those who may not see it


def _get_table(draft, published):
    return {
        "/contrats/": (OK, OK, OK, OK, OK, OK, OK),
        "/contrats/nouveau/": (LOGIN, OK, DENIED, OK, OK, OK, DENIED),
        "/contrats/socles/": (OK, OK, OK, OK, OK, OK, OK),
        "/contrats/socles/76/": (LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED),
        f"/contrats/{draft}/": (H, OK, OK, H, OK, H, H),
        f"/contrats/{draft}/modifier/": (LOGIN, OK, DENIED, H, OK, H, H),
        f"/contrats/{draft}/perimetre.geojson": (H, OK, OK, H, OK, H, H),
        f"/contrats/{published}/": (OK, OK, OK, OK, OK, OK, OK),
        f"/contrats/{published}/modifier/": (LOGIN, OK, DENIED, DENIED, OK, DENIED, DENIED),
        f"/contrats/{published}/perimetre.geojson": (OK, OK, OK, OK, OK, OK, OK),
    }


def _post_table(draft, published):
    """Writes on the published contract: only its editors get through (a redirect after the change);
    forms are empty, so an editor gets 400 (the French errors) where a body is needed."""
    return {
        f"/contrats/{published}/statut/": (LOGIN, 400, DENIED, DENIED, 400, DENIED, DENIED),
        f"/contrats/{published}/signataires/": (LOGIN, 400, DENIED, DENIED, 400, DENIED, DENIED),
        f"/contrats/{published}/signataires/999999/supprimer/": (LOGIN, H, DENIED, DENIED, H, DENIED, DENIED),
        # Confirming a signatory: the contract's ARS or the organisation itself (none here: 404 for all).
        f"/contrats/{published}/signataires/999999/confirmer/": (LOGIN, H, H, H, H, H, H),
        f"/contrats/{published}/articulations/": (LOGIN, 400, DENIED, DENIED, 400, DENIED, DENIED),
        f"/contrats/{published}/articulations/999999/supprimer/": (
            LOGIN,
            H,
            DENIED,
            DENIED,
            H,
            DENIED,
            DENIED,
        ),
        f"/contrats/{published}/indicateurs/": (LOGIN, 400, DENIED, DENIED, 400, DENIED, DENIED),
        f"/contrats/{published}/renouveler/": (LOGIN, 400, DENIED, DENIED, 400, DENIED, DENIED),
        f"/contrats/{draft}/statut/": (LOGIN, 400, DENIED, H, 400, H, H),
        "/contrats/socles/76/999999/supprimer/": (LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED),
        "/contrats/socles/76/": (LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED),
    }


def sample_urls() -> list[str]:
    return [*_get_table(SAMPLE_ID, SAMPLE_ID), *_post_table(SAMPLE_ID, SAMPLE_ID)]


@pytest.fixture
def personas(alice, bob, charlie, diane, paul, pia):
    return {
        "public": None,
        "alice": alice,
        "bob": bob,
        "charlie": charlie,
        "diane": diane,
        "paul": paul,
        "pia": pia,
    }


@pytest.fixture
def contracts(make_contract, alice):
    castres = save_perimeter(name="Castres", components=[{"kind": "commune", "code": "81065"}], user=alice)
    published = make_contract(name="CLS de Castres (test)", perimeter=castres, is_published=True)
    return make_contract().public_id, published.public_id


@pytest.mark.slow
def test_every_contract_page_answers_each_persona_as_the_rules_say(client, personas, contracts):
    walk(client, personas, _get_table(*contracts), client.get)


@pytest.mark.slow
def test_every_contract_write_answers_each_persona_as_the_rules_say(client, personas, contracts):
    walk(client, personas, _post_table(*contracts), client.post)


def test_the_ars_administrator_and_superusers_reach_the_socles(client, armand, django_user_model):
    client.force_login(armand)
    assert client.get("/contrats/socles/76/").status_code == OK
    root = django_user_model.objects.create_superuser(email="root@example.test", password="x")
    client.force_login(root)
    assert client.get("/contrats/socles/93/").status_code == OK
    assert (
        client.post("/contrats/socles/93/", {"label": "Thème ajouté par l’administrateur"}).status_code
        == REDIRECT
    )
