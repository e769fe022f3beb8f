"""Rights table of the contracts API (see tests/walk.py): every operation with every persona.

The sample contract is a draft (not published) CLS in élaboration on Albi, carried by the Ville d’Albi, with
the CPAM as a confirmed signatory party (so Pia, a CPAM reader, may read it). Write requests carry a payload
that a service refuses: a persona allowed to act gets 422 from the rule and nothing changes, so every row can
be walked by every persona in turn. Deletions really delete (204), and the object is put back, under the same
id, before the next persona's request.
"""

import datetime

import pytest

from santelocale.contracts.enums import ContractKind, LinkKind, SignatoryKind, Status
from santelocale.contracts.models import (
    Body,
    BodyMember,
    Contact,
    ContractLink,
    Meeting,
    RegionalTheme,
    Signatory,
)
from santelocale.contracts.services import add_signatory, confirm_signatory
from tests.walk import DENIED, NOT_FOUND, OK, walk

SAMPLE_ID = "00000000-0000-0000-0000-000000000000"
API = "/api/contrats"
ANONYMOUS = 401  # writes need a session (django_auth)
CREATED_NOTHING = 422  # allowed, but the payload is refused by a rule: nothing is written
DELETED = 204

#: (public, alice porteur coordinator, bob porteur reader, charlie coordinator elsewhere, diane ARS
#: delegation of the Tarn, paul ARS of another région, pia CPAM reader, a signatory party)
READ_DRAFT = (NOT_FOUND, OK, OK, NOT_FOUND, OK, NOT_FOUND, OK)
WRITE_DRAFT = (ANONYMOUS, CREATED_NOTHING, DENIED, NOT_FOUND, CREATED_NOTHING, NOT_FOUND, DENIED)
DELETE_FROM_DRAFT = (ANONYMOUS, DELETED, DENIED, NOT_FOUND, DELETED, NOT_FOUND, DENIED)
THEMES_WRITE = (ANONYMOUS, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED)


def _get_table(c):
    return {
        API: (OK,) * 7,
        f"{API}?kind=CLS&region=76": (OK,) * 7,
        f"{API}/{c}": READ_DRAFT,
        f"{API}/{c}/transitions": READ_DRAFT,
        f"{API}/{c}/conformite": READ_DRAFT,
        f"{API}/socles/76": (OK,) * 7,
    }


def _post_table(c, body=1, signatory=1):
    """URL → (payload a rule refuses, expectations)."""
    return {
        API: (
            {"kind": "CLS", "name": "X", "perimeter": SAMPLE_ID, "region": "76", "porteurs": []},
            (ANONYMOUS, CREATED_NOTHING, DENIED, CREATED_NOTHING, CREATED_NOTHING, CREATED_NOTHING, DENIED),
        ),
        f"{API}/{c}/transitions": ({"target": "COMPLETED", "reason": "Essai"}, WRITE_DRAFT),
        f"{API}/{c}/renouvellement": ({"name": "Génération 2"}, WRITE_DRAFT),
        f"{API}/{c}/signataires": ({"kind": "INCONNU", "name": "X"}, WRITE_DRAFT),
        # The CPAM's participation is already confirmed: the ARS gets 422; the porteur and a reader of the
        # CPAM may not confirm (only the ARS, or an editor of the organisation itself).
        f"{API}/{c}/signataires/{signatory}/confirmation": (
            {},
            (ANONYMOUS, DENIED, DENIED, NOT_FOUND, CREATED_NOTHING, NOT_FOUND, DENIED),
        ),
        f"{API}/{c}/articulations": ({"kind": "INCONNU"}, WRITE_DRAFT),
        f"{API}/{c}/instances": ({"kind": "INCONNU", "name": "X"}, WRITE_DRAFT),
        f"{API}/{c}/instances/{body}/membres": ({"person": "X", "role": "INCONNU"}, WRITE_DRAFT),
        f"{API}/{c}/instances/{body}/reunions": (
            # valid for the schema (bounds are checked before rights), refused by the rule: unknown member
            {"held_on": "2025-01-01", "attendees": [999999]},
            WRITE_DRAFT,
        ),
        f"{API}/{c}/contacts": ({"role": "OTHER", "name": "", "organisation": "X"}, WRITE_DRAFT),
        f"{API}/{c}/indicateurs": ({"name": "X", "kind": "INCONNU"}, WRITE_DRAFT),
        f"{API}/socles/76": ({"label": ""}, THEMES_WRITE),
    }


def _patch_table(c):
    # ``version`` is required by PATCH (optimistic locking): sent, so that each persona meets the rights.
    return {f"{API}/{c}": ({"version": 1, "starts_on": "2026-01-01", "ends_on": "2025-01-01"}, WRITE_DRAFT)}


