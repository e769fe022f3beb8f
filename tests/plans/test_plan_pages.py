"""The pages of a whole plan (tree, table and CSV, timeline, funding, indicators, bin, axes and objectives)
through the Django test client, with the personas: who sees what (confidential fiches), filters, figures,
and the French refusals that write nothing."""

import datetime
import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from santelocale.contracts.enums import ContractKind, Status
from santelocale.indicators.models import Indicator, IndicatorValue
from santelocale.plans import services
from santelocale.plans.enums import SectionKind
from santelocale.plans.models import Section
from santelocale.plans.progress import plan_overview
from santelocale.plans.services import ActionData, FundingData

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Négociation confidentielle (fictif)"


def _url(name, plan, *args):
    return reverse(f"plans:{name}", args=[plan.contract.public_id, *args])


def _get(client, user, url, status=200):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def _rows(html: str) -> set[int]:
    """The fiches listed by the table (their primary keys)."""
    return {int(pk) for pk in re.findall(r'<tr data-fiche="(\d+)"', html)}


# --- Tree ---------------------------------------------------------------------------------------------


def test_tree_shows_axes_objectives_and_fiches_to_the_coordinator(client, alice, plan):
    html = _get(client, alice, _url("tree", plan))
    assert "<h1" in html and "Arborescence" in html
    for text in (
        "Accès aux soins",
        "Rendre l’offre lisible",
        "Santé mentale",
        "Guide santé du territoire",
        "Semaines d’information sur la santé mentale",
        "Diffusion en mairie",  # the sub-action, under its fiche
        SECRET_TITLE,
    ):
        assert text in html, text
    # Axes are h2 — each the title of a folded DSFR accordion, with its count and progress —, the objective
    # one level below.
    assert re.search(
        r'<h2 class="fr-accordion__title">\s*<button type="button" class="fr-accordion__btn" '
        r'aria-expanded="false"[^>]*>.*?Axe 1 :.*?Accès aux soins.*?2 fiches, avancement 40 %'
        r".*?</button>\s*</h2>",
        html,
        re.S,
    )
    assert re.search(r"<h3[^>]*>.*Objectif général 1\.1 :.*Rendre l’offre lisible</h3>", html, re.S)
    assert "Volet santé mentale" in html
    assert "Sans pilote" in html and "En retard" in html and "Confidentielle" in html
    assert "Pilote : Coordinatrice CLSM" in html
    assert "Avancement : 40 %" in html and "Avancement : 45 %" in html  # fiche guide, contract
    assert 'aria-label="Avancement du contrat"' in html
    # Headline figures link to the filtered table.
    table = _url("table", plan)
    assert f'href="{table}?retard=1"' in html and f'href="{table}?sans_pilote=1"' in html
    # The coordinator's buttons.
    assert "Ajouter un axe" in html
    assert _url("action_create", plan) + f"?section={plan.mental.pk}" in html
    assert _url("section_create", plan) + f"?parent={plan.access.pk}" in html
    assert _url("section_delete", plan, plan.access.pk) in html
    # The sub-action sits inside its fiche's item.
    guide_item = html.split(f'id="fiche-{plan.guide.pk}"')[1].split(f'id="fiche-{plan.secret.pk}"')[0]
    assert "Diffusion en mairie" in guide_item


def test_tree_shows_the_socles_of_an_axis(client, alice, plan):
    theme = plan.contract.region.themes.first()
    if theme is None:
        pytest.skip("no socle seeded for Occitanie")
    plan.access.themes.add(theme)
    html = _get(client, alice, _url("tree", plan))
    assert f"Socle : {theme.label}" in html


@pytest.mark.parametrize(
    "persona, sees", [(None, False), ("charlie", False), ("bob", False), ("regine", True), ("alice", True)]
)
def test_confidential_fiche_only_for_insiders(client, plan, persona, sees, request):
    user = request.getfixturevalue(persona) if persona else None
    tree = _get(client, user, _url("tree", plan))
    table = _get(client, user, _url("table", plan))
    assert "Guide santé du territoire" in tree
    assert (SECRET_TITLE in tree) is sees
    assert (SECRET_TITLE in table) is sees
    assert ("Ajouter un axe" in tree) is (persona == "alice")


