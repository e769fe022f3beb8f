"""Rights table of the governance pages and the contacts directory (see tests/walk.py).

Columns: (public, alice porteur coordinator, bob reader at the porteur, charlie coordinator elsewhere, diane
ARS Tarn delegation, paul ARS of another région, pia partner reader). Whoever may view a contract reads
its governance; whoever may change it (alice, diane) adds and removes; the others are refused (403) when
they may view the contract, and find nothing (404) when they may not. The directory is open to all.

URLs hold placeholders filled for each request: ``{body}``, ``{member}``, ``{meeting}`` and ``{contact}``
stand for objects that exist for the whole walk; ``{new_…}`` for objects made afresh for each persona, so
that the first successful removal does not turn the next persona's answer into a 404.
"""

import datetime

import pytest

from santelocale.contracts.enums import BodyKind, ContactRole, ContractKind, MemberRole
from santelocale.contracts.governance import add_body, add_meeting, add_member
from santelocale.contracts.models import Body, BodyMember, Contact, Meeting
from santelocale.contracts.services import add_contact
from tests.walk import DENIED, LOGIN, OK, REDIRECT, walk

SAMPLE_ID = "00000000-0000-0000-0000-000000000000"
NOT_FOUND = 404
NOT_ALLOWED = 405

READ = {"draft": (NOT_FOUND, OK, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND), "published": (OK,) * 7}
EDIT_PAGE = {
    "draft": (LOGIN, OK, DENIED, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
    "published": (LOGIN, OK, DENIED, DENIED, OK, DENIED, DENIED),
}
EDIT_POST = {
    "draft": (LOGIN, REDIRECT, DENIED, NOT_FOUND, REDIRECT, NOT_FOUND, NOT_FOUND),
    "published": (LOGIN, REDIRECT, DENIED, DENIED, REDIRECT, DENIED, DENIED),
}
POST_ONLY = (LOGIN,) + (NOT_ALLOWED,) * 6


def _get_table(contract_id, state):
    g = f"/contrats/{contract_id}/gouvernance/"
    return {
        g: READ[state],
        f"{g}instances/{{body}}/supprimer/": EDIT_PAGE[state],
        f"{g}membres/{{member}}/supprimer/": EDIT_PAGE[state],
        f"{g}reunions/{{meeting}}/supprimer/": EDIT_PAGE[state],
        f"{g}reunions/{{meeting}}/modifier/": EDIT_PAGE[state],
        f"{g}instances/{{body}}/modifier/": EDIT_PAGE[state],
        f"{g}membres/{{member}}/modifier/": EDIT_PAGE[state],
        f"{g}contacts/{{contact}}/modifier/": EDIT_PAGE[state],
        f"{g}contacts/{{contact}}/supprimer/": EDIT_PAGE[state],
        "/annuaire/": (OK,) * 7,
        "/annuaire/?region=76&department=81&kind=CLS&role=COORDINATOR": (OK,) * 7,
        "/annuaire/contacts.csv": (OK,) * 7,
    }


def _post_table(contract_id, state):
    g = f"/contrats/{contract_id}/gouvernance/"
    return {
        f"{g}instances/": EDIT_POST[state],
        f"{g}instances/{{body}}/membres/": EDIT_POST[state],
        f"{g}instances/{{body}}/reunions/": EDIT_POST[state],
        f"{g}contacts/": EDIT_POST[state],
        f"{g}instances/{{new_body}}/supprimer/": EDIT_POST[state],
        f"{g}membres/{{new_member}}/supprimer/": EDIT_POST[state],
        f"{g}reunions/{{new_meeting}}/supprimer/": EDIT_POST[state],
        f"{g}reunions/{{new_meeting}}/modifier/": EDIT_POST[state],
        f"{g}instances/{{new_body}}/modifier/": EDIT_POST[state],
        f"{g}membres/{{new_member}}/modifier/": EDIT_POST[state],
        f"{g}contacts/{{new_contact}}/modifier/": EDIT_POST[state],
        f"{g}contacts/{{new_contact}}/supprimer/": EDIT_POST[state],
    }


def _post_only_table(contract_id):
    """GET on the URLs that only take a POST: the public is sent to log in, the others get 405."""
    g = f"/contrats/{contract_id}/gouvernance/"
    return dict.fromkeys((f"{g}instances/", f"{g}instances/1/membres/", f"{g}contacts/"), POST_ONLY)


_SAMPLE_IDS = dict.fromkeys(("body", "member", "meeting", "contact"), 1)
_SAMPLE_IDS.update({f"new_{key}": 1 for key in ("body", "member", "meeting", "contact")})


def sample_urls() -> list[str]:
    tables = [*_get_table(SAMPLE_ID, "draft"), *_post_table(SAMPLE_ID, "draft"), *_post_only_table(SAMPLE_ID)]
    return [url.format(**_SAMPLE_IDS) for url in tables]


def _furnish(contract, label="") -> dict:
    """A body with a member, a meeting and a contact on ``contract``; returns their ids by placeholder."""
    body = add_body(contract, kind=BodyKind.COPIL, name=f"COPIL {label}".strip())
    member = add_member(body, person=f"Membre {label}".strip(), role=MemberRole.MEMBER)
    meeting = add_meeting(body, held_on=datetime.date(2025, 3, 12), attendees=[member])
    contact = add_contact(contract, role=ContactRole.COORDINATOR, name="Coordination", organisation="Ville")
    return {"body": body.pk, "member": member.pk, "meeting": meeting.pk, "contact": contact.pk}


POST_DATA = {
    "/instances/": {"kind": BodyKind.COPIL, "name": "COPIL (parcours des droits)"},
    "/membres/": {"person": "Membre (parcours des droits)", "role": MemberRole.MEMBER},
    "/reunions/": {"held_on": "2025-03-12"},
    "reunions/{new_meeting}/modifier/": {
        "held_on": "2025-03-13",
        "minutes": "Compte rendu (parcours des droits)",
    },
    "instances/{new_body}/modifier/": {"kind": BodyKind.COPIL, "name": "COPIL renommé (parcours des droits)"},
    "membres/{new_member}/modifier/": {
        "person": "Membre renommé (parcours des droits)",
        "role": MemberRole.MEMBER,
    },
    "contacts/{new_contact}/modifier/": {
        "role": ContactRole.OTHER,
        "name": "Contact renommé (parcours des droits)",
        "organisation": "Ville",
        "is_public": "non",
    },
    "/contacts/": {"role": ContactRole.OTHER, "name": "Contact", "organisation": "Ville", "is_public": "oui"},
    "/supprimer/": {},
}


def _data_for(url: str) -> dict:
    return next(data for suffix, data in POST_DATA.items() if url.endswith(suffix))


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


@pytest.fixture(params=["draft", "published"])
def contract_and_state(request, make_contract):
    if request.param == "draft":
        return make_contract(), "draft"
    return make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)", is_published=True), "published"


