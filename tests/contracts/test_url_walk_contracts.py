"""Rights table of the contract pages (see tests/walk.py)."""

import pytest

from tests.walk import OK, walk

SAMPLE_ID = "00000000-0000-0000-0000-000000000000"


def _table(contract_id):
    """URL → expected answer for (public, alice porteur coordinator, bob reader at the porteur, charlie
    coordinator elsewhere, diane ARS delegation, paul ARS of another région, pia partner reader)."""
    return {
        "/contrats/": (OK, OK, OK, OK, OK, OK, OK),
        f"/contrats/{contract_id}/": (404, OK, OK, 404, OK, 404, 404),
    }


def sample_urls() -> list[str]:
    return [*_table(SAMPLE_ID)]


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


def test_every_contract_page_answers_each_persona_as_the_rules_say(client, personas, cls_draft):
    walk(client, personas, _table(cls_draft.public_id), client.get)
