"""The governance page of a contract: editors add and remove bodies, members, meetings and contacts;
readers see them; refusals show the services' French messages and write nothing."""

import datetime

import pytest
from django.urls import reverse

from santelocale.contracts.enums import BodyKind, ContactRole, MemberRole, Quart
from santelocale.contracts.governance import COMPLEX_CASES_RULE, add_body, add_meeting, add_member
from santelocale.contracts.models import Body, BodyMember, Contact, Meeting
from santelocale.contracts.services import add_contact

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def cell(clsm):
    return add_body(clsm, kind=BodyKind.COMPLEX_CASES, name="Cellule cas complexes")


def _url(name, contract, *args):
    return reverse(f"contracts:{name}", args=[contract.public_id, *args])


def _page(client, contract):
    response = client.get(_url("governance", contract))
    assert response.status_code == 200
    return response.content.decode()


def test_the_editor_adds_a_body_a_member_and_a_meeting_through_the_page(client, alice, clsm):
    client.force_login(alice)
    response = client.post(
        _url("governance_body_add", clsm),
        {"kind": BodyKind.CLSM_STEERING, "name": "Comité de pilotage du CLSM", "mandate": "Pilotage"},
    )
    body = Body.objects.get(contract=clsm)
    assert response.status_code == 302
    assert response["Location"] == _url("governance", clsm) + f"#body-{body.pk}"

    response = client.post(
        _url("governance_member_add", clsm, body.pk),
        {
            "person": "Adjointe au maire chargée de la santé",
            "organisation": "Ville d’Albi",
            "role": MemberRole.CHAIR,
            "quart": Quart.ELECTED,
            "term_starts_on": "2024-01-15",
            "term_ends_on": "31/12/2030",
        },
    )
    member = BodyMember.objects.get(body=body)
    assert response.status_code == 302
    assert (member.term_starts_on, member.term_ends_on) == (
        datetime.date(2024, 1, 15),
        datetime.date(2030, 12, 31),
    )

    response = client.post(
        _url("governance_meeting_add", clsm, body.pk),
        {
            "held_on": "2025-03-12",
            "agenda": "Bilan annuel",
            "decisions": "Créer un groupe logement",
            "attendees": [member.pk],
            "other_attendees": "4",
        },
        follow=True,
    )
    meeting = Meeting.objects.get(body=body)
    assert list(meeting.attendees.all()) == [member]
    html = response.content.decode()
    assert "Réunion du 12/03/2025 enregistrée pour « Comité de pilotage du CLSM »." in html
    assert "Réunion du 12/03/2025</strong> —\n            5 présents" in html
    assert "Créer un groupe logement" in html
    assert "Adjointe au maire chargée de la santé" in html


