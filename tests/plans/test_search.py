"""The search of published fiches (/fiches/) and the copy of a fiche into one's own plan."""

import datetime

import pytest
from django.contrib.messages import get_messages

from santelocale.contracts.enums import ContractKind, Status
from santelocale.contracts.models import RegionalTheme
from santelocale.indicators.models import Indicator
from santelocale.plans import search, services
from santelocale.plans.enums import ActionStatus
from santelocale.plans.filtersets import parse_search_filters
from santelocale.plans.models import Action, Term
from santelocale.plans.services import ActionData, SectionData
from santelocale.territories.models import Department, Region
from santelocale.territories.services import save_perimeter

pytestmark = pytest.mark.django_db

URL = "/fiches/"


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _found(response) -> list[int]:
    return [hit.action.pk for hit in response.context["page"].object_list]


def _ids(user, **params) -> list[int]:
    filters, warnings = parse_search_filters(params)
    assert warnings == []
    return search.ranked_ids(user=user, filters=filters)


@pytest.fixture
def paca(make_contract, charlie, other_organisation):
    """A published CLS in PACA carried by Charlie's organisation, with one fiche whose description (not
    its title) speaks of a guide."""
    perimeter = save_perimeter(
        name="Aix (test)", components=[{"kind": "commune", "code": "13001"}], user=charlie
    )
    contract = make_contract(
        name="CLS Aix (test)",
        perimeter=perimeter,
        region=Region.objects.get(pk="93"),
        department=Department.objects.get(pk="13"),
        porteurs=[other_organisation],
        status=Status.IMPLEMENTATION,
        signed_on=datetime.date(2024, 2, 1),
        starts_on=datetime.date(2024, 2, 1),
        ends_on=datetime.date(2028, 12, 31),
        is_published=True,
    )
    axis = services.save_section(contract, SectionData(title="Prévention", number="1"))
    fiche = services.create_action(
        contract,
        ActionData(
            title="Annuaire des lieux d’écoute",
            section=axis,
            description="Un guide pratique pour les habitants, mis à jour chaque année.",
            status=ActionStatus.UPCOMING,
        ),
    )
    return contract, axis, fiche


@pytest.fixture
def alice_clsm(make_contract):
    """A CLSM draft on Albi, carried by Alice's collectivité (she edits its plan)."""
    clsm = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)")
    axis = services.save_section(clsm, SectionData(title="Parcours de soins", number="1"))
    return clsm, axis


# --- Search -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["guide sante", "GUIDE SANTÉ", "Guide  santé!"])
def test_search_finds_a_published_fiche_whatever_the_accents_and_case(client, plan, charlie, query):
    response = _as(client, charlie).get(URL, {"q": query})
    assert response.status_code == 200
    assert _found(response) == [plan.guide.pk]
    assert "1 fiche trouvée" in response.content.decode()


def test_search_words_must_all_start_a_word(plan, charlie):
    assert _ids(charlie, q="guide territoire") == [plan.guide.pk]
    assert _ids(charlie, q="guide inexistant") == []
    assert _ids(charlie, q="uide") == []  # not the middle of a word


def test_search_never_shows_confidential_fiches_even_to_insiders(client, plan, alice):
    assert _ids(alice, q="negociation") == []
    response = _as(client, alice).get(URL)
    found = _found(response)
    assert plan.guide.pk in found and plan.sub.pk in found and plan.sism.pk in found
    assert plan.secret.pk not in found


def test_search_ignores_unpublished_contracts_and_binned_fiches(plan, alice, alice_clsm):
    clsm, axis = alice_clsm
    draft_fiche = services.create_action(clsm, ActionData(title="Guide santé mentale", section=axis))
    assert not clsm.is_published
    assert draft_fiche.pk not in _ids(alice, q="guide")
    services.trash_action(plan.guide)
    found = _ids(alice)
    assert plan.guide.pk not in found and plan.sub.pk not in found


def test_the_page_works_for_the_public_without_copy_form(client, plan):
    response = _as(client, None).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 fiches trouvées" in html  # guide, its sub-action and sism; not the confidential one
    assert 'aria-current="page">Fiches actions</a>' in html
    assert "Copier dans mon plan" not in html
    assert "Négociation confidentielle" not in html
    assert "CLS d’Albi (test) — Occitanie" in html
    assert "1. Accès aux soins" in html  # the axis of the guide (through its objective)
    assert "Tout public" in html


def test_relevance_puts_title_matches_first(plan, paca, charlie):
    _, _, aix_fiche = paca
    # « CLS Aix » sorts before « CLS d’Albi » by name, but only the Albi fiche has « guide » in its title.
    assert _ids(charlie, q="guide") == [plan.guide.pk, aix_fiche.pk]
    assert _ids(charlie)[:1] == [aix_fiche.pk]  # without words: by contract name