@pytest.mark.slow
def test_every_governance_page_answers_each_persona_as_the_rules_say(client, personas, contract_and_state):
    contract, state = contract_and_state
    ids = _furnish(contract)
    walk(client, personas, _get_table(contract.public_id, state), lambda url: client.get(url.format(**ids)))


@pytest.mark.slow
def test_every_governance_action_answers_each_persona_as_the_rules_say(client, personas, contract_and_state):
    contract, state = contract_and_state
    ids = _furnish(contract)

    def post(url):
        fresh = _furnish(contract, "à retirer")
        return client.post(
            url.format(**ids, **{f"new_{key}": pk for key, pk in fresh.items()}), _data_for(url)
        )

    walk(client, personas, _post_table(contract.public_id, state), post)
    # Only alice and diane acted: one body, member, meeting and contact added each time they added one.
    assert Body.objects.filter(name="COPIL (parcours des droits)").count() == 2
    assert BodyMember.objects.filter(person="Membre (parcours des droits)").count() == 2
    assert Meeting.objects.filter(body_id=ids["body"]).count() == 1 + 2
    assert Contact.objects.filter(name="Contact").count() == 2
    assert Meeting.objects.filter(minutes="Compte rendu (parcours des droits)").count() == 2
    assert Body.objects.filter(name="COPIL renommé (parcours des droits)").count() == 2
    assert BodyMember.objects.filter(person="Membre renommé (parcours des droits)").count() == 2
    assert Contact.objects.filter(name="Contact renommé (parcours des droits)", is_public=False).count() == 2


def test_post_only_urls_refuse_a_get(client, personas, cls_draft):
    walk(client, personas, _post_only_table(cls_draft.public_id), client.get)
