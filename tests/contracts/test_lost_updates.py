"""Optimistic locking on contracts and their governance (issue 9, point 4): an edit from an older form or
an older API read is refused with both versions, nothing overwritten, no phantom history record."""

import pytest
from django.test import Client

from santelocale.contracts.models import Contract
from tests.forms import form_from

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_ars_saving_an_older_contract_form_does_not_revert_the_coordinators_change(
    cls_draft, alice, diane
):
    edit = f"/contrats/{cls_draft.public_id}/modifier/"
    coordinator, ars = _client(alice), _client(diane)
    ars_form = form_from(ars.get(edit), "contract-form")  # the ARS opens the form first…
    coordinators_form = form_from(coordinator.get(edit), "contract-form")
    assert coordinator.post(edit, {**coordinators_form, "name": "CLS du Grand Albi"}).status_code == 302
    records = cls_draft.history.count()

    response = ars.post(edit, {**ars_form, "summary": "Présentation par l’ARS."})

    assert response.status_code == 400
    contract = Contract.objects.get(pk=cls_draft.pk)
    assert contract.name == "CLS du Grand Albi" and contract.summary == ""
    assert contract.history.count() == records
    html = response.content.decode()
    conflict = html.split('id="version-conflict"')[1].split("</table>")[0]
    assert "CLS d’Albi (test)" in conflict and "CLS du Grand Albi" in conflict
    assert "Présentation par l’ARS." in conflict
    kept = form_from(response, "contract-form")
    assert kept["summary"] == "Présentation par l’ARS." and int(kept["version"]) == contract.version
    assert ars.post(edit, kept).status_code == 302  # sent again on purpose
    assert Contract.objects.get(pk=cls_draft.pk).summary == "Présentation par l’ARS."


def test_a_status_change_moves_the_version_so_an_older_form_is_refused(cls_draft, alice):
    client = _client(alice)
    edit = f"/contrats/{cls_draft.public_id}/modifier/"
    form = form_from(client.get(edit), "contract-form")
    before = Contract.objects.get(pk=cls_draft.pk).version
    client.post(
        f"/contrats/{cls_draft.public_id}/statut/", {"target": "PREFIGURATION", "reason": "COPIL du 3 mars"}
    )
    contract = Contract.objects.get(pk=cls_draft.pk)
    assert contract.status == "PREFIGURATION" and contract.version == before + 1
    assert client.post(edit, {**form, "name": "Renommé"}).status_code == 400
    assert Contract.objects.get(pk=cls_draft.pk).name == "CLS d’Albi (test)"


def test_the_api_answers_409_with_the_current_contract_to_a_stale_patch(cls_draft, alice, diane):
    url = f"/api/contrats/{cls_draft.public_id}"
    coordinator, ars = _client(alice), _client(diane)
    read_by_ars = ars.get(url).json()
    version = read_by_ars["version"]
    first = coordinator.patch(
        url, {"name": "CLS du Grand Albi", "version": version}, content_type="application/json"
    )
    assert first.status_code == 200 and first.json()["version"] == version + 1
    records = cls_draft.history.count()

    response = ars.patch(
        url, {"name": "CLS d’Albi (ARS)", "version": version}, content_type="application/json"
    )

    assert response.status_code == 409
    body = response.json()
    assert "modifié" in body["detail"] and "Rien n’a été écrasé" in body["detail"]
    assert body["current"]["name"] == "CLS du Grand Albi" and body["current"]["version"] == version + 1
    assert body["differences"] == [
        {"field": "name", "label": "Nom", "yours": "CLS d’Albi (ARS)", "current": "CLS du Grand Albi"}
    ]
    assert Contract.objects.get(pk=cls_draft.pk).name == "CLS du Grand Albi"
    assert cls_draft.history.count() == records


def test_a_patch_without_version_is_refused(cls_draft, alice):
    url = f"/api/contrats/{cls_draft.public_id}"
    response = _client(alice).patch(url, {"name": "Sans version"}, content_type="application/json")
    assert response.status_code == 422
    assert Contract.objects.get(pk=cls_draft.pk).name == "CLS d’Albi (test)"