def test_filter_by_public(plan, charlie):
    everyone = Term.objects.get(vocabulary="PUBLIC", label="Tout public")
    assert _ids(charlie, public=str(everyone.pk)) == [plan.guide.pk]


def test_filter_by_intervention_type(plan, charlie):
    coordination = Term.objects.get(vocabulary="INTERVENTION", label="Coordination et animation territoriale")
    plan.sism.intervention_types.add(coordination)
    assert _ids(charlie, intervention=str(coordination.pk)) == [plan.sism.pk]


def test_filter_by_region(plan, paca, charlie):
    _, _, aix_fiche = paca
    occitanie = _ids(charlie, region="76")
    assert plan.guide.pk in occitanie and aix_fiche.pk not in occitanie
    assert _ids(charlie, region="93") == [aix_fiche.pk]


def test_filter_by_kind_and_status(plan, paca, charlie):
    _, _, aix_fiche = paca
    assert _ids(charlie, type="CLSM") == []
    assert _ids(charlie, statut="UPCOMING") == [aix_fiche.pk]
    assert set(_ids(charlie, statut="IN_PROGRESS")) == {plan.guide.pk, plan.sism.pk}


def test_filter_by_socle_follows_the_sections_below(plan, occitanie, charlie):
    theme = RegionalTheme.objects.create(region=occitanie, label="Accès aux soins (socle de test)")
    plan.access.themes.add(theme)
    # guide sits under the objective 1.1 of the axis, its sub-action follows it; the confidential one is
    # hidden and sism belongs to the other axis.
    assert set(_ids(charlie, theme=str(theme.pk))) == {plan.guide.pk, plan.sub.pk}


def test_unknown_filter_values_warn_in_french_and_are_ignored(client, plan, charlie):
    response = _as(client, charlie).get(URL, {"region": "XX", "public": "999999", "statut": "FINI"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Région inconnue : « XX ». Filtre ignoré." in html
    assert "Public cible inconnu : « 999999 ». Filtre ignoré." in html
    assert "Statut de fiche inconnu : « FINI ». Filtre ignoré." in html
    assert plan.guide.pk in _found(response)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"type": "CLSX"}, "Type de contrat inconnu : « CLSX » (attendu : CLS ou CLSM). Filtre ignoré."),
        ({"theme": "abc"}, "Socle thématique inconnu : « abc ». Filtre ignoré."),
        ({"intervention": "99999999999999999999"}, "Type d’intervention inconnu : « 99999999999999999999 »"),
        ({"region": "xx"}, "Région inconnue : « xx ». Filtre ignoré."),
    ],
)
def test_the_page_ignores_and_the_api_refuses_the_same_value_with_the_same_message(
    client, plan, params, message
):
    page = client.get(URL, params)
    assert page.status_code == 200 and message in page.content.decode()
    assert plan.guide.pk in _found(page)
    answer = client.get("/api/plans/fiches", params)
    assert answer.status_code == 422 and message in answer.json()["messages"][0]


def test_results_are_paginated_twenty_per_page(client, paca, charlie):
    contract, axis, _ = paca
    for n in range(21):
        services.create_action(contract, ActionData(title=f"Action de test {n:02d}", section=axis))
    response = _as(client, charlie).get(URL, {"q": "action test"})
    assert response.context["count"] == 21
    assert len(_found(response)) == 20
    html = response.content.decode()
    assert "21 fiches trouvées" in html
    assert 'href="?q=action+test&amp;page=2"' in html
    second = client.get(URL, {"q": "action test", "page": "2"})
    assert len(_found(second)) == 1
    assert set(_found(response)).isdisjoint(_found(second))


# --- Copy -------------------------------------------------------------------------------------------


def test_alice_copies_a_fiche_of_another_contract_into_her_clsm(client, plan, alice, alice_clsm):
    clsm, axis = alice_clsm
    _as(client, alice)
    page = client.get(URL, {"q": "guide"}).content.decode()
    assert "Copier dans mon plan" in page
    assert f'value="{clsm.public_id}:{axis.pk}"' in page
    response = client.post(f"/fiches/{plan.guide.pk}/copier/", {"cible": f"{clsm.public_id}:{axis.pk}"})
    copy = Action.objects.get(contract=clsm)
    assert response.status_code == 302
    assert response.url == copy.get_absolute_url()
    assert copy.copied_from == plan.guide
    assert copy.section == axis
    assert copy.title == plan.guide.title
    assert copy.status == ActionStatus.UPCOMING
    assert copy.pilot_user is None and copy.starts_on is None and not copy.funding.exists()
    assert list(copy.publics.values_list("label", flat=True)) == ["Tout public"]
    assert Indicator.objects.filter(action=copy, name="Guides distribués").exists()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Fiche copiée dans « CLSM d’Albi (test) » : complétez son pilote, ses dates et ses financements."
    ]


