"""An API write sent again with its ``Idempotency-Key`` is answered once (santelocale/api/middleware.py,
santelocale/accounts/submissions.py): a client retrying after a timeout gets the first answer back instead
of a second object."""

import json

import pytest

from santelocale.accounts.models import FormSubmission
from santelocale.contracts.models import Contact

pytestmark = pytest.mark.django_db

CONTACT = {"role": "OTHER", "name": "Coordination (idempotence)", "organisation": "Ville d’Albi"}


def _send(client, url, data, key=None, method="post"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return getattr(client, method)(url, json.dumps(data), content_type="application/json", **headers)


@pytest.fixture
def contacts_url(cls_draft):
    return f"/api/contrats/{cls_draft.public_id}/contacts"


def test_the_same_write_sent_twice_with_its_key_creates_one_object(client, alice, contacts_url):
    client.force_login(alice)
    first = _send(client, contacts_url, CONTACT, key="3f2a-essai-1")
    again = _send(client, contacts_url, CONTACT, key="3f2a-essai-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert Contact.objects.filter(name=CONTACT["name"]).count() == 1
    # Without a key, each request is a write of its own (as before).
    _send(client, contacts_url, CONTACT)
    assert Contact.objects.filter(name=CONTACT["name"]).count() == 2


def test_a_key_used_again_for_another_body_is_refused_in_french(client, alice, contacts_url):
    client.force_login(alice)
    assert _send(client, contacts_url, CONTACT, key="cle-unique").status_code == 201
    other = _send(client, contacts_url, {**CONTACT, "name": "Autre contact"}, key="cle-unique")
    assert other.status_code == 422
    assert "a déjà servi pour une autre requête" in other.json()["detail"]
    assert not Contact.objects.filter(name="Autre contact").exists()


def test_a_refused_write_keeps_nothing_and_may_be_corrected_under_the_same_key(client, alice, contacts_url):
    client.force_login(alice)
    refused = _send(client, contacts_url, {**CONTACT, "name": ""}, key="cle-corrigee")
    assert refused.status_code == 422
    assert not FormSubmission.objects.exists()
    corrected = _send(client, contacts_url, CONTACT, key="cle-corrigee")
    assert corrected.status_code == 201 and not corrected.has_header("Idempotent-Replayed")


def test_a_key_belongs_to_its_user(client, alice, diane, contacts_url):
    client.force_login(alice)
    mine = _send(client, contacts_url, CONTACT, key="cle-partagee").json()
    client.force_login(diane)  # the ARS delegation, with the same key and body: a write of her own
    hers = _send(client, contacts_url, CONTACT, key="cle-partagee")
    assert hers.status_code == 201 and hers.json()["id"] != mine["id"]
    assert not hers.has_header("Idempotent-Replayed")


def test_a_key_that_is_empty_too_long_or_unprintable_is_refused(client, alice, contacts_url):
    client.force_login(alice)
    for key in ("", "x" * 41, "clé\x01"):
        response = _send(client, contacts_url, CONTACT, key=key)
        assert response.status_code == 422, key
        assert "En-tête Idempotency-Key invalide" in response.json()["detail"]
    assert not Contact.objects.exists()


def test_a_replayed_update_does_not_raise_a_version_conflict(client, alice, make_contract):
    """PUT/PATCH carry the version read: sent twice, the second would be a stale write (409); with the key,
    it gets the first answer."""
    contract = make_contract()
    client.force_login(alice)
    url = f"/api/contrats/{contract.public_id}"
    patch = {"version": contract.version, "summary": "Résumé corrigé"}
    first = _send(client, url, patch, key="maj-1", method="patch")
    again = _send(client, url, patch, key="maj-1", method="patch")
    assert first.status_code == 200 and again.status_code == 200
    assert again.json()["version"] == first.json()["version"] == contract.version + 1
    assert _send(client, url, patch, method="patch").status_code == 409  # without the key: stale, as before