def test_sub_action_of_a_confidential_fiche_is_hidden_with_it(client, plan, charlie):
    services.create_action(plan.contract, ActionData(title="Relance discrète", parent=plan.secret))
    assert "Relance discrète" not in _get(client, None, _url("tree", plan))
    assert "Relance discrète" not in _get(client, charlie, _url("timeline", plan))


def test_empty_plan_explains_and_offers_to_start(client, alice, bob, make_contract):
    contract = make_contract(status=Status.IMPLEMENTATION, name="CLS vide (test)", is_published=True)
    url = reverse("plans:tree", args=[contract.public_id])
    html = _get(client, alice, url)
    assert "Ce plan d’action est vide" in html
    assert reverse("plans:section_create", args=[contract.public_id]) in html
    assert reverse("plans:import", args=[contract.public_id]) in html
    html = _get(client, bob, url)
    assert "Ce plan d’action est vide" in html
    assert reverse("plans:import", args=[contract.public_id]) not in html


# --- Table --------------------------------------------------------------------------------------------


def test_table_lists_the_fiches_not_the_sub_actions(client, alice, plan):
    html = _get(client, alice, _url("table", plan))
    assert _rows(html) == {plan.guide.pk, plan.secret.pk, plan.sism.pk}
    assert "<caption>" in html and "3 résultats" in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("statut=BLOCKED", {"secret"}),
        ("retard=1", {"sism"}),
        ("sans_pilote=1", {"secret"}),
        ("q=sante+mentale", {"sism"}),  # accent-insensitive
        ("q=Santé", {"guide", "sism"}),  # « Guide santé du territoire », « … santé mentale »
        ("pilote=pierre", {"guide"}),
        ("priorite=HIGH", {"guide"}),
        ("confidentielle=1", {"secret"}),
        ("axe={access}", {"guide", "secret"}),  # the axis and its objective
        ("axe={objective}", {"guide"}),
        ("axe={mental}", {"sism"}),
        ("statut=IN_PROGRESS&axe={access}", {"guide"}),
    ],
)
def test_table_filters(client, alice, plan, query, expected):
    query = query.format(access=plan.access.pk, objective=plan.objective.pk, mental=plan.mental.pk)
    html = _get(client, alice, _url("table", plan) + "?" + query)
    assert _rows(html) == {getattr(plan, name).pk for name in expected}
    assert "correspondant aux filtres" in html
    assert "ignoré" not in html


def test_table_filters_keep_confidential_fiches_from_outsiders(client, charlie, plan):
    assert _rows(_get(client, charlie, _url("table", plan) + "?statut=BLOCKED")) == set()
    assert _rows(_get(client, None, _url("table", plan) + "?sans_pilote=1")) == set()


def test_unknown_filter_values_are_reported_and_ignored(client, alice, plan):
    html = _get(client, alice, _url("table", plan) + "?statut=PERDU&axe=999999&priorite=HIGH")
    assert "Filtre « Statut » ignoré : valeur inconnue « PERDU »." in html
    assert "Filtre « Axe ou objectif » ignoré : valeur inconnue « 999999 »." in html
    assert _rows(html) == {plan.guide.pk}  # the valid filter still applies


def test_table_sorts_by_progress_both_ways_unknown_last(client, alice, plan):
    def order(sort):
        html = _get(client, alice, _url("table", plan) + f"?tri={sort}")
        return [int(pk) for pk in re.findall(r'<tr data-fiche="(\d+)"', html)]

    assert order("avancement") == [plan.guide.pk, plan.sism.pk, plan.secret.pk]  # 40, 50, unknown
    assert order("-avancement") == [plan.sism.pk, plan.guide.pk, plan.secret.pk]
    assert order("-numero") == [plan.sism.pk, plan.secret.pk, plan.guide.pk]
    html = _get(client, alice, _url("table", plan) + "?tri=avancement")
    assert 'aria-sort="ascending"' in html and "tri=-avancement" in html