def test_charlie_copies_into_his_own_contract_without_axis(client, plan, paca, charlie):
    contract, _, _ = paca
    response = _as(client, charlie).post(
        f"/fiches/{plan.sism.pk}/copier/", {"cible": str(contract.public_id)}
    )
    copy = Action.objects.get(contract=contract, copied_from=plan.sism)
    assert response.status_code == 302 and response.url == copy.get_absolute_url()
    assert copy.section is None
    assert [s.title for s in copy.steps.all()] == ["Programme", "Bilan"]
    assert not copy.steps.filter(is_done=True).exists()


def test_the_copy_form_does_not_offer_the_fiche_own_contract(client, plan, paca, charlie):
    contract, _, aix_fiche = paca
    response = _as(client, charlie).get(URL)
    hits = {hit.action.pk: hit for hit in response.context["page"].object_list}
    assert [c.pk for c, _ in hits[plan.guide.pk].copy_targets] == [contract.pk]
    assert hits[aix_fiche.pk].copy_targets == []


def test_copy_into_a_contract_one_cannot_change_is_forbidden(client, plan, paca, charlie, bob):
    _, _, aix_fiche = paca
    before = Action.objects.count()
    response = _as(client, charlie).post(
        f"/fiches/{aix_fiche.pk}/copier/", {"cible": str(plan.contract.public_id)}
    )
    assert response.status_code == 403
    assert "seul·e son ou sa coordinateur·rice modifie son plan" in response.content.decode()
    response = _as(client, bob).post(
        f"/fiches/{aix_fiche.pk}/copier/", {"cible": str(plan.contract.public_id)}
    )
    assert response.status_code == 403
    assert Action.objects.count() == before


def test_copy_into_an_invisible_or_malformed_target_is_forbidden(client, plan, charlie, alice_clsm):
    clsm, _ = alice_clsm
    before = Action.objects.count()
    _as(client, charlie)
    assert client.post(f"/fiches/{plan.guide.pk}/copier/", {"cible": str(clsm.public_id)}).status_code == 403
    assert client.post(f"/fiches/{plan.guide.pk}/copier/", {"cible": "pas-un-uuid"}).status_code == 403
    assert Action.objects.count() == before


def test_copy_of_a_confidential_or_unpublished_fiche_answers_404(client, plan, alice, alice_clsm, paca):
    clsm, axis = alice_clsm
    draft_fiche = services.create_action(clsm, ActionData(title="Brouillon", section=axis))
    paca_contract, _, _ = paca
    before = Action.objects.count()
    _as(client, alice)
    assert client.post(f"/fiches/{plan.secret.pk}/copier/", {"cible": str(clsm.public_id)}).status_code == 404
    assert (
        client.post(f"/fiches/{draft_fiche.pk}/copier/", {"cible": str(plan.contract.public_id)}).status_code
        == 404
    )
    services.trash_action(plan.sism)
    assert client.post(f"/fiches/{plan.sism.pk}/copier/", {"cible": str(clsm.public_id)}).status_code == 404
    assert Action.objects.count() == before


def test_copy_into_its_own_contract_is_refused_in_french(client, plan, alice):
    before = Action.objects.count()
    response = _as(client, alice).post(
        f"/fiches/{plan.guide.pk}/copier/",
        {"cible": str(plan.contract.public_id), "retour": "q=guide&page=1"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "La fiche n’a pas été copiée" in html
    assert "« 1. Guide santé du territoire » est déjà une fiche du contrat « CLS d’Albi (test) »" in html
    assert response.context["filters"].text == "guide"  # the search is kept
    assert Action.objects.count() == before


def test_copy_with_an_axis_of_another_plan_or_no_choice_is_refused(client, plan, alice, alice_clsm):
    clsm, _ = alice_clsm
    before = Action.objects.count()
    _as(client, alice)
    response = client.post(
        f"/fiches/{plan.guide.pk}/copier/", {"cible": f"{clsm.public_id}:{plan.access.pk}"}
    )
    assert response.status_code == 400
    assert (
        "L’axe choisi n’appartient pas au plan du contrat « CLSM d’Albi (test) »."
        in response.content.decode()
    )
    response = client.post(f"/fiches/{plan.guide.pk}/copier/", {"cible": ""})
    assert response.status_code == 400
    assert "Choisissez le contrat" in response.content.decode()
    assert Action.objects.count() == before


def test_copy_needs_a_session_and_a_post(client, plan, alice, alice_clsm):
    clsm, _ = alice_clsm
    response = _as(client, None).post(f"/fiches/{plan.guide.pk}/copier/", {"cible": str(clsm.public_id)})
    assert response.status_code == 302 and "/comptes/connexion/" in response.url
    assert _as(client, alice).get(f"/fiches/{plan.guide.pk}/copier/").status_code == 405
    assert not Action.objects.filter(contract=clsm).exists()
