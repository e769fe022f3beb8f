"""The plans API: the tree, a fiche, the funding, the search, creating a fiche and recording a value, with
the permissions of the pages (404 for what one may not see, 403 for what one may not change, 422 listing
every problem in French with nothing written)."""

import pytest

from santelocale.contracts.enums import ContractKind
from santelocale.indicators.models import IndicatorValue
from santelocale.plans import services
from santelocale.plans.models import Action, Term
from santelocale.plans.services import SectionData

pytestmark = pytest.mark.django_db

API = "/api/plans"


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def _fiche_ids(tree) -> set[int]:
    ids = set()
    for fiche in tree["unassigned"] + [f for s in tree["sections"] for f in s["fiches"]]:
        ids.add(fiche["id"])
        ids |= {sub["id"] for sub in fiche["sub_actions"]}
    return ids


# --- Reading ----------------------------------------------------------------------------------------


def test_the_tree_hides_confidential_fiches_from_the_public(client, plan, alice):
    url = f"{API}/{plan.contract.public_id}"
    public = _as(client, None).get(url)
    assert public.status_code == 200
    tree = public.json()
    assert _fiche_ids(tree) == {plan.guide.pk, plan.sub.pk, plan.sism.pk}
    assert tree["can_change"] is False
    insider = _as(client, alice).get(url).json()
    assert _fiche_ids(insider) == {plan.guide.pk, plan.sub.pk, plan.sism.pk, plan.secret.pk}
    assert insider["can_change"] is True


def test_the_tree_describes_sections_fiches_and_sub_actions(client, plan, occitanie):
    from santelocale.contracts.models import RegionalTheme

    theme = RegionalTheme.objects.create(region=occitanie, label="Accès aux soins (socle de test)")
    plan.access.themes.add(theme)
    tree = client.get(f"{API}/{plan.contract.public_id}").json()
    assert tree["contract"] == {"id": str(plan.contract.public_id), "name": "CLS d’Albi (test)"}
    sections = {s["id"]: s for s in tree["sections"]}
    assert [s["id"] for s in tree["sections"]] == [plan.access.pk, plan.objective.pk, plan.mental.pk]
    access, objective, mental = (
        sections[plan.access.pk],
        sections[plan.objective.pk],
        sections[plan.mental.pk],
    )
    assert access["themes"] == [{"id": theme.pk, "label": theme.label}]
    assert access["kind"] == "AXIS" and access["depth"] == 0
    assert objective["parent_id"] == plan.access.pk and objective["kind_label"] == "Objectif général"
    assert mental["is_mental_health_volet"] is True and mental["progress"] == 50
    [guide] = objective["fiches"]
    assert guide["title"] == "Guide santé du territoire"
    assert guide["status"] == "IN_PROGRESS" and guide["status_label"] == "En cours"
    # The public reads the pilot's service (none here), not the person (docs/permissions.md).
    assert guide["priority"] == "HIGH" and guide["pilot"] == "Pilote désigné"
    assert guide["progress"] == 40 and guide["starts_on"] == "2024-03-01"
    assert [sub["title"] for sub in guide["sub_actions"]] == ["Diffusion en mairie"]
    [sism] = mental["fiches"]
    assert sism["is_late"] is True


def test_an_unpublished_contract_answers_404_to_outsiders(client, make_contract, alice, charlie):
    clsm = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)")
    url = f"{API}/{clsm.public_id}"
    response = _as(client, charlie).get(url)
    assert response.status_code == 404
    assert response.json()["detail"] == "Aucun contrat visible ne porte cet identifiant."
    assert _as(client, alice).get(url).status_code == 200


def test_fiche_detail_follows_confidentiality(client, plan, alice, charlie):
    secret = f"{API}/{plan.contract.public_id}/fiches/{plan.secret.pk}"
    for user in (None, charlie):
        response = _as(client, user).get(secret)
        assert response.status_code == 404
        assert response.json()["detail"] == "Ce contrat n’a pas de fiche visible portant cet identifiant."
    body = _as(client, alice).get(secret).json()
    assert body["is_confidential"] is True and body["title"] == "Négociation confidentielle (fictif)"


def test_fiche_detail_has_every_part(client, plan):
    body = client.get(f"{API}/{plan.contract.public_id}/fiches/{plan.guide.pk}").json()
    assert body["section"] == {"id": plan.objective.pk, "label": "1.1. Rendre l’offre lisible"}
    assert body["axis"] == {"id": plan.access.pk, "label": "1. Accès aux soins"}
    assert body["description"] == "Un guide des lieux de soins et d’accès aux droits."
    assert [t["label"] for t in body["publics"]] == ["Tout public"]
    assert {(f["funder_kind"], f["planned"], f["spent"]) for f in body["funding"]} == {
        ("ARS", 12000.0, 8000.0),
        ("COLLECTIVITY", 3000.0, None),
    }
    [indicator] = body["indicators"]
    assert indicator["name"] == "Guides distribués"
    assert indicator["values"] == [
        {
            "period": "2025",
            "target": 500.0,
            "actual": 350.0,
            "numerator": None,
            "denominator": None,
            "comment": "",
            "source": "Ville d’Albi",
            "version": 1,
        }
    ]
    assert [s["title"] for s in body["sub_actions"]] == ["Diffusion en mairie"]
    assert body["can_change"] is False
    sism = client.get(f"{API}/{plan.contract.public_id}/fiches/{plan.sism.pk}").json()
    assert [(s["title"], s["is_done"]) for s in sism["steps"]] == [("Programme", True), ("Bilan", False)]
    assert sism["progress"] == 50


