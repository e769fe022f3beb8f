"""Optimistic locking on the plan (issue 9, point 4): a form loaded before someone else's change does not
silently revert it; the second user sees both versions, field by field, with their input kept."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from santelocale.indicators.models import IndicatorValue
from santelocale.plans.enums import ActionStatus
from santelocale.plans.models import Action, FundingLine, Section
from tests.forms import form_from

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response) -> str:
    return response.content.decode().replace("\u202f", " ").replace("\xa0", " ")


def test_a_pilot_saving_an_old_fiche_form_does_not_revert_the_coordinators_title_and_status(
    plan, alice, pierre
):
    edit = reverse("plans:action_update", args=[plan.contract.public_id, plan.guide.pk])
    coordinator, pilot = _client(alice), _client(pierre)
    pilots_form = form_from(pilot.get(edit), "action-form")  # the pilot opens the form first…
    coordinators_form = form_from(coordinator.get(edit), "action-form")
    coordinators_form.update(title="Guide santé 2026", status=ActionStatus.DONE)
    saved = coordinator.post(edit, coordinators_form)
    assert saved.status_code == 302, re.findall(r"<li>(.*?)</li>", _text(saved).split("action-errors")[1])[:5]
    records = plan.guide.history.count()

    pilots_form["description"] = "Description revue par le pilote."
    response = pilot.post(edit, pilots_form)  # …then the pilot saves the form loaded before

    assert response.status_code == 400
    guide = Action.objects.get(pk=plan.guide.pk)
    assert (guide.title, guide.status) == ("Guide santé 2026", ActionStatus.DONE)
    assert guide.description == "Un guide des lieux de soins et d’accès aux droits."
    assert guide.history.count() == records  # no phantom history record for the refused save
    html = _text(response)
    assert "Quelqu’un a modifié ces informations pendant que vous les modifiiez" in html
    assert "Rien n’a été écrasé" in html
    # Both versions, field by field: the pilot's (not saved) and the current ones.
    conflict = html.split('id="version-conflict"')[1].split("</table>")[0]
    assert "Guide santé du territoire" in conflict and "Guide santé 2026" in conflict
    assert "En cours" in conflict and "Réalisé" in conflict
    assert "Description revue par le pilote." in conflict
    # Their input is kept, with the current version: sending it again replaces on purpose.
    kept = form_from(response, "action-form")
    assert kept["description"] == "Description revue par le pilote."
    assert kept["title"] == "Guide santé du territoire"
    assert int(kept["version"]) == guide.version
    assert pilot.post(edit, kept).status_code == 302
    guide.refresh_from_db()
    assert (
        guide.title == "Guide santé du territoire" and guide.description == "Description revue par le pilote."
    )


def test_every_save_of_a_fiche_moves_its_version(plan, alice):
    edit = reverse("plans:action_update", args=[plan.contract.public_id, plan.guide.pk])
    client = _client(alice)
    before = Action.objects.get(pk=plan.guide.pk).version
    form = form_from(client.get(edit), "action-form")
    assert int(form["version"]) == before
    assert client.post(edit, {**form, "title": "Autre titre"}).status_code == 302
    assert Action.objects.get(pk=plan.guide.pk).version == before + 1
    # Moving fiches out of a deleted axis is a write too.
    client.post(reverse("plans:section_delete", args=[plan.contract.public_id, plan.objective.pk]))
    if not Section.objects.filter(pk=plan.objective.pk).exists():
        assert Action.objects.get(pk=plan.guide.pk).version == before + 2


def test_an_old_section_form_does_not_revert_a_newer_title(plan, alice, armand):
    edit = reverse("plans:section_update", args=[plan.contract.public_id, plan.access.pk])
    first, second = _client(alice), _client(alice)
    old = form_from(first.get(edit), "section-form")
    newer = form_from(second.get(edit), "section-form")
    assert second.post(edit, {**newer, "title": "Accès aux soins et aux droits"}).status_code == 302
    response = first.post(edit, {**old, "description": "Ajout"})
    assert response.status_code == 400
    assert Section.objects.get(pk=plan.access.pk).title == "Accès aux soins et aux droits"
    conflict = _text(response).split('id="version-conflict"')[1]
    assert "Accès aux soins et aux droits" in conflict and "Ajout" in conflict


def test_an_old_funding_line_form_does_not_revert_a_newer_amount(plan, alice):
    detail = reverse("plans:action", args=[plan.contract.public_id, plan.guide.pk])
    update = reverse("plans:funding_update", args=[plan.contract.public_id, plan.guide.pk, plan.town_line.pk])
    first, second = _client(alice), _client(alice)
    old = form_from(first.get(detail), action=update)
    newer = form_from(second.get(detail), action=update)
    prefix = f"line-{plan.town_line.pk}-"
    assert second.post(update, {**newer, prefix + "planned": "4500"}).status_code == 302
    response = first.post(update, {**old, prefix + "spent": "100"})
    assert response.status_code == 400
    line = FundingLine.objects.get(pk=plan.town_line.pk)
    assert (line.planned, line.spent) == (Decimal(4500), None)
    conflict = _text(response).split('id="version-conflict"')[1]
    assert "4500" in conflict and "3000" in conflict


def test_a_value_already_recorded_for_the_period_is_not_replaced_blindly(plan, alice):
    url = reverse("plans:value_add", args=[plan.contract.public_id, plan.indicator.pk])
    client = _client(alice)
    prefix = f"valeur-{plan.indicator.pk}-"
    page = client.get(reverse("plans:indicators", args=[plan.contract.public_id]))
    form = form_from(page, action=url)
    assert prefix + "version" in form  # the value form carries a version
    response = client.post(url, {**form, prefix + "period": "2025", prefix + "actual": "10"})
    assert response.status_code == 400
    value = IndicatorValue.objects.get(indicator=plan.indicator, period="2025")
    assert value.actual == Decimal(350)
    html = _text(response)
    assert "existe déjà" in html and "350" in html.split('id="version-conflict"')[1]
    kept = form_from(response, action=url)
    assert kept[prefix + "actual"] == "10" and int(kept[prefix + "version"]) == value.version
    assert client.post(url, kept).status_code == 302  # sent again on purpose: replaced
    assert IndicatorValue.objects.get(pk=value.pk).actual == Decimal(10)


def test_the_api_refuses_to_replace_a_value_without_its_version(plan, alice):
    url = f"/api/plans/{plan.contract.public_id}/indicateurs/{plan.indicator.pk}/valeurs"
    client = _client(alice)
    response = client.post(url, {"period": "2025", "actual": 1}, content_type="application/json")
    assert response.status_code == 409
    body = response.json()
    assert "existe déjà" in body["detail"] and body["current"]["actual"] == 350
    version = body["current"]["version"]
    stale = client.post(
        url, {"period": "2025", "actual": 2, "version": version - 1}, content_type="application/json"
    )
    assert stale.status_code == 409
    ok = client.post(
        url, {"period": "2025", "actual": 3, "version": version}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["version"] == version + 1