def test_table_csv_holds_the_filtered_rows(client, alice, plan):
    client.force_login(alice)
    response = client.get(_url("table", plan) + f"?axe={plan.access.pk}&tri=numero&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").strip().split("\r\n")
    assert lines[0].startswith("Numéro;Titre;Axe ou objectif;Statut")
    assert len(lines) == 3
    assert lines[1].startswith(
        "1;Guide santé du territoire;1.1. Rendre l’offre lisible;En cours;Élevé;Pierre;"
    )
    assert "01/03/2024;31/12/2027" in lines[1] and ";40;" in lines[1]
    assert lines[2].startswith(f"2;{SECRET_TITLE};1. Accès aux soins;Bloqué")


def test_public_csv_has_no_confidential_fiche(client, plan):
    response = client.get(_url("table", plan) + "?format=csv")
    text = response.content.decode("utf-8")
    assert "Guide santé du territoire" in text and SECRET_TITLE not in text


# --- Timeline -----------------------------------------------------------------------------------------


def test_timeline_places_each_dated_fiche(client, alice, plan):
    html = _get(client, alice, _url("timeline", plan))
    bars = re.findall(r'class="sl-gantt__bar[^"]*" style="left: ([\d.]+)%; width: ([\d.]+)%"', html)
    assert len(bars) == 2  # guide and sism; secret and the sub-action have no dates
    # Period shown: 2024-01-01 → 2029-01-01 (1 827 days). Guide: 2024-03-01 → 2027-12-31.
    assert ("3.28", "76.68") in bars  # 60 / 1827, 1401 / 1827
    # sism: 2024-09-01 → 2025-06-30: 244 / 1827 and 303 / 1827.
    assert ("13.36", "16.58") in bars
    assert "du 01/03/2024 au 31/12/2027" in html
    assert "du 01/09/2024 au 30/06/2025" in html
    assert "<caption>Calendrier des fiches actions, 2024–2028</caption>" in html
    assert all(f">{year}</span>" in html for year in range(2024, 2029))
    # Undated fiches are listed apart; the late fiche is said late in words.
    undated = html.split('id="undated-list"')[1]
    assert SECRET_TITLE in undated and "Diffusion en mairie" in undated
    sism_row = html.split(f'data-fiche="{plan.sism.pk}"')[1].split("</tr>")[0]
    assert "En retard" in sism_row and "sl-gantt__bar--late" in sism_row
    assert 'scope="rowgroup"' in html and "Axe 1. Accès aux soins" in html


def test_timeline_continuous_fiche_runs_to_the_end(client, alice, plan):
    plan.guide.is_continuous = True
    plan.guide.ends_on = None
    plan.guide.save()
    html = _get(client, alice, _url("timeline", plan))
    row = html.split(f'data-fiche="{plan.guide.pk}"')[1].split("</tr>")[0]
    assert 'style="left: 3.28%; width: 96.72%"' in row
    assert "sl-gantt__bar--continuous" in row and "amélioration continue" in row
    assert "à partir du 01/03/2024, en amélioration continue" in row


def test_timeline_without_contract_dates_uses_the_fiches_span(client, alice, plan):
    plan.contract.starts_on = plan.contract.ends_on = None
    plan.contract.save()
    html = _get(client, alice, _url("timeline", plan))
    assert "<caption>Calendrier des fiches actions, 2024–2027</caption>" in html