def test_a_fiche_of_another_contract_answers_404(client, plan, make_contract, alice):
    clsm = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)", is_published=True)
    response = _as(client, alice).get(f"{API}/{clsm.public_id}/fiches/{plan.guide.pk}")
    assert response.status_code == 404


def test_funding_summary(client, plan, alice):
    body = client.get(f"{API}/{plan.contract.public_id}/financements").json()
    assert body["total"]["planned"] == 15000.0 and body["total"]["spent"] == 8000.0
    assert [row["label"] for row in body["by_funder"]] == ["ARS", "Ville d’Albi"]
    assert body["by_year"][0]["year"] == 2025
    assert body["line_count"] == 2


def test_search_uses_the_same_service_as_the_page(client, plan):
    body = client.get(f"{API}/fiches", {"q": "GUIDE SANTÉ"}).json()
    assert body["count"] == 1 and body["page_count"] == 1
    [hit] = body["results"]
    assert hit["id"] == plan.guide.pk
    assert hit["contract"]["name"] == "CLS d’Albi (test)" and hit["region"] == "Occitanie"
    assert hit["axis"] == "1. Accès aux soins" and hit["publics"] == ["Tout public"]
    assert hit["url"] == plan.guide.get_absolute_url()
    assert client.get(f"{API}/fiches", {"q": "negociation"}).json()["count"] == 0
    public = Term.objects.get(vocabulary="PUBLIC", label="Tout public")
    assert [h["id"] for h in client.get(f"{API}/fiches", {"public": public.pk}).json()["results"]] == [
        plan.guide.pk
    ]
    assert client.get(f"{API}/fiches", {"region": "93"}).json()["count"] == 0


def test_search_refuses_unknown_filter_values(client, plan):
    response = client.get(f"{API}/fiches", {"region": "XX", "theme": "abc"})
    assert response.status_code == 422
    messages = response.json()["messages"]
    assert "Région inconnue : « XX ». Filtre ignoré." in messages
    assert "Socle thématique inconnu : « abc ». Filtre ignoré." in messages


# --- Creating a fiche -------------------------------------------------------------------------------


def test_the_coordinator_creates_a_fiche(client, plan, alice):
    public = Term.objects.get(vocabulary="PUBLIC", label="Enfants")
    payload = {
        "title": "Ateliers nutrition",
        "section": plan.mental.pk,
        "number": "4",
        "status": "UPCOMING",
        "budget": "2500.50",
        "starts_on": "2026-01-01",
        "publics": [public.pk],
        "communes": ["81004"],
    }
    response = _post(_as(client, alice), f"{API}/{plan.contract.public_id}/fiches", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    action = Action.objects.get(pk=body["id"])
    assert action.contract == plan.contract and action.section == plan.mental
    assert str(action.budget) == "2500.50" and body["budget"] == 2500.5
    assert [t.label for t in action.publics.all()] == ["Enfants"]
    assert body["communes"] == [{"code": "81004", "name": "Albi"}]
    assert action.search_text.startswith(" 4 ateliers nutrition")


def test_a_sub_action_through_the_api(client, plan, alice):
    response = _post(
        _as(client, alice),
        f"{API}/{plan.contract.public_id}/fiches",
        {"title": "Traduction du guide", "parent": plan.guide.pk, "budget": 300},
    )
    assert response.status_code == 201, response.content
    action = Action.objects.get(pk=response.json()["id"])
    assert action.parent == plan.guide and action.section == plan.objective


def test_a_too_long_title_is_refused_in_french_and_nothing_is_written(client, plan, alice):
    before = Action.objects.count()
    response = _post(_as(client, alice), f"{API}/{plan.contract.public_id}/fiches", {"title": "x" * 301})
    assert response.status_code == 422
    assert (
        response.json()["detail"]
        == "Requête invalide : corps de la requête « title » : 300 caractères au plus."
    )
    assert Action.objects.count() == before


def test_every_problem_is_listed(client, plan, alice, make_contract):
    other = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)")
    foreign_axis = services.save_section(other, SectionData(title="Ailleurs"))
    before = Action.objects.count()
    response = _post(
        _as(client, alice),
        f"{API}/{plan.contract.public_id}/fiches",
        {"title": "Fiche", "section": foreign_axis.pk, "publics": [999999], "communes": ["99999"]},
    )
    assert response.status_code == 422
    assert response.json()["messages"] == [
        f"Axe ou objectif inconnu dans ce contrat : {foreign_axis.pk}.",
        "Terme(s) inconnu(s) de la liste « Public cible » : 999999.",
        "Commune(s) inconnue(s) : 99999.",
    ]
    response = _post(
        client,
        f"{API}/{plan.contract.public_id}/fiches",
        {"title": "Fiche", "starts_on": "2026-05-01", "ends_on": "2026-01-01", "status": "FINI"},
    )
    assert response.status_code == 422
    assert response.json()["messages"] == [
        "Statut inconnu : « FINI ».",
        "La date de fin (01/01/2026) précède la date de début (01/05/2026).",
    ]
    assert Action.objects.count() == before