def test_a_reader_sees_the_governance_but_gets_403_on_every_post(client, bob, clsm, steering):
    member = add_member(steering, person="Coordinatrice du CLSM", quart=Quart.COORDINATOR)
    client.force_login(bob)
    html = _page(client, clsm)
    assert "Comité de pilotage du CLSM" in html and "Coordinatrice du CLSM" in html
    assert "Ajouter une instance" not in html and "Retirer" not in html
    posts = [
        (_url("governance_body_add", clsm), {"kind": BodyKind.COPIL, "name": "COPIL"}),
        (_url("governance_member_add", clsm, steering.pk), {"person": "Intrus", "role": MemberRole.MEMBER}),
        (_url("governance_meeting_add", clsm, steering.pk), {"held_on": "2025-03-12"}),
        (_url("governance_contact_add", clsm), {"role": "OTHER", "name": "X", "organisation": "Y"}),
        (_url("governance_member_delete", clsm, member.pk), {}),
        (_url("governance_body_delete", clsm, steering.pk), {}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "Vous ne pouvez pas modifier la gouvernance de ce contrat." in response.content.decode()
    assert (Body.objects.count(), BodyMember.objects.count(), Meeting.objects.count()) == (1, 1, 0)
    assert not Contact.objects.exists()


def test_the_public_sees_a_published_contracts_governance_without_forms(client, clsm, steering):
    html = _page(client, clsm)
    assert "Comité de pilotage du CLSM" in html
    assert '<form method="post" action="/contrats/' not in html


def test_the_public_sees_counts_and_the_four_quarts_verdict_but_no_names_nor_minutes(
    client, pia, clsm, steering
):
    chair = add_member(
        steering, person="Adjointe au maire (test)", role=MemberRole.CHAIR, quart=Quart.ELECTED
    )
    add_meeting(
        steering, held_on=datetime.date(2025, 3, 4), minutes="Compte rendu interne (test)", attendees=[chair]
    )
    for visitor in (None, pia):  # the public, and a partner who is not a party to this contract
        client.logout()
        if visitor:
            client.force_login(visitor)
        html = _page(client, clsm)
        assert "1 membre, 1 réunion." in html
        assert "Présent</span> <strong>Élu·e local·e à la présidence</strong>" in html
        assert "Adjointe au maire (test)" not in html and "Compte rendu interne (test)" not in html


def test_a_term_ending_before_it_starts_is_refused_with_the_services_message(client, alice, clsm, steering):
    client.force_login(alice)
    response = client.post(
        _url("governance_member_add", clsm, steering.pk),
        {
            "person": "Membre",
            "role": MemberRole.MEMBER,
            "term_starts_on": "2025-06-01",
            "term_ends_on": "2025-01-31",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Le membre n’a pas été ajouté" in html
    assert "Le mandat finit (31/01/2025) avant de commencer (01/06/2025)." in html
    assert 'value="Membre"' in html  # the form comes back as typed, unfolded
    assert '<details class="sl-disclosure fr-mb-2w" open>' in html
    assert not BodyMember.objects.exists()


def test_an_invalid_date_gets_a_french_message_and_nothing_is_written(client, alice, clsm, steering):
    client.force_login(alice)
    response = client.post(
        _url("governance_member_add", clsm, steering.pk),
        {"person": "Membre", "role": MemberRole.MEMBER, "term_starts_on": "31/02/2025"},
    )
    assert response.status_code == 400
    assert "Date invalide : saisissez une date au format JJ/MM/AAAA" in response.content.decode()
    response = client.post(_url("governance_meeting_add", clsm, steering.pk), {"held_on": ""})
    assert response.status_code == 400
    assert "Indiquez la date de la réunion." in response.content.decode()
    assert not BodyMember.objects.exists() and not Meeting.objects.exists()


def test_a_clsm_only_body_posted_on_a_cls_is_refused_and_not_offered(client, alice, cls_draft):
    client.force_login(alice)
    html = _page(client, cls_draft)
    assert 'value="COPIL"' in html and 'value="COMPLEX_CASES"' not in html
    assert "quatre quarts" not in html
    response = client.post(
        _url("governance_body_add", cls_draft), {"kind": BodyKind.COMPLEX_CASES, "name": "Cellule"}
    )
    assert response.status_code == 400
    assert "« Cellule cas complexes » est une instance propre aux CLSM." in response.content.decode()
    assert not Body.objects.exists()


def test_the_complex_cases_cell_shows_its_notice_offers_no_free_text_and_refuses_it(
    client, alice, clsm, cell
):
    doctor = add_member(cell, person="Psychiatre de secteur", quart=Quart.PSYCHIATRY)
    client.force_login(alice)
    html = _page(client, clsm)
    assert COMPLEX_CASES_RULE in html
    assert f'id="meeting-{cell.pk}-cases_reviewed"' in html
    assert f'id="meeting-{cell.pk}-agenda"' not in html and f'id="meeting-{cell.pk}-minutes"' not in html
    response = client.post(
        _url("governance_meeting_add", clsm, cell.pk),
        {"held_on": "2025-03-12", "attendees": [doctor.pk], "cases_reviewed": "3", "minutes": "M. X, 45 ans"},
    )
    assert response.status_code == 400
    assert COMPLEX_CASES_RULE in response.content.decode()
    assert not Meeting.objects.exists()
    response = client.post(
        _url("governance_meeting_add", clsm, cell.pk),
        {"held_on": "2025-03-12", "attendees": [doctor.pk], "cases_reviewed": "3"},
        follow=True,
    )
    assert Meeting.objects.get().cases_reviewed == 3
    assert "1 présent (Psychiatre de secteur) — 3 situations examinées" in response.content.decode()


def test_an_attendee_from_another_body_is_refused(client, alice, clsm, steering, cell):
    stranger = add_member(cell, person="Assistante sociale de secteur")
    client.force_login(alice)
    response = client.post(
        _url("governance_meeting_add", clsm, steering.pk),
        {"held_on": "2025-03-12", "attendees": [stranger.pk]},
    )
    assert response.status_code == 400
    assert (
        "Ne sont pas membres de cette instance : Assistante sociale de secteur." in response.content.decode()
    )
    assert not Meeting.objects.exists()


def test_an_htmx_request_gets_the_body_fragment_with_the_four_quarts_out_of_band(
    client, alice, clsm, steering
):
    client.force_login(alice)
    response = client.post(
        _url("governance_member_add", clsm, steering.pk),
        {"person": "Chef de pôle de psychiatrie", "role": MemberRole.CO_LEAD, "quart": Quart.PSYCHIATRY},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert (
        html.startswith(f'\n<section id="body-{steering.pk}"') or f'<section id="body-{steering.pk}"' in html
    )
    assert "« Chef de pôle de psychiatrie » siège désormais à « Comité de pilotage du CLSM »." in html
    assert (
        'id="four-quarts" class="fr-callout fr-mb-4w" aria-labelledby="four-quarts-title" hx-swap-oob="true"'
        in html
    )
    assert BodyMember.objects.filter(body=steering).count() == 1


def test_an_htmx_refusal_gets_the_fragment_with_the_messages_and_status_400(client, alice, clsm, steering):
    client.force_login(alice)
    response = client.post(_url("governance_member_add", clsm, steering.pk), {"person": ""}, **HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" not in html
    assert "Indiquez la personne ou la fonction du membre." in html
    assert "Choisissez le rôle du membre." in html


def test_an_htmx_body_add_returns_the_list_of_bodies(client, alice, clsm, steering):
    client.force_login(alice)
    response = client.post(
        _url("governance_body_add", clsm), {"kind": BodyKind.WORKING_GROUP, "name": "Groupe logement"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="instances"')
    assert "Comité de pilotage du CLSM" in html and "Instance « Groupe logement » ajoutée." in html


def test_the_four_quarts_summary_says_who_is_present_and_what_is_missing(client, bob, clsm, steering):
    client.force_login(bob)  # a party: names are shown to parties only
    add_member(steering, person="Adjointe au maire", role=MemberRole.CHAIR, quart=Quart.ELECTED)
    add_member(steering, person="Représentante de l’UNAFAM", quart=Quart.CAREGIVERS)
    html = _page(client, clsm)
    summary = html[html.index('id="four-quarts"') : html.index("</section>", html.index('id="four-quarts"'))]
    assert (
        "Présent</span> <strong>Élu·e local·e à la présidence</strong> :\n          Adjointe au maire"
        in summary
    )
    assert "Manquant</span> <strong>Psychiatrie publique</strong>" in summary
    assert "Manquant</span> <strong>Usagers</strong>" in summary
    assert "Présent</span> <strong>Aidants</strong>" in summary
    assert "À examiner" not in summary and "Bloquant" in summary


def test_a_member_whose_term_has_ended_is_listed_as_such(client, bob, clsm, steering):
    client.force_login(bob)
    add_member(
        steering,
        person="Ancien adjoint",
        role=MemberRole.CHAIR,
        quart=Quart.ELECTED,
        term_starts_on=datetime.date(2020, 1, 1),
        term_ends_on=datetime.date(2023, 12, 31),
    )
    html = _page(client, clsm)
    assert "du 01/01/2020 au 31/12/2023" in html and ">Terminé</span>" in html
    assert "Manquant</span> <strong>Élu·e local·e à la présidence</strong>" in html


def test_removing_a_member_asks_for_confirmation_then_deletes_it(client, alice, clsm, steering):
    member = add_member(steering, person="Coordinatrice du CLSM", quart=Quart.COORDINATOR)
    add_meeting(steering, held_on=datetime.date(2025, 3, 12), attendees=[member])
    client.force_login(alice)
    url = _url("governance_member_delete", clsm, member.pk)
    response = client.get(url)
    html = response.content.decode()
    assert "Retirer « Coordinatrice du CLSM » de « Comité de pilotage du CLSM » ?" in html
    assert "présents de 1 réunion(s)" in html
    assert BodyMember.objects.exists()
    response = client.post(url)
    assert response["Location"] == _url("governance", clsm) + f"#body-{steering.pk}"
    assert not BodyMember.objects.exists() and Meeting.objects.count() == 1


def test_removing_a_body_deletes_its_members_and_meetings(client, alice, clsm, steering):
    member = add_member(steering, person="Coordinatrice du CLSM")
    add_meeting(steering, held_on=datetime.date(2025, 3, 12), attendees=[member])
    client.force_login(alice)
    url = _url("governance_body_delete", clsm, steering.pk)
    assert "Ses 1 membre(s) et ses 1 réunion(s) seront supprimés" in client.get(url).content.decode()
    client.post(url)
    assert (Body.objects.count(), BodyMember.objects.count(), Meeting.objects.count()) == (0, 0, 0)


def test_removing_a_meeting(client, alice, clsm, steering):
    meeting = add_meeting(steering, held_on=datetime.date(2025, 3, 12))
    client.force_login(alice)
    url = _url("governance_meeting_delete", clsm, meeting.pk)
    assert (
        "Supprimer la réunion du 12/03/2025 de « Comité de pilotage du CLSM » ?"
        in client.get(url).content.decode()
    )
    response = client.post(url, follow=True)
    assert "Réunion du 12/03/2025 de « Comité de pilotage du CLSM » supprimée." in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_editor_writes_the_minutes_of_a_meeting_after_it_was_held(client, alice, clsm, steering):
    chair = add_member(steering, person="Mme la maire", role=MemberRole.CHAIR)
    nurse = add_member(steering, person="Infirmier de secteur", quart=Quart.PSYCHIATRY)
    meeting = add_meeting(steering, held_on=datetime.date(2025, 3, 12), agenda="Bilan", attendees=[chair])
    client.force_login(alice)
    assert f'href="{_url("governance_meeting_edit", clsm, meeting.pk)}"' in _page(client, clsm)
    url = _url("governance_meeting_edit", clsm, meeting.pk)
    form = client.get(url).content.decode()
    assert "Réunion du 12/03/2025 — Comité de pilotage du CLSM" in form
    assert ">Bilan</textarea>" in form and 'value="2025-03-12"' in form

    response = client.post(
        url,
        {
            "version": meeting.version,
            "held_on": "12/03/2025",
            "agenda": "Bilan",
            "minutes": "Le diagnostic est adopté.",
            "decisions": "Lancer le groupe de travail logement.",
            "attendees": [chair.pk, nurse.pk],
        },
        follow=True,
    )
    assert "Réunion du 12/03/2025 de « Comité de pilotage du CLSM » enregistrée." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == "Le diagnostic est adopté."
    assert set(meeting.attendees.all()) == {chair, nurse}
    assert meeting.history.count() >= 2  # who changed what stays in the history


def test_minutes_saved_from_an_older_form_overwrite_nothing_and_show_both_versions(
    client, alice, diane, clsm, steering
):
    meeting = add_meeting(steering, held_on=datetime.date(2025, 3, 12))
    url = _url("governance_meeting_edit", clsm, meeting.pk)
    read_version = meeting.version
    client.force_login(diane)  # the ARS delegation writes first
    client.post(url, {"version": read_version, "held_on": "2025-03-12", "minutes": "Version de l’ARS."})
    client.force_login(alice)  # the coordinator sends the form she opened before
    response = client.post(
        url, {"version": read_version, "held_on": "2025-03-12", "minutes": "Version de la coordination."}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Quelqu’un a modifié ces informations" in html
    assert "Version de l’ARS." in html and "Version de la coordination." in html  # both, side by side
    meeting.refresh_from_db()
    assert meeting.minutes == "Version de l’ARS."
    # Sent again (with the version the conflict handed back), her text replaces it on purpose.
    again = client.post(
        url,
        {"version": meeting.version, "held_on": "2025-03-12", "minutes": "Version de la coordination."},
    )
    assert again.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Version de la coordination."


def test_a_changed_meeting_keeps_the_rules_of_a_new_one(client, alice, clsm, steering, cell):
    stranger = add_member(cell, person="Membre de la cellule")
    meeting = add_meeting(cell, held_on=datetime.date(2025, 3, 12), cases_reviewed=3)
    client.force_login(alice)
    url = _url("governance_meeting_edit", clsm, meeting.pk)
    form = client.get(url).content.decode()
    assert 'name="minutes"' not in form  # a « cellule cas complexes » keeps no free text
    response = client.post(
        url, {"version": meeting.version, "held_on": "2025-03-12", "minutes": "Situation de M. X"}
    )
    assert response.status_code == 400 and COMPLEX_CASES_RULE in response.content.decode()
    other = add_meeting(steering, held_on=datetime.date(2025, 3, 12))
    response = client.post(
        _url("governance_meeting_edit", clsm, other.pk),
        {"version": other.version, "held_on": "2025-03-12", "attendees": [stranger.pk]},
    )
    assert "Ne sont pas membres de cette instance : Membre de la cellule." in response.content.decode()
    response = client.post(url, {"version": meeting.version, "held_on": "31/02/2025"})
    assert "Date invalide" in response.content.decode()
    meeting.refresh_from_db()
    other.refresh_from_db()
    assert (meeting.minutes, meeting.held_on, list(other.attendees.all())) == (
        "",
        datetime.date(2025, 3, 12),
        [],
    )


def test_an_object_of_another_contract_is_not_found_through_this_one(client, alice, clsm, cls_draft):
    other = add_body(cls_draft, kind=BodyKind.COPIL, name="COPIL du CLS")
    client.force_login(alice)
    assert client.get(_url("governance_body_delete", clsm, other.pk)).status_code == 404
    assert client.post(_url("governance_member_add", clsm, other.pk), {"person": "X"}).status_code == 404
    meeting = add_meeting(other, held_on=datetime.date(2025, 3, 12))
    assert client.get(_url("governance_meeting_edit", clsm, meeting.pk)).status_code == 404


def test_the_editor_adds_a_contact_and_an_unpublished_one_is_hidden_from_readers(client, alice, bob, clsm):
    client.force_login(alice)
    response = client.post(
        _url("governance_contact_add", clsm),
        {
            "role": ContactRole.COORDINATOR,
            "name": "Coordinatrice du CLSM",
            "organisation": "Ville d’Albi",
            "email": "clsm@mairie-albi.test",
            "phone": "05 63 49 10 10",
            "is_public": "oui",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert "Contact « Coordinatrice du CLSM » ajouté (publié dans l’annuaire)." in response.content.decode()
    client.post(
        _url("governance_contact_add", clsm),
        {
            "role": ContactRole.OTHER,
            "name": "Secrétariat",
            "organisation": "Ville d’Albi",
            "is_public": "non",
        },
    )
    assert list(Contact.objects.order_by("name").values_list("name", "is_public")) == [
        ("Coordinatrice du CLSM", True),
        ("Secrétariat", False),
    ]
    assert "Secrétariat" in _page(client, clsm)
    client.force_login(bob)
    html = _page(client, clsm)
    assert 'href="mailto:clsm@mairie-albi.test"' in html and "Secrétariat" not in html


def test_an_invalid_contact_is_refused_with_french_messages(client, alice, clsm):
    client.force_login(alice)
    response = client.post(
        _url("governance_contact_add", clsm),
        {"role": "CHEF", "name": "", "organisation": "", "email": "pas-une-adresse", "phone": "appelez-moi"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    for message in [
        "Rôle inconnu : « CHEF ».",
        "Le nom ou la fonction du contact est obligatoire.",
        "L’organisation du contact est obligatoire.",
        "Adresse électronique invalide",
        "Numéro de téléphone invalide",
        "Indiquez si le contact est publié dans l’annuaire.",
    ]:
        assert message in html
    assert not Contact.objects.exists()


def test_removing_a_contact(client, alice, clsm):
    contact = add_contact(
        clsm, role=ContactRole.COORDINATOR, name="Coordinatrice", organisation="Ville d’Albi"
    )
    client.force_login(alice)
    url = _url("governance_contact_delete", clsm, contact.pk)
    assert "Il disparaîtra de l’annuaire des contacts." in client.get(url).content.decode()
    client.post(url)
    assert not Contact.objects.exists()