def test_timeline_widens_to_fiches_outside_the_contract_and_flags_them(client, alice, plan):
    # The contract runs 2024-2028. The guide started in 2022; the SISM's end was typed as 2045.
    plan.guide.starts_on = datetime.date(2022, 1, 1)
    plan.guide.save()
    plan.sism.ends_on = datetime.date(2045, 6, 30)
    plan.sism.save()
    html = _get(client, alice, _url("timeline", plan))
    # Shown from 2022 (the guide, two years before: no sliver at the edge) to 2033 (five years at most
    # after the contract: the sism is cut there, with a note).
    assert "<caption>Calendrier des fiches actions, 2022–2033</caption>" in html
    guide = html.split(f'data-fiche="{plan.guide.pk}"')[1].split("</tr>")[0]
    assert 'class="sl-gantt__bar" style="left: 0.00%;' in guide
    assert "Hors période du contrat" in guide and "en dehors de la période du contrat, 2024-2028" in guide
    assert "commence avant la période affichée" not in guide
    sism = html.split(f'data-fiche="{plan.sism.pk}"')[1].split("</tr>")[0]
    assert "Hors période du contrat" in sism and "se poursuit après la période affichée" in sism
    # The contract’s period is drawn as a band: 2024-01-10 → 2028-12-31 within 2022 → 2034 (4,383 days).
    assert 'class="sl-gantt__period" style="left: 16.86%; width: 41.48%"' in html
    assert "période du contrat, du 10/01/2024 au 31/12/2028" in html


def test_timeline_marks_today(client, alice, plan):
    html = _get(client, alice, _url("timeline", plan))
    today = datetime.date.today()
    if 2024 <= today.year <= 2028:
        assert "aujourd’hui" in html and "sl-gantt__today" in html
        assert today.strftime("%d/%m/%Y") in html


# --- Funding ------------------------------------------------------------------------------------------


def test_funding_page_consolidates_and_details(client, alice, plan):
    html = _get(client, alice, _url("funding", plan))
    assert "15\xa0000 €" in html  # total planned
    assert "12\xa0000 €" in html and "8\xa0000 €" in html and "3\xa0000 €" in html
    assert "53 %" in html  # 8 000 spent of 15 000
    assert "Ville d’Albi" in html and "M1 — Prévention" in html
    assert "Total en euros" in html
    assert "<caption>Financements par financeur</caption>" in html
    assert "<caption>Financements par année</caption>" in html
    assert ">2025<" in html


def test_funding_of_confidential_fiches_only_for_insiders(client, plan, diane, charlie):
    services.save_funding_line(
        plan.secret, FundingData(funder_kind="STATE", year=2025, planned=Decimal(1000))
    )
    services.save_funding_line(
        plan.guide, FundingData(funder_kind="CAF", year=2026, planned=Decimal(2), unit="FTE")
    )
    assert "16\xa0000 €" in _get(client, diane, _url("funding", plan))
    html = _get(client, charlie, _url("funding", plan))
    assert "16\xa0000 €" not in html and "15\xa0000 €" in html
    assert SECRET_TITLE not in html
    assert "ne sont comptées que pour les éditeurs des porteurs et l’ARS" in html
    assert "Total en ETP" in html


# --- Indicators ---------------------------------------------------------------------------------------


def _value_post(indicator, **values):
    return {f"valeur-{indicator.pk}-{name}": value for name, value in values.items()}


def test_indicators_page_shows_values_and_verdicts(client, bob, plan):
    contract_level = Indicator.objects.create(contract=plan.contract, name="Habitants touchés", kind="RESULT")
    html = _get(client, bob, _url("indicators", plan))
    assert "Guides distribués" in html and "Habitants touchés" in html
    assert "Fiche « 1. Guide santé du territoire »" in html
    assert html.index("Habitants touchés") < html.index("Guides distribués")  # contract first
    assert "Cible non atteinte" in html  # 350 for a target of 500, improving upwards
    assert ">500<" in html and ">350<" in html
    assert "Saisir une valeur" not in html  # bob only reads
    assert contract_level.pk


def test_pilot_records_a_value_of_their_fiche_indicator(client, pierre, plan):
    client.force_login(pierre)
    page = _get(client, pierre, _url("indicators", plan))
    assert "Saisir une valeur" in page
    response = client.post(
        _url("value_add", plan, plan.indicator.pk),
        _value_post(plan.indicator, period="2026", target="600", actual="612,5", source="Mairie"),
    )
    assert response.status_code == 302
    assert response["Location"].endswith(_url("indicators", plan) + f"#indicateur-{plan.indicator.pk}")
    value = IndicatorValue.objects.get(indicator=plan.indicator, period="2026")
    assert (value.target, value.actual, value.source) == (Decimal(600), Decimal("612.5"), "Mairie")
    assert "Cible atteinte" in _get(client, pierre, _url("indicators", plan))