def test_only_the_coordinator_creates_fiches(client, plan, bob, pierre):
    before = Action.objects.count()
    url = f"{API}/{plan.contract.public_id}/fiches"
    for user in (bob, pierre):
        response = _post(_as(client, user), url, {"title": "Fiche"})
        assert response.status_code == 403
        assert (
            response.json()["detail"]
            == "Seul·e le ou la coordinateur·rice du contrat modifie son plan d’action."
        )
    assert _post(_as(client, None), url, {"title": "Fiche"}).status_code == 401
    assert Action.objects.count() == before


def test_a_confidential_fiche_created_by_the_coordinator_stays_hidden(client, plan, alice):
    response = _post(
        _as(client, alice),
        f"{API}/{plan.contract.public_id}/fiches",
        {"title": "Interne", "is_confidential": True},
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    assert _as(client, None).get(f"{API}/{plan.contract.public_id}/fiches/{pk}").status_code == 404


# --- Indicator values -------------------------------------------------------------------------------


def _values_url(plan):
    return f"{API}/{plan.contract.public_id}/indicateurs/{plan.indicator.pk}/valeurs"


def test_the_pilot_records_then_replaces_a_value(client, plan, pierre):
    _as(client, pierre)
    response = _post(client, _values_url(plan), {"period": "2026", "target": 600, "actual": "420.5"})
    assert response.status_code == 201, response.content
    assert response.json()["actual"] == 420.5 and response.json()["target"] == 600.0
    version = response.json()["version"]
    response = _post(client, _values_url(plan), {"period": "2026", "actual": 450, "version": version})
    assert response.status_code == 200
    value = IndicatorValue.objects.get(indicator=plan.indicator, period="2026")
    assert value.actual == 450 and value.target is None


def test_someone_else_may_not_record_a_value(client, plan, charlie, bob):
    for user in (charlie, bob):
        response = _post(_as(client, user), _values_url(plan), {"period": "2026", "actual": 1})
        assert response.status_code == 403
        assert "saisit les valeurs de cet indicateur" in response.json()["detail"]
    assert not IndicatorValue.objects.filter(period="2026").exists()


def test_a_bad_period_is_refused_in_french(client, plan, alice):
    response = _post(_as(client, alice), _values_url(plan), {"period": "2026-13", "actual": 1})
    assert response.status_code == 422
    assert response.json()["messages"][0].startswith("Période invalide : « 2026-13 »")
    response = _post(client, _values_url(plan), {"period": "2026"})
    assert response.json()["messages"] == ["Saisissez au moins une cible ou une valeur constatée."]
    assert plan.indicator.values.count() == 1


def test_an_indicator_of_a_hidden_fiche_answers_404(client, plan, charlie):
    from santelocale.indicators.services import add_indicator

    hidden = add_indicator(plan.contract, name="Réunions", kind="PROCESS", action=plan.secret)
    url = f"{API}/{plan.contract.public_id}/indicateurs/{hidden.pk}/valeurs"
    assert _post(_as(client, charlie), url, {"period": "2026", "actual": 1}).status_code == 404
    url = f"{API}/{plan.contract.public_id}/indicateurs/999999/valeurs"
    assert _post(client, url, {"period": "2026", "actual": 1}).status_code == 404


def test_the_schema_lists_the_plans_operations(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {
        "/api/plans/fiches",
        "/api/plans/{public_id}",
        "/api/plans/{public_id}/fiches/{pk}",
        "/api/plans/{public_id}/financements",
        "/api/plans/{public_id}/fiches",
        "/api/plans/{public_id}/indicateurs/{indicator_id}/valeurs",
    } <= set(paths)
    assert paths["/api/plans/{public_id}"]["get"]["tags"] == ["Plans d’action"]


def test_a_copied_fiche_names_its_source(client, plan, alice, make_contract):
    clsm = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)")
    copy = services.copy_action(plan.guide, clsm)
    body = _as(client, alice).get(f"{API}/{clsm.public_id}/fiches/{copy.pk}").json()
    assert body["copied_from"] == {"id": plan.guide.pk, "label": "1. Guide santé du territoire"}
    assert body["source"].startswith("Copiée de « 1. Guide santé du territoire »")
    page = client.get(copy.get_absolute_url()).content.decode()
    assert f'href="{plan.guide.get_absolute_url()}"' in page
    services.trash_action(plan.guide)
    body = client.get(f"{API}/{clsm.public_id}/fiches/{copy.pk}").json()
    assert body["copied_from"] is None  # a binned source is no longer named: not by the API, not by the page
    page = client.get(copy.get_absolute_url()).content.decode()
    assert copy.title in page and f'href="{plan.guide.get_absolute_url()}"' not in page
