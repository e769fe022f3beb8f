"""A creation form sent twice (a double click, the browser resending) creates one object (issue 9, point
5): each form carries a one-time token; the second identical POST gets the first result. The simultaneous
version of the same clicks is played against the served instance in tests/e2e/test_races_e2e.py."""

import pytest
from django.test import Client
from django.urls import reverse

from santelocale.plans.models import Action, FollowUpNote, FundingLine, Section, Step
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


def test_a_double_click_on_new_fiche_creates_one_fiche(plan, alice):
    url = reverse("plans:action_create", args=[plan.contract.public_id])
    before = Action.objects.count()
    first, second = _twice(_client(alice), url, url, "action-form", title="Fiche du double clic")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Action.objects.count() == before + 1


def test_a_changed_form_sent_again_is_a_new_fiche(plan, alice):
    url = reverse("plans:action_create", args=[plan.contract.public_id])
    client = _client(alice)
    form = form_from(client.get(url), "action-form")
    client.post(url, {**form, "title": "Première"})
    client.post(url, {**form, "title": "Seconde"})
    assert Action.objects.filter(title__in=["Première", "Seconde"]).count() == 2


def test_a_refused_creation_can_be_sent_again_once_fixed(plan, alice):
    url = reverse("plans:action_create", args=[plan.contract.public_id])
    client = _client(alice)
    form = form_from(client.get(url), "action-form")
    refused = client.post(url, {**form, "title": "Fiche", "starts_on": "2026-05-01", "ends_on": "2026-01-01"})
    assert refused.status_code == 400
    fixed = form_from(refused, "action-form")
    assert fixed["submission_token"] == form["submission_token"]
    assert client.post(url, {**fixed, "ends_on": "2026-12-31"}).status_code == 302
    assert Action.objects.filter(title="Fiche").count() == 1


@pytest.mark.parametrize(
    ("form_id", "model", "values"),
    [
        ("step-form", Step, {"step-title": "Étape du double clic"}),
        ("follow-up-form", FollowUpNote, {"note-noted_on": "2026-01-05", "note-text": "Note du double clic"}),
        ("funding-form", FundingLine, {"funding-funder_kind": "COLLECTIVITY", "funding-planned": "100"}),
    ],
)
def test_the_fiche_pages_small_creation_forms_create_once(plan, alice, form_id, model, values):
    page = reverse("plans:action", args=[plan.contract.public_id, plan.guide.pk])
    client = _client(alice)
    form_page = client.get(page)
    post_url = form_page.content.decode().split(f'id="{form_id}"')[0].rsplit('action="', 1)[1].split('"')[0]
    before = model.objects.count()
    first, second = _twice(client, page, post_url, form_id, **values)
    assert first.status_code == second.status_code == 302
    assert model.objects.count() == before + 1


def test_a_double_click_on_new_axis_creates_one_axis(plan, alice):
    url = reverse("plans:section_create", args=[plan.contract.public_id])
    before = Section.objects.count()
    first, second = _twice(_client(alice), url, url, "section-form", title="Axe du double clic", kind="AXIS")
    assert first.status_code == second.status_code == 302
    assert Section.objects.count() == before + 1