def _put_table(c, meeting=1, body=1, member=1, contact=1):
    # Replacements a rule refuses (422) for whoever may change the contract, after the rights: a meeting
    # with an unknown member among its attendees, a body or a contact without a name, a seat with an
    # unknown role.
    return {
        f"{API}/{c}/reunions/{meeting}": (
            {"version": 1, "held_on": "2025-01-01", "attendees": [999999]},
            WRITE_DRAFT,
        ),
        f"{API}/{c}/instances/{body}": ({"version": 1, "name": ""}, WRITE_DRAFT),
        f"{API}/{c}/membres/{member}": ({"version": 1, "person": "X", "role": "INCONNU"}, WRITE_DRAFT),
        f"{API}/{c}/contacts/{contact}": (
            {"version": 1, "role": "OTHER", "name": "", "organisation": "X"},
            WRITE_DRAFT,
        ),
    }


def _delete_table(c, signatory=1, link=1, contact=1, theme=1):
    return {
        f"{API}/{c}/signataires/{signatory}": DELETE_FROM_DRAFT,
        f"{API}/{c}/articulations/{link}": DELETE_FROM_DRAFT,
        f"{API}/{c}/contacts/{contact}": DELETE_FROM_DRAFT,
        f"{API}/socles/76/{theme}": THEMES_WRITE,
    }


def sample_urls() -> list[str]:
    return [
        *_get_table(SAMPLE_ID),
        *_post_table(SAMPLE_ID),
        *_patch_table(SAMPLE_ID),
        *_put_table(SAMPLE_ID),
        *_delete_table(SAMPLE_ID),
    ]


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
def draft(make_contract, cpam, regine):
    contract = make_contract(status=Status.DRAFTING)
    signatory = add_signatory(contract, kind=SignatoryKind.CPAM, name="CPAM du Tarn", organisation=cpam)
    confirm_signatory(signatory, user=regine)  # a confirmed partner takes part (reads the draft)
    return contract


def _sent(client, method, rows):
    """Send each URL's payload (``rows``: URL → (payload, expectations)) with ``method``."""
    return lambda url: getattr(client, method)(url, rows[url][0], content_type="application/json")


def test_every_read_operation_answers_each_persona_as_the_rules_say(client, personas, draft):
    walk(client, personas, _get_table(draft.public_id), client.get)


@pytest.mark.slow
def test_every_write_operation_answers_each_persona_as_the_rules_say(client, personas, draft):
    body = Body.objects.create(contract=draft, kind="COPIL", name="COPIL")
    posts = _post_table(draft.public_id, body.pk, draft.signatories.get().pk)
    walk(
        client,
        personas,
        {url: expected for url, (_, expected) in posts.items()},
        _sent(client, "post", posts),
    )
    patches = _patch_table(draft.public_id)
    walk(
        client,
        personas,
        {url: expected for url, (_, expected) in patches.items()},
        _sent(client, "patch", patches),
    )
    meeting = Meeting.objects.create(body=body, held_on=datetime.date(2025, 3, 12), minutes="Compte rendu")
    member = BodyMember.objects.create(body=body, person="Membre")
    contact = Contact.objects.create(contract=draft, role="OTHER", name="Contact", organisation="Albi")
    puts = _put_table(draft.public_id, meeting.pk, body.pk, member.pk, contact.pk)
    walk(client, personas, {url: expected for url, (_, expected) in puts.items()}, _sent(client, "put", puts))
    for obj in (meeting, member, contact, body):
        obj.refresh_from_db()
    assert (meeting.held_on, meeting.minutes, meeting.version) == (
        datetime.date(2025, 3, 12),
        "Compte rendu",
        1,
    )
    assert (body.name, member.role, contact.name) == ("COPIL", "MEMBER", "Contact")
    assert (body.version, member.version, contact.version) == (1, 1, 1)
    meeting.delete()
    member.delete()
    contact.delete()
    draft.refresh_from_db()
    assert (draft.status, draft.starts_on, draft.generation) == (Status.DRAFTING, None, 1)
    assert draft.status_changes.count() == 1
    assert list(draft.signatories.values_list("name", flat=True)) == ["CPAM du Tarn"]
    assert list(draft.bodies.all()) == [body] and not body.members.exists() and not body.meetings.exists()
    assert not draft.contacts.exists() and not draft.indicators.exists() and not draft.links.exists()


def test_every_delete_operation_answers_each_persona_as_the_rules_say(client, personas, draft, make_contract):
    clsm = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)")
    originals = {
        Signatory: {
            "contract": draft,
            "kind": SignatoryKind.DEPARTMENT,
            "name": "Conseil départemental du Tarn",
        },
        ContractLink: {"contract": clsm, "kind": LinkKind.MENTAL_HEALTH_VOLET, "target_contract": draft},
        Contact: {"contract": draft, "role": "COORDINATOR", "name": "Coordination", "organisation": "Albi"},
        RegionalTheme: {"region_id": "76", "label": "Socle de test", "position": 99},
    }
    ids = {model: model.objects.create(**fields).pk for model, fields in originals.items()}

    def restore_then_delete(url):
        for model, fields in originals.items():
            model.objects.get_or_create(pk=ids[model], defaults=fields)
        return client.delete(url)

    table = _delete_table(
        draft.public_id, ids[Signatory], ids[ContractLink], ids[Contact], ids[RegionalTheme]
    )
    walk(client, personas, table, restore_then_delete)
    assert RegionalTheme.objects.filter(pk=ids[RegionalTheme]).exists()  # nobody here may remove a socle
