"""Rights table of the observatory (see tests/walk.py): every page, download and API operation is public;
what each persona gets differs only by the contracts they may see (tested in the other files)."""

import pytest

from tests.walk import OK, walk

ALL = (OK, OK, OK, OK, OK, OK, OK)


def _table():
    """URL → expected answer for (public, alice porteur coordinator, bob reader at the porteur, charlie
    coordinator elsewhere, diane ARS delegation, paul ARS of another région, pia partner reader)."""
    return {
        "/observatoire/": ALL,
        "/observatoire/?region=76&type=CLS&statut=ACTIVE": ALL,
        "/observatoire/registre.csv?region=76": ALL,
        "/observatoire/registre.geojson?region=76": ALL,
        "/observatoire/registre.schema.json": ALL,
        "/observatoire/contrats-de-ville.geojson?region=76": ALL,
        "/observatoire/couverture/?region=76": ALL,
        "/api/observatoire/registre?region=76": ALL,
        "/api/observatoire/couverture?region=76": ALL,
    }


def sample_urls() -> list[str]:
    return [*_table()]


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


@pytest.mark.slow
def test_every_observatory_url_answers_each_persona_as_the_rules_say(client, personas, cls_draft):
    walk(client, personas, _table(), client.get)


def test_a_draft_appears_in_the_csv_of_its_parties_only(client, personas, cls_draft):
    """Allowed and refused personas for the draft of the Ville d’Albi (porteur: alice, bob; ARS: diane)."""
    allowed, refused = {"alice", "bob", "diane"}, {"public", "charlie", "paul", "pia"}
    for name, user in personas.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        body = client.get("/observatoire/registre.csv").content.decode("utf-8-sig")
        assert (str(cls_draft.public_id) in body) == (name in allowed), name
        assert name in allowed | refused
