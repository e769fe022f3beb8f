"""A creation form sent twice (a double click, the browser resending) creates one object (issue 9, point
5): each form carries a one-time token; the second identical POST gets the first result. The simultaneous
version of the same clicks is played against the served instance in tests/e2e/test_races_e2e.py."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from santelocale.contracts.models import Body, Contact, Contract, Signatory
from tests.forms import form_from

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _twice(client, page_url, post_url, form_id=None, **values):
    """Load the page, fill the form, send it twice: both answers."""
    form = form_from(client.get(page_url), form_id, action=None if form_id else post_url)
    assert form.get(next(k for k in form if k.endswith("submission_token"))), "jeton d’envoi absent"
    form.update(values)
    return client.post(post_url, form), client.post(post_url, form)


def test_a_double_click_on_new_contract_creates_one_contract(alice, albi, albi_perimeter):
    before = Contract.objects.count()
    url = "/contrats/nouveau/"
    fields = {"name": "CLS du double clic", "perimeter": str(albi_perimeter.pk), "porteurs": [str(albi.pk)]}
    first, second = _twice(_client(alice), url, url, "contract-form", **fields)
    problems = re.findall(r'class="fr-error-text"[^>]*>\s*(.*?)\s*<', first.content.decode(), re.S)
    assert first.status_code == second.status_code == 302, problems
    assert first["Location"] == second["Location"]
    assert Contract.objects.count() == before + 1


def test_contract_and_governance_creation_forms_create_once(cls_draft, alice):
    client = _client(alice)
    detail = cls_draft.get_absolute_url()
    _twice(
        client,
        detail,
        f"{detail}signataires/",
        **{"signatory-kind": "CPAM", "signatory-name": "CPAM du Tarn"},
    )
    assert Signatory.objects.filter(contract=cls_draft, name="CPAM du Tarn").count() == 1
    governance = reverse("contracts:governance", args=[cls_draft.public_id])
    body_url = reverse("contracts:governance_body_add", args=[cls_draft.public_id])
    _twice(client, governance, body_url, **{"kind": "COPIL", "name": "COPIL du double clic"})
    assert Body.objects.filter(contract=cls_draft, name="COPIL du double clic").count() == 1
    contact_url = reverse("contracts:governance_contact_add", args=[cls_draft.public_id])
    _twice(client, governance, contact_url, **{"name": "Coordination", "organisation": "Ville d’Albi"})
    assert Contact.objects.filter(contract=cls_draft, name="Coordination").count() == 1
