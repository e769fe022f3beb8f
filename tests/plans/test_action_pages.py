"""The page of one fiche action and everything edited on it, through the test client on the real database."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from santelocale.indicators.models import Indicator
from santelocale.plans import services
from santelocale.plans.enums import ActionStatus, FunderKind
from santelocale.plans.forms_action import ActionForm
from santelocale.plans.models import Action, ActionLink, FollowUpNote, FundingLine, Term

pytestmark = pytest.mark.django_db


def url(name, plan, action=None, **extra):
    args = [plan.contract.public_id]
    if action is not None:
        args.append(action.pk)
    args += list(extra.values())
    return reverse(f"plans:{name}", args=args)


def form_data(action, **changes) -> dict:
    """What the edit form posts for ``action`` unchanged, with ``changes``."""
    data = {}
    for name, value in ActionForm.initial_for(action).items():
        if isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, datetime.date):
            data[name] = value.isoformat()
        elif value is None:
            data[name] = ""
        else:
            data[name] = str(getattr(value, "pk", value))
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def text(response) -> str:
    """The page, with French number spacing (narrow no-break spaces) as plain spaces."""
    return response.content.decode().replace("\u202f", " ").replace("\xa0", " ")


def login(client, user):
    client.force_login(user)
    return client


# --- Detail --------------------------------------------------------------------------------------------


def test_detail_shows_the_fiche_grouped_like_a_word_fiche(client, plan):
    response = client.get(url("action", plan, plan.guide))
    assert response.status_code == 200
    html = text(response)
    assert "Guide santé du territoire" in html
    for heading in ("Présentation", "Acteurs", "Mise en œuvre", "Suivi", "Financements", "Indicateurs"):
        assert f">{heading}</h2>" in html
    assert "Un guide des lieux de soins et d’accès aux droits." in html
    assert "Tout public" in html
    assert "Statut : En cours" in html and "Priorité : élevé" in html
    assert "Du 01/03/2024 au 31/12/2027" in html
    assert "<strong>40 %</strong>" in html
    assert "Ville d’Albi" in html and "12 000" in html  # funding lines
    assert "15 000" in html  # total planned
    assert "Guides distribués" in html and "2025 : cible 500, constatée 350" in html
    assert "Diffusion en mairie" in html  # its sub-action
    assert reverse("plans:action_history", args=[plan.contract.public_id, plan.guide.pk]) in html
    # The public reads but edits nothing.
    assert "Modifier la fiche" not in html
    assert 'id="step-form"' not in html and 'id="funding-form"' not in html


def test_detail_of_a_sub_action_and_a_fiche_without_pilot(client, plan):
    html = client.get(url("action", plan, plan.sub)).content.decode()
    assert "Sous-action de « 1. Guide santé du territoire »" in html
    assert "Sans pilote" in html
    html = client.get(url("action", plan, plan.sism)).content.decode()
    assert "En retard" in html
    # The public reads that a pilot is named, not who (docs/permissions.md).
    assert "Coordinatrice CLSM" not in html and "Pilote désigné" in html
    assert "<strong>50 %</strong>" in html and "calculé d’après les étapes" in html


@pytest.mark.parametrize("who", ["anonymous", "charlie", "bob", "pierre"])
def test_confidential_fiche_is_hidden_from_outsiders_and_from_parties_not_concerned(
    client, plan, charlie, bob, pierre, who
):
    # A reader of the porteur and the pilot of another fiche are parties, but not concerned by it.
    if who != "anonymous":
        login(client, {"charlie": charlie, "bob": bob, "pierre": pierre}[who])
    assert client.get(url("action", plan, plan.secret)).status_code == 404
    assert client.get(url("action_history", plan, plan.secret)).status_code == 404


@pytest.mark.parametrize("who", ["alice", "diane", "its pilot"])
def test_confidential_fiche_is_shown_to_the_porteurs_editors_the_ars_and_its_pilot(
    client, plan, alice, diane, bob, who
):
    if who == "its pilot":
        plan.secret.pilot_user = bob
        plan.secret.save()
    login(client, {"alice": alice, "diane": diane, "its pilot": bob}[who])
    response = client.get(url("action", plan, plan.secret))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Négociation confidentielle (fictif)" in html and "Confidentielle" in html
    assert ("Modifier la fiche" in html) is (who in ("alice", "its pilot"))


def test_editors_see_the_forms(client, plan, pierre):
    html = login(client, pierre).get(url("action", plan, plan.guide)).content.decode()
    assert "Modifier la fiche" in html
    assert 'id="step-form"' in html and 'id="follow-up-form"' in html and 'id="indicator-form"' in html
    assert 'id="funding-form"' in html
    values_url = reverse("plans:indicators", args=[plan.contract.public_id])
    assert f"{values_url}#indicateur-{plan.indicator.pk}" in html
    assert "Mettre à la corbeille" not in html  # the coordinator's
    assert "Ajouter une sous-action" not in html


# --- Create and edit -----------------------------------------------------------------------------------


def test_alice_creates_a_fiche_with_many_fields(client, plan, alice, bob):
    login(client, alice)
    form = client.get(url("action_create", plan) + f"?section={plan.mental.pk}")
    assert form.status_code == 200
    assert f'<option value="{plan.mental.pk}" selected>' in form.content.decode()
    public = Term.objects.get(vocabulary="PUBLIC", label="Adolescents et jeunes (12-25 ans)")
    intervention = Term.objects.get(vocabulary="INTERVENTION", label="Éducation pour la santé")
    determinant = Term.objects.get(vocabulary="DETERMINANT", label="Addictions")
    response = client.post(
        url("action_create", plan),
        {
            "title": "Prévention des conduites addictives",
            "number": "4",
            "section": plan.mental.pk,
            "description": "Ateliers au collège.\nDeux séances par classe.",
            "objectives": "Retarder l’âge de la première consommation.",
            "expected_results": "600 élèves sensibilisés.",
            "publics": [public.pk],
            "intervention_types": [intervention.pk],
            "determinants": [determinant.pk],
            "communes": ["81004"],
            "operator": "ANPAA 81",
            "pilot_user": bob.pk,
            "pilot_name": "Cheffe de projet prévention",
            "partners": "Éducation nationale",
            "elected_referent": "Adjointe à la santé",
            "governance": "COPIL du CLS",
            "means": "0,5 ETP",
            "participation": "CONSULTATION",
            "status": "UPCOMING",
            "priority": "MEDIUM",
            "starts_on": "2026-09-01",
            "ends_on": "30/06/2027",
            "calendar": "Année scolaire 2026-2027",
            "funding_note": "Appel à projets ARS",
            "budget": "12 500,50",
            "progress_mode": "ENTERED",
            "progress_entered": "10",
            "weight": "2",
            "related_measures": "PRS 2023-2028",
            "notes": "Fiche créée en COPIL",
            "linked": [plan.sism.pk],
            "is_confidential": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    action = Action.objects.get(title="Prévention des conduites addictives")
    assert response["Location"] == action.get_absolute_url()
    assert action.contract == plan.contract and action.section == plan.mental and action.number == "4"
    assert action.description == "Ateliers au collège.\nDeux séances par classe."
    assert action.pilot_user == bob and action.pilot_name == "Cheffe de projet prévention"
    assert (
        action.participation == "CONSULTATION" and action.status == "UPCOMING" and action.priority == "MEDIUM"
    )
    assert action.starts_on == datetime.date(2026, 9, 1) and action.ends_on == datetime.date(2027, 6, 30)
    assert action.budget == Decimal("12500.50") and action.weight == Decimal(2)
    assert action.progress_entered == 10 and action.is_confidential
    assert list(action.publics.all()) == [public]
    assert list(action.intervention_types.all()) == [intervention]
    assert list(action.determinants.all()) == [determinant]
    assert list(action.communes.values_list("code", flat=True)) == ["81004"]
    assert list(action.linked.all()) == [plan.sism]
    assert action.history.first().history_user == alice
    page = client.get(response["Location"])
    assert "Fiche « 4. Prévention des conduites addictives » enregistrée." in page.content.decode()


def test_sub_action_created_from_its_parent(client, plan, alice):
    login(client, alice)
    form = client.get(url("action_create", plan) + f"?parent={plan.guide.pk}").content.decode()
    assert f'<option value="{plan.guide.pk}" selected>' in form
    response = client.post(
        url("action_create", plan), {"title": "Diffusion en pharmacie", "parent": plan.guide.pk}
    )
    assert response.status_code == 302
    sub = Action.objects.get(title="Diffusion en pharmacie")
    assert sub.parent == plan.guide and sub.section == plan.objective


def test_bad_fiche_is_refused_in_french_and_nothing_is_written(client, plan, alice):
    login(client, alice)
    before = Action.objects.count()
    response = client.post(
        url("action_create", plan),
        {
            "title": "x" * 301,
            "number": "9",
            "starts_on": "2026-01-01",
            "ends_on": "2025-01-01",
            "budget": "abc",
            "progress_mode": "ENTERED",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "La fiche n’a pas été enregistrée" in html
    assert "Le titre dépasse 300 caractères (301)." in html
    assert "La date de fin (01/01/2025) précède la date de début (01/01/2026)." in html
    assert "Le budget prévisionnel « abc » n’est pas un nombre" in html
    assert 'value="abc"' in html and 'value="9"' in html  # the input is kept
    assert Action.objects.count() == before


def test_bad_edit_changes_nothing(client, plan, alice):
    login(client, alice)
    response = client.post(
        url("action_update", plan, plan.guide), form_data(plan.guide, title="", progress_entered="140")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Le titre de la fiche est obligatoire." in html
    assert "L’avancement est un pourcentage entre 0 et 100." in html
    plan.guide.refresh_from_db()
    assert plan.guide.title == "Guide santé du territoire" and plan.guide.progress_entered == 40


def test_pilot_edits_his_fiche_but_not_its_pilot_nor_its_confidentiality(client, plan, pierre, alice):
    login(client, pierre)
    form = client.get(url("action_update", plan, plan.guide))
    assert form.status_code == 200
    assert "Vous modifiez cette fiche en tant que pilote" in form.content.decode()
    assert form.content.decode().count("Seul·e le ou la coordinateur·rice du contrat modifie ce champ.") == 4
    data = form_data(
        plan.guide,
        status=ActionStatus.DONE,
        progress_entered="100",
        pilot_user=alice.pk,
        is_confidential="on",
        section=plan.mental.pk,
    )
    response = client.post(url("action_update", plan, plan.guide), data)
    assert response.status_code == 302
    plan.guide.refresh_from_db()
    assert plan.guide.status == ActionStatus.DONE and plan.guide.progress_entered == 100
    assert plan.guide.pilot_user == pierre
    assert not plan.guide.is_confidential
    assert plan.guide.section == plan.objective
    assert [t.label for t in plan.guide.publics.all()] == ["Tout public"]
    # Another fiche is not his.
    assert client.get(url("action_update", plan, plan.sism)).status_code == 403
    assert client.post(url("action_update", plan, plan.sism), form_data(plan.sism)).status_code == 403
    assert client.post(url("action_create", plan), {"title": "Nouvelle"}).status_code == 403


def test_reader_cannot_edit(client, plan, bob):
    login(client, bob)
    assert client.get(url("action_update", plan, plan.guide)).status_code == 403
    response = client.post(url("action_update", plan, plan.guide), form_data(plan.guide, title="Piraté"))
    assert response.status_code == 403
    assert client.get(url("action_create", plan)).status_code == 403
    assert client.post(url("action_trash", plan, plan.guide)).status_code == 403
    plan.guide.refresh_from_db()
    assert plan.guide.title == "Guide santé du territoire" and plan.guide.deleted_at is None


def test_anonymous_is_sent_to_login(client, plan):
    response = client.get(url("action_update", plan, plan.guide))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_pilot_choices_are_the_contract_people(client, plan, alice, bob, charlie, pierre):
    login(client, alice)
    html = client.get(url("action_update", plan, plan.guide)).content.decode()
    assert "alice@example.test" in html and "bob@example.test" in html
    assert "pierre@example.test" in html  # the current pilot
    assert "charlie@example.test" not in html
    response = client.post(
        url("action_update", plan, plan.guide), form_data(plan.guide, pilot_user=charlie.pk)
    )
    assert response.status_code == 400
    assert "Ce compte ne peut pas piloter une fiche de ce contrat." in response.content.decode()


# --- History -------------------------------------------------------------------------------------------


def test_history_shows_alices_change_with_old_and_new_status(client, plan_via_services, alice, charlie):
    plan = plan_via_services  # the history of the plan's creation is read: the services write it
    login(client, alice)
    response = client.post(url("action_update", plan, plan.guide), form_data(plan.guide, status="DONE"))
    assert response.status_code == 302
    assert plan.guide.history.first().history_user == alice
    html = client.get(url("action_history", plan, plan.guide)).content.decode()
    assert (
        "Statut</strong> : En cours" in html
        and '→</span><span class="fr-sr-only">devient</span> Réalisé' in html
    )
    assert "Alice" in html and "Création" in html
    assert "Financement ARS 2025" in html and "Indicateur « Guides distribués », période 2025" in html
    # Outsiders read the history without the names.
    client.force_login(charlie)
    html = client.get(url("action_history", plan, plan.guide)).content.decode()
    assert "Réalisé" in html and "un·e contributeur·rice" in html and "Alice" not in html


# --- Bin -----------------------------------------------------------------------------------------------


def test_trash_and_restore_round_trip(client, plan_via_services, alice, pierre):
    plan = plan_via_services  # the history page is read: its entries compare with the creation record
    login(client, pierre)
    assert client.post(url("action_trash", plan, plan.guide)).status_code == 403
    login(client, alice)
    response = client.post(url("action_trash", plan, plan.guide))
    assert response.status_code == 302 and response["Location"] == url("tree", plan)
    plan.guide.refresh_from_db()
    plan.sub.refresh_from_db()
    assert plan.guide.deleted_at is not None and plan.sub.deleted_at == plan.guide.deleted_at
    assert client.get(url("action", plan, plan.guide)).status_code == 404
    login(client, pierre)
    assert client.post(url("action_restore", plan, plan.guide)).status_code in (403, 404)
    login(client, alice)
    response = client.post(url("action_restore", plan, plan.guide))
    assert response.status_code == 302 and response["Location"] == plan.guide.get_absolute_url()
    plan.guide.refresh_from_db()
    plan.sub.refresh_from_db()
    assert plan.guide.deleted_at is None and plan.sub.deleted_at is None
    html = client.get(url("action_history", plan, plan.guide)).content.decode()
    assert "Mise à la corbeille" in html and "Restauration" in html
    # A live fiche cannot be restored.
    assert client.post(url("action_restore", plan, plan.guide)).status_code == 404


# --- Steps, notes, links -------------------------------------------------------------------------------


def test_step_toggle_with_htmx_returns_the_steps(client, plan, alice):
    login(client, alice)
    step = plan.sism.steps.get(title="Bilan")
    response = client.post(
        url("step_update", plan, plan.sism, step_pk=step.pk), {"done": "on"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="etapes"') and "<html" not in html
    assert 'id="action-progress" hx-swap-oob="true"' in html and "<strong>100 %</strong>" in html
    step.refresh_from_db()
    assert step.is_done and step.done_on == datetime.date.today()


def test_step_toggle_with_a_plain_post_redirects(client, plan, pierre, bob):
    step = plan.sism.steps.get(title="Programme")
    login(client, bob)
    assert client.post(url("step_update", plan, plan.sism, step_pk=step.pk)).status_code == 403
    login(client, pierre)  # not the pilot of « sism »
    assert client.post(url("step_update", plan, plan.sism, step_pk=step.pk)).status_code == 403
    step.refresh_from_db()
    assert step.is_done
    guide_step = services.add_step(plan.guide, title="Maquette")
    response = client.post(url("step_update", plan, plan.guide, step_pk=guide_step.pk), {"done": "on"})
    assert response.status_code == 302 and response["Location"].endswith("#etapes")
    guide_step.refresh_from_db()
    assert guide_step.is_done
    response = client.post(url("step_update", plan, plan.guide, step_pk=guide_step.pk))  # unticked
    guide_step.refresh_from_db()
    assert response.status_code == 302 and not guide_step.is_done
    # A step of another fiche is not found through this one.
    assert client.post(url("step_update", plan, plan.guide, step_pk=step.pk)).status_code == 404


def test_step_add(client, plan, pierre):
    login(client, pierre)
    response = client.post(url("step_add", plan, plan.guide), {"step-title": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "L’intitulé de l’étape est obligatoire." in response.content.decode()
    assert not plan.guide.steps.exists()
    response = client.post(
        url("step_add", plan, plan.guide), {"step-title": "Impression", "step-due_on": "2026-03-01"}
    )
    assert response.status_code == 302
    step = plan.guide.steps.get()
    assert step.title == "Impression" and step.due_on == datetime.date(2026, 3, 1)


def test_follow_up_note_requires_a_date(client, plan, pierre):
    login(client, pierre)
    response = client.post(url("follow_up_add", plan, plan.guide), {"note-text": "Maquette validée."})
    assert response.status_code == 400
    assert "La date de la note est obligatoire." in response.content.decode()
    assert "Maquette validée." in response.content.decode()  # kept
    assert not FollowUpNote.objects.exists()
    response = client.post(
        url("follow_up_add", plan, plan.guide),
        {"note-noted_on": "12/02/2026", "note-text": "Maquette validée."},
    )
    assert response.status_code == 302
    note = FollowUpNote.objects.get()
    assert note.action == plan.guide and note.author == pierre and note.noted_on == datetime.date(2026, 2, 12)
    html = client.get(url("action", plan, plan.guide)).content.decode()
    assert "12/02/2026" in html and "Maquette validée." in html


def test_link_refuses_a_javascript_address(client, plan, alice):
    login(client, alice)
    response = client.post(
        url("link_add", plan, plan.guide), {"link-title": "Piège", "link-url": "javascript:alert(1)"}
    )
    assert response.status_code == 400
    assert "Adresse invalide : « javascript:alert(1) »" in response.content.decode()
    assert not ActionLink.objects.exists()
    response = client.post(
        url("link_add", plan, plan.guide), {"link-title": "Maquette", "link-url": "www.example.org/guide.pdf"}
    )
    assert response.status_code == 302
    html = client.get(url("action", plan, plan.guide)).content.decode()
    assert 'href="https://www.example.org/guide.pdf"' in html


# --- Funding -------------------------------------------------------------------------------------------


def funding(prefix="funding", **values) -> dict:
    data = {"funder_kind": "ARS", "year": "2026", "nature": "OPERATING", "unit": "EUR", "planned": "1 000"}
    data.update(values)
    return {f"{prefix}-{k}": v for k, v in data.items()}


def test_ars_adds_its_own_lines_only(client, plan, diane):
    login(client, diane)
    html = client.get(url("action", plan, plan.guide)).content.decode()
    assert 'id="funding-form"' in html and '<option value="CAF"' not in html
    response = client.post(
        url("funding_add", plan, plan.guide), funding(planned="2 500,50", fir_mission="M1")
    )
    assert response.status_code == 302
    line = FundingLine.objects.get(action=plan.guide, year=2026)
    assert line.funder_kind == FunderKind.ARS and line.planned == Decimal("2500.50")
    response = client.post(url("funding_add", plan, plan.guide), funding(funder_kind="CAF", year="2027"))
    assert response.status_code == 400
    assert (
        "Vous ne saisissez que les financements de l’ARS, pas un financement « CAF »."
        in response.content.decode()
    )
    assert not FundingLine.objects.filter(year=2027).exists()
    # The town's line is not hers; the ARS line is.
    town = plan.town_line
    prefix = f"line-{town.pk}"
    response = client.post(
        url("funding_update", plan, plan.guide, line_pk=town.pk), funding(prefix, funder_kind="COLLECTIVITY")
    )
    assert response.status_code == 403
    assert client.post(url("funding_delete", plan, plan.guide, line_pk=town.pk)).status_code == 403
    town.refresh_from_db()
    assert town.planned == Decimal(3000)
    ars = plan.ars_line
    response = client.post(
        url("funding_update", plan, plan.guide, line_pk=ars.pk),
        funding(f"line-{ars.pk}", year="2025", planned="12 000", spent="9 500"),
    )
    assert response.status_code == 302
    ars.refresh_from_db()
    assert ars.spent == Decimal(9500)


def test_pilot_cannot_add_an_ars_line(client, plan, pierre):
    login(client, pierre)
    html = client.get(url("action", plan, plan.guide)).content.decode()
    assert '<option value="CAF"' in html and '<option value="ARS"' not in html.split('id="funding-form"')[1]
    before = FundingLine.objects.count()
    response = client.post(url("funding_add", plan, plan.guide), funding())
    assert response.status_code == 400
    assert (
        "Les financements de l’ARS sont saisis par l’ARS ou le ou la coordinateur·rice"
        in response.content.decode()
    )
    assert FundingLine.objects.count() == before
    response = client.post(url("funding_add", plan, plan.guide), funding(funder_kind="CAF", planned="abc"))
    assert (
        response.status_code == 400
        and "Le montant prévu « abc » n’est pas un nombre" in response.content.decode()
    )
    response = client.post(url("funding_add", plan, plan.guide), funding(funder_kind="CAF", planned="800"))
    assert response.status_code == 302
    assert FundingLine.objects.filter(action=plan.guide, funder_kind="CAF", planned=800).exists()
    # The ARS line is the ARS's; the town's is his to change or remove.
    assert client.post(url("funding_delete", plan, plan.guide, line_pk=plan.ars_line.pk)).status_code == 403
    assert client.post(url("funding_delete", plan, plan.guide, line_pk=plan.town_line.pk)).status_code == 302
    assert not FundingLine.objects.filter(pk=plan.town_line.pk).exists()
    html = login(client, pierre).get(url("action_history", plan, plan.guide)).content.decode()
    assert "Financement Ville d’Albi 2025" in html and "Suppression" in html


def test_funding_refuses_fir_on_other_funders(client, plan, alice):
    login(client, alice)
    response = client.post(
        url("funding_add", plan, plan.guide), funding(funder_kind="STATE", fir_line="Prévention")
    )
    assert response.status_code == 400
    assert (
        "La mission et la ligne du FIR ne concernent que les financements de l’ARS."
        in response.content.decode()
    )
    assert not FundingLine.objects.filter(funder_kind="STATE").exists()


def test_outsider_cannot_add_funding(client, plan, bob):
    login(client, bob)
    assert client.post(url("funding_add", plan, plan.guide), funding(funder_kind="CAF")).status_code == 403


# --- Indicators ----------------------------------------------------------------------------------------


def test_pilot_adds_an_indicator(client, plan, pierre, bob):
    login(client, pierre)
    data = {"indicator-name": "Lieux de diffusion", "indicator-kind": "PROCESS", "indicator-baseline": "12"}
    response = client.post(url("action_indicator_add", plan, plan.guide), data)
    assert response.status_code == 302
    indicator = Indicator.objects.get(name="Lieux de diffusion")
    assert indicator.action == plan.guide and indicator.contract == plan.contract and indicator.baseline == 12
    response = client.post(url("action_indicator_add", plan, plan.guide), data)
    assert response.status_code == 400
    assert (
        "L’indicateur « Lieux de diffusion » existe déjà à cet endroit du contrat."
        in response.content.decode()
    )
    login(client, bob)
    response = client.post(url("action_indicator_add", plan, plan.guide), {**data, "indicator-name": "Autre"})
    assert response.status_code == 403
    assert not Indicator.objects.filter(name="Autre").exists()


def test_history_shows_changes_to_the_fiches_lists_once_per_save(client, plan_via_services, alice):
    plan = plan_via_services  # the history of the plan's creation is read: the services write it
    from santelocale.plans.models import Term

    children = Term.objects.get(vocabulary="PUBLIC", label="Enfants")
    everyone = Term.objects.get(vocabulary="PUBLIC", label="Tout public")
    records_before = plan.guide.history.count()
    login(client, alice)
    response = client.post(
        url("action_update", plan, plan.guide), form_data(plan.guide, publics=[everyone.pk, children.pk])
    )
    assert response.status_code == 302
    assert plan.guide.history.count() == records_before + 1  # one record for the save and its lists
    latest = plan.guide.history.first()
    assert {row.term_id for row in latest.publics.all()} == {everyone.pk, children.pk}
    html = client.get(url("action_history", plan, plan.guide)).content.decode()
    assert "Publics cibles</strong> : Tout public" in html
    assert "devient</span> Enfants, Tout public" in html


def test_a_budget_that_disagrees_with_the_funding_lines_is_flagged(client, plan, alice):
    from santelocale.plans.enums import FundingUnit
    from santelocale.utils import fr

    fiche = plan.guide
    planned = sum(line.planned for line in fiche.funding.all() if line.unit == FundingUnit.EUR)
    assert planned > 0  # the fixture's fiche has lines in euros
    client.force_login(alice)
    type(fiche).objects.filter(pk=fiche.pk).update(budget=Decimal(5_000_000))
    html = client.get(fiche.get_absolute_url()).content.decode()
    assert 'id="budget-mismatch"' in html
    expected = f"Le budget prévisionnel ({fr.euros(5_000_000)}) et le total des financements prévus"
    assert f"{expected} ({fr.euros(planned)}) ne concordent pas" in html
    type(fiche).objects.filter(pk=fiche.pk).update(budget=planned)
    assert 'id="budget-mismatch"' not in client.get(fiche.get_absolute_url()).content.decode()