def test_other_coordinator_may_not_record_a_value(client, charlie, plan):
    client.force_login(charlie)
    response = client.post(
        _url("value_add", plan, plan.indicator.pk), _value_post(plan.indicator, period="2026", actual="1")
    )
    assert response.status_code == 403
    assert not IndicatorValue.objects.filter(indicator=plan.indicator, period="2026").exists()


def test_anonymous_is_sent_to_log_in_to_record_a_value(client, plan):
    response = client.post(
        _url("value_add", plan, plan.indicator.pk), _value_post(plan.indicator, period="2026", actual="1")
    )
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]


def test_bad_period_is_refused_in_french_and_nothing_written(client, pierre, plan):
    client.force_login(pierre)
    before = IndicatorValue.objects.count()
    response = client.post(
        _url("value_add", plan, plan.indicator.pk),
        _value_post(plan.indicator, period="l’an prochain", actual="abc"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Période invalide : « l’an prochain »" in html or "n’est pas un nombre" in html
    assert "fr-alert--error" in html and "l’an prochain" in html  # the input is kept
    assert IndicatorValue.objects.count() == before

    response = client.post(
        _url("value_add", plan, plan.indicator.pk), _value_post(plan.indicator, period="2026-S3", actual="4")
    )
    assert response.status_code == 400
    assert "Période invalide : « 2026-S3 »" in response.content.decode()
    assert IndicatorValue.objects.count() == before


def test_coordinator_adds_an_axis_indicator(client, alice, plan):
    client.force_login(alice)
    response = client.post(
        _url("indicators", plan),
        {
            "indicateur-name": "Délai moyen de rendez-vous",
            "indicateur-section": str(plan.access.pk),
            "indicateur-kind": "RESULT",
            "indicateur-unit": "jours",
            "indicateur-direction": "DOWN",
            "indicateur-baseline": "45",
            "indicateur-baseline_period": "2023",
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(name="Délai moyen de rendez-vous")
    assert (indicator.section, indicator.action, indicator.baseline) == (plan.access, None, Decimal(45))
    html = _get(client, alice, _url("indicators", plan))
    assert "Axe « 1. Accès aux soins »" in html


def test_indicator_refusals(client, alice, bob, plan):
    client.force_login(alice)
    response = client.post(
        _url("indicators", plan),
        {
            "indicateur-name": "Guides distribués",
            "indicateur-kind": "NOPE",
            "indicateur-baseline_period": "x",
        },
    )
    assert response.status_code == 400
    assert "fr-alert--error" in response.content.decode()
    assert Indicator.objects.filter(contract=plan.contract).count() == 1
    client.force_login(bob)
    response = client.post(_url("indicators", plan), {"indicateur-name": "X", "indicateur-kind": "RESULT"})
    assert response.status_code == 403
    assert Indicator.objects.filter(contract=plan.contract).count() == 1


def test_indicator_of_a_confidential_fiche_is_hidden_from_outsiders(client, charlie, diane, plan):
    from santelocale.indicators.services import add_indicator

    hidden = add_indicator(plan.contract, name="Accords signés (fictif)", kind="PROCESS", action=plan.secret)
    assert "Accords signés (fictif)" not in _get(client, charlie, _url("indicators", plan))
    assert "Accords signés (fictif)" in _get(client, diane, _url("indicators", plan))
    client.force_login(charlie)
    response = client.post(_url("value_add", plan, hidden.pk), _value_post(hidden, period="2026", actual="1"))
    assert response.status_code == 404


# --- Axes and objectives ------------------------------------------------------------------------------


def test_coordinator_creates_updates_and_deletes_a_section(client, alice, plan):
    client.force_login(alice)
    html = _get(client, alice, _url("section_create", plan) + f"?parent={plan.mental.pk}")
    assert f'<option value="{plan.mental.pk}" selected>' in html
    assert 'value="GENERAL" selected' in html and 'value="AXIS"' not in html

    response = client.post(
        _url("section_create", plan),
        {
            "title": "Prévenir le suicide",
            "number": "2.1",
            "parent": str(plan.mental.pk),
            "kind": "GENERAL",
            "prs_objectives": "Réduire la mortalité par suicide\n\nRepérer la crise suicidaire",
            "weight": "1,5",
        },
    )
    assert response.status_code == 302
    section = Section.objects.get(title="Prévenir le suicide")
    assert (section.parent, section.kind, section.weight) == (plan.mental, "GENERAL", Decimal("1.5"))
    assert section.prs_objective_list == ["Réduire la mortalité par suicide", "Repérer la crise suicidaire"]
    assert response["Location"].endswith(f"#section-{section.pk}")

    html = _get(client, alice, _url("section_update", plan, section.pk))
    assert 'value="Prévenir le suicide"' in html
    response = client.post(
        _url("section_update", plan, section.pk),
        {
            "title": "Prévenir le suicide et la crise",
            "parent": str(plan.mental.pk),
            "kind": "SPECIFIC",
            "weight": "1",
        },
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert (section.title, section.kind) == ("Prévenir le suicide et la crise", "SPECIFIC")

    response = client.post(_url("section_delete", plan, section.pk))
    assert response.status_code == 302
    assert not Section.objects.filter(pk=section.pk).exists()


def test_new_axis_at_the_top_level(client, alice, plan):
    client.force_login(alice)
    html = _get(client, alice, _url("section_create", plan))
    assert 'value="AXIS"' in html and 'value="GENERAL"' not in html
    response = client.post(
        _url("section_create", plan),
        {
            "title": "Environnement et santé",
            "number": "3",
            "parent": "",
            "kind": "AXIS",
            "weight": "1",
            "is_mental_health_volet": "",
        },
    )
    assert response.status_code == 302
    axis = Section.objects.get(title="Environnement et santé")
    assert axis.parent is None and axis.kind == SectionKind.AXIS
    assert "Environnement et santé" in _get(client, alice, _url("tree", plan))


def test_section_refusals_are_french_and_write_nothing(client, alice, plan):
    client.force_login(alice)
    count = Section.objects.count()
    response = client.post(
        _url("section_create", plan),
        {"title": "Mal placé", "parent": str(plan.access.pk), "kind": "AXIS", "weight": "1"},
    )
    assert response.status_code == 400
    assert "Un axe est au premier niveau du plan" in response.content.decode()
    response = client.post(
        _url("section_create", plan), {"title": "", "parent": "", "kind": "AXIS", "weight": "0"}
    )
    assert response.status_code == 400
    assert "L’intitulé de l’axe ou de l’objectif est obligatoire." in response.content.decode()
    # A section may not move under its own objective.
    response = client.post(
        _url("section_update", plan, plan.access.pk),
        {"title": "Accès aux soins", "parent": str(plan.objective.pk), "kind": "SUB_AXIS", "weight": "1"},
    )
    assert response.status_code == 400
    plan.access.refresh_from_db()
    assert plan.access.parent is None
    assert Section.objects.count() == count


def test_non_empty_section_is_not_deleted(client, alice, plan):
    client.force_login(alice)
    response = client.post(_url("section_delete", plan, plan.access.pk))
    assert response.status_code == 400
    html = response.content.decode()
    assert "« 1. Accès aux soins » contient encore 1 axe(s) ou objectif(s) et 1 fiche(s)" in html
    assert "fr-alert--error" in html
    assert Section.objects.filter(pk=plan.access.pk).exists()


def test_reader_may_not_change_sections(client, bob, plan):
    client.force_login(bob)
    assert client.get(_url("section_create", plan)).status_code == 403
    response = client.post(_url("section_create", plan), {"title": "X", "kind": "AXIS", "weight": "1"})
    assert response.status_code == 403
    assert client.post(_url("section_delete", plan, plan.objective.pk)).status_code == 403
    assert client.post(_url("section_update", plan, plan.access.pk), {"title": "Y"}).status_code == 403
    assert Section.objects.filter(pk=plan.objective.pk).exists()
    assert not Section.objects.filter(title__in=["X", "Y"]).exists()


def test_section_of_another_contract_is_not_found(client, alice, plan, make_contract):
    other = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)")
    client.force_login(alice)
    url = reverse("plans:section_update", args=[other.public_id, plan.access.pk])
    assert client.get(url).status_code == 404


# --- Bin ----------------------------------------------------------------------------------------------


def test_bin_lists_trashed_fiches_for_the_coordinator_only(client, alice, bob, plan):
    services.trash_action(plan.sism)
    html = _get(client, alice, _url("bin", plan))
    assert "3. Semaines d’information sur la santé mentale" in html
    assert _url("action_restore", plan, plan.sism.pk) in html and "Restaurer" in html
    assert "Guide santé du territoire" not in html
    assert "Semaines d’information" not in _get(client, alice, _url("tree", plan))
    _get(client, bob, _url("bin", plan), status=403)
    client.logout()
    response = client.get(_url("bin", plan))
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]


# --- The contract page's summary ----------------------------------------------------------------------


def test_plan_overview_for_the_contract_page(plan, alice, charlie):
    overview = plan_overview(plan.contract, alice)
    assert overview["action_count"] == 3 and overview["axis_count"] == 2
    assert overview["progress"] == 45 and overview["late_count"] == 1
    assert overview["can_change_plan"] is True
    outsider = plan_overview(plan.contract, charlie)
    assert outsider["action_count"] == 2 and outsider["can_change_plan"] is False
    html = render_to_string("plans/_plan_overview.html", {"plan": overview, "contract": plan.contract})
    assert 'id="plan-action"' in html and "3</strong> fiches actions" in html
    assert reverse("plans:tree", args=[plan.contract.public_id]) in html
    assert reverse("plans:timeline", args=[plan.contract.public_id]) in html
    assert "Avancement : 45 %" in html
    assert "Calculé sur les fiches que vous pouvez consulter" not in html  # Alice reads every fiche
    html = render_to_string("plans/_plan_overview.html", {"plan": outsider, "contract": plan.contract})
    # Charlie does not read the confidential fiche: his figures differ from Alice's, and the page says why.
    assert "2</strong> fiches actions" in html and "Calculé sur les fiches que vous pouvez consulter" in html


def test_contract_page_shows_the_plan_section(rf, alice, plan):
    from django.shortcuts import render

    from santelocale.contracts.views import _detail_context

    request = rf.get(plan.contract.get_absolute_url())
    request.user = alice
    context = _detail_context(request, plan.contract)
    context.setdefault("plan", plan_overview(plan.contract, alice))  # as _detail_context passes it
    html = render(request, "contracts/contract_detail.html", context).content.decode()
    assert 'href="#plan-action"' in html and '<h2 id="plan-action">Plan d’action</h2>' in html
    assert html.index('id="identite"') < html.index('id="plan-action"') < html.index('id="conformite"')
    assert reverse("plans:table", args=[plan.contract.public_id]) in html


def test_table_form_shows_the_kept_filters_again_without_the_ignored_ones(client, alice, plan):
    html = _get(
        client, alice, _url("table", plan) + f"?statut=PERDU&priorite=HIGH&retard=1&axe={plan.access.pk}"
    )
    form = html[html.index('id="plan-filters"') : html.index("</form>", html.index('id="plan-filters"'))]
    assert '<option value="HIGH" selected>' in form
    assert f'<option value="{plan.access.pk}" selected>' in form
    assert re.search(r'<input type="checkbox" name="retard"[^>]* checked', form)
    assert 'name="confidentielle"' in form  # Alice is an insider of the contract
    assert "PERDU" not in form and "Tous les statuts" in form and "Tout le plan" in form
