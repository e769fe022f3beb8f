"""The demo coordinator runs the governance of the CLSM d’Albi (a working group, a member, a meeting, a
refused term, a contact; then the meeting's minutes, the member's term and the contact changed on their own
pages) and finds the contact in the directory, filtered by département and as CSV, until she withdraws it."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

CLSM_NAME = re.compile(r"CLSM d.Albi")
BODY = "Groupe de travail logement (e2e)"
MEMBER = "Représentante d’un GEM (e2e)"
CONTACT = "Coordination du CLSM (e2e)"


def _clsm_governance_url(page) -> str:
    """The governance page of the demo « CLSM d’Albi », found from the contracts list."""
    page.goto("/contrats/")
    link = page.get_by_role("link", name=CLSM_NAME)
    if link.count() == 0:
        pytest.skip(
            "La démo ne contient pas (encore) de « CLSM d’Albi » : aucun lien de ce nom sur /contrats/ "
            "(`santelocale demo` doit créer un CLSM d’Albi publié, modifiable par "
            "coordination@demo.santelocale.test)."
        )
    public_id = re.search(r"/contrats/([0-9a-f-]{36})/", link.first.get_attribute("href")).group(1)
    return f"/contrats/{public_id}/gouvernance/"


def _body_section(page, name: str):
    return page.get_by_role("region", name=name, exact=True)


def test_coordinator_adds_a_member_and_a_meeting_to_the_clsm_governance(coordinator_page):
    page = coordinator_page
    url = _clsm_governance_url(page)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gouvernance")
    expect(page.locator("#four-quarts")).to_contain_text("Psychiatrie publique")
    assert_accessible(page, "gouvernance-clsm")

    # A working group, added without reloading the page (htmx).
    adding = page.locator("#body-add")
    adding.get_by_label("Type d’instance").select_option(label="Groupe de travail thématique")
    adding.get_by_label("Nom de l’instance").fill(BODY)
    adding.get_by_role("button", name="Ajouter l’instance").click()
    expect(page.get_by_text(f"Instance « {BODY} » ajoutée.")).to_be_visible()
    body = _body_section(page, BODY)
    expect(body).to_be_visible()

    # A member: users' quart, from the first of January 2025.
    body.locator("summary", has_text="Ajouter un membre").click()
    body.get_by_label("Personne ou fonction").fill(MEMBER)
    body.get_by_label("Organisation").fill("GEM de l’Albigeois (fictif)")
    body.get_by_label("Quart (CLSM)").select_option(label="Usagers")
    body.get_by_label("Début du mandat").fill("2025-01-01")
    body.get_by_role("button", name="Ajouter le membre").click()
    expect(body.get_by_role("status")).to_contain_text(f"« {MEMBER} » siège désormais à « {BODY} ».")
    expect(body.locator("table")).to_contain_text(MEMBER)
    expect(page.locator("#four-quarts")).to_contain_text(MEMBER)  # swapped out of band

    # A term that ends before it starts is refused with the service's message; nothing is added.
    body.locator("summary", has_text="Ajouter un membre").click()
    body.get_by_label("Personne ou fonction").fill("Membre au mandat impossible (e2e)")
    body.get_by_label("Début du mandat").fill("2025-06-01")
    body.get_by_label("Fin du mandat").fill("2025-01-31")
    body.get_by_role("button", name="Ajouter le membre").click()
    expect(body.get_by_role("alert")).to_contain_text(
        "Le mandat finit (31/01/2025) avant de commencer (01/06/2025)."
    )
    expect(body.locator("table")).not_to_contain_text("Membre au mandat impossible (e2e)")
    assert_accessible(page, "gouvernance-clsm-refus")

    # A meeting with the member present (DSFR checkboxes are clicked through their label) and 3 others.
    body.locator("summary", has_text="Enregistrer une réunion").click()
    body.get_by_label("Date de la réunion").fill("2025-03-12")
    body.locator("label", has_text=MEMBER).click()
    body.get_by_label("Autres participants").fill("3")
    body.get_by_label("Ordre du jour").fill("Logement accompagné : état des lieux")
    body.get_by_label("Décisions").fill("Rencontrer les bailleurs sociaux")
    body.get_by_role("button", name="Enregistrer la réunion").click()
    expect(body.get_by_role("status")).to_contain_text(f"Réunion du 12/03/2025 enregistrée pour « {BODY} ».")
    meetings = body.locator("ul.sl-results")
    expect(meetings).to_contain_text("Réunion du 12/03/2025")
    expect(meetings).to_contain_text(f"4 présents ({MEMBER} et 3 autres)")
    expect(meetings).to_contain_text("Rencontrer les bailleurs sociaux")
    assert_accessible(page, "gouvernance-clsm-reunion")

    # Still there after a reload: it was saved, not only drawn.
    page.goto(url)
    expect(_body_section(page, BODY).locator("ul.sl-results")).to_contain_text("Réunion du 12/03/2025")

    # After the meeting, its minutes: the meeting's own form, filled with what was recorded.
    _body_section(page, BODY).get_by_role("link", name=f"Modifier la réunion du 12/03/2025 de {BODY}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Réunion du 12/03/2025 — {BODY}")
    expect(page.get_by_label("Ordre du jour")).to_have_value("Logement accompagné : état des lieux")
    expect(page.locator("label", has_text=MEMBER).locator("xpath=../input")).to_be_checked()
    assert_accessible(page, "gouvernance-reunion-modifier")
    page.get_by_label("Compte rendu").fill("Trois bailleurs rencontrés ; une convention en préparation.")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page).to_have_url(re.compile(r"/gouvernance/"))
    expect(page.get_by_text(f"Réunion du 12/03/2025 de « {BODY} » enregistrée.")).to_be_visible()
    expect(_body_section(page, BODY).locator("ul.sl-results")).to_contain_text(
        "Trois bailleurs rencontrés ; une convention en préparation."
    )

    # The member's term ends: her seat's own form, filled with what was recorded.
    _body_section(page, BODY).get_by_role("link", name=f"Modifier le siège de {MEMBER} à {BODY}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"« {MEMBER} » à « {BODY} »")
    expect(page.get_by_label("Organisation")).to_have_value("GEM de l’Albigeois (fictif)")
    expect(page.get_by_label("Quart (CLSM)")).to_have_value("USERS")
    page.get_by_label("Fin du mandat").fill("2025-12-31")
    assert_accessible(page, "gouvernance-siege-modifier")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text(f"Siège de « {MEMBER} » à « {BODY} » enregistré.")).to_be_visible()
    row = _body_section(page, BODY).get_by_role("row", name=re.compile(re.escape(MEMBER)))
    expect(row).to_contain_text("au 31/12/2025")
    expect(row).to_contain_text("Terminé")


def test_coordinator_publishes_a_contact_and_finds_it_in_the_directory_and_its_csv(coordinator_page):
    page = coordinator_page
    page.goto(_clsm_governance_url(page))
    contacts = page.locator("#contacts")
    contacts.locator("summary", has_text="Ajouter un contact").click()
    contacts.get_by_label("Rôle").select_option(label="Coordinateur·rice")
    contacts.get_by_label("Nom ou fonction").fill(CONTACT)
    contacts.get_by_label("Organisation").fill("Ville d’Albi")
    contacts.get_by_label("Adresse électronique").fill("clsm-e2e@mairie-albi.test")
    contacts.get_by_label("Téléphone").fill("05 63 00 00 00")
    contacts.locator("label", has_text="Oui").click()
    contacts.get_by_role("button", name="Ajouter le contact").click()
    expect(contacts.get_by_role("status")).to_contain_text(
        f"Contact « {CONTACT} » ajouté (publié dans l’annuaire)."
    )

    page.get_by_role("link", name="annuaire des contacts CLS et CLSM").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuaire des contacts CLS et CLSM")
    assert_accessible(page, "annuaire")
    page.get_by_label("Département").select_option(label="Tarn (81)")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"department=81"))
    expect(page.get_by_role("heading", level=3, name="Tarn (81)")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(re.escape(CONTACT)))
    expect(row).to_contain_text("CLSM")
    expect(row.get_by_role("link", name="clsm-e2e@mairie-albi.test")).to_have_attribute(
        "href", "mailto:clsm-e2e@mairie-albi.test"
    )
    expect(row.get_by_role("link", name=CLSM_NAME)).to_be_visible()
    assert_accessible(page, "annuaire-tarn")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger ces contacts (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "annuaire-contacts-cls-clsm.csv"
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Région;Département;Contrat;Type;")
    assert f";{CONTACT};Ville d’Albi;clsm-e2e@mairie-albi.test;05 63 00 00 00;" in text
    assert all(";Tarn (81);" in line for line in text.splitlines()[1:])

    # Withdrawn from the directory through the contact's own form.
    page.goto(_clsm_governance_url(page))
    page.locator("#contacts").get_by_role("link", name=f"Modifier le contact {CONTACT}").click()
    expect(page.get_by_label("Adresse électronique")).to_have_value("clsm-e2e@mairie-albi.test")
    page.locator("label", has_text="Non").click()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text(f"Contact « {CONTACT} » enregistré.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(re.escape(CONTACT)))).to_contain_text("Non publié")
    page.goto("/annuaire/?department=81")
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuaire des contacts CLS et CLSM")
    expect(page.get_by_text(CONTACT)).to_have_count(0)
