"""« Mise à jour rapide » on a fiche's page (issue 11, point 5): its pilot moves the status and the
progress and adds the next step without the whole fiche form, under the rules of a whole save and without
overwriting a change made meanwhile."""

import datetime

import pytest
from django.urls import reverse

from santelocale.plans import services
from santelocale.plans.enums import ActionStatus

pytestmark = pytest.mark.django_db


def _url(plan, action):
    return reverse("plans:action_quick_update", args=[plan.contract.public_id, action.pk])


def _data(action, **changes):
    return {"quick-version": action.version, "quick-status": ActionStatus.IN_PROGRESS} | changes


def test_the_pilot_moves_the_status_and_progress_and_adds_the_next_step(plan, client, pierre):
    fiche = plan.guide
    client.force_login(pierre)  # Pierre pilots the guide (tests/plans/conftest.py)
    page = client.get(fiche.get_absolute_url()).content.decode()
    assert 'id="quick-update-form"' in page and "Mise à jour rapide" in page
    steps, records = fiche.steps.count(), fiche.history.count()
    response = client.post(
        _url(plan, fiche),
        _data(
            fiche,
            **{
                "quick-status": ActionStatus.DONE,
                "quick-progress_entered": "100",
                "quick-next_step": "Diffuser le guide aux pharmacies",
                "quick-next_step_due": "2026-03-31",
            },
        ),
        follow=True,
    )
    assert response.status_code == 200 and "mise à jour." in response.content.decode()
    fiche.refresh_from_db()
    assert (fiche.status, fiche.progress_entered) == (ActionStatus.DONE, 100)
    assert fiche.steps.count() == steps + 1
    last = fiche.steps.order_by("-position", "-pk").first()
    assert (last.title, last.due_on) == ("Diffuser le guide aux pharmacies", datetime.date(2026, 3, 31))
    assert fiche.title == plan.guide.title  # the rest of the fiche is kept
    assert fiche.history.count() == records + 1  # and the change is in its history


def test_a_refused_or_stale_quick_update_writes_nothing(plan, client, alice, pierre):
    fiche = plan.guide
    before = (fiche.status, fiche.progress_entered, fiche.steps.count())
    client.force_login(pierre)
    response = client.post(_url(plan, fiche), _data(fiche, **{"quick-progress_entered": "150"}))
    assert response.status_code == 400
    assert "L’avancement est un pourcentage entre 0 et 100." in response.content.decode()
    response = client.post(_url(plan, fiche), {"quick-status": ActionStatus.DONE})  # no version read
    assert response.status_code == 400 and "La version lue de la fiche manque" in response.content.decode()
    read = fiche.version
    services.update_action(fiche, services.ActionData.of(fiche))  # the coordinator saves meanwhile
    response = client.post(
        _url(plan, fiche), {"quick-version": read, "quick-status": ActionStatus.DONE, "quick-next_step": "X"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Quelqu’un a modifié ces informations" in html
    fiche.refresh_from_db()
    assert (fiche.status, fiche.progress_entered, fiche.steps.count()) == before


def test_a_reader_gets_no_quick_update(plan, client, bob):
    client.force_login(bob)
    assert "quick-update-form" not in client.get(plan.guide.get_absolute_url()).content.decode()
    assert client.post(_url(plan, plan.guide), _data(plan.guide)).status_code == 403
