"""Changing a body, a seat or a contact after it was entered (pages and API), under the rules of a new one,
without overwriting a change made meanwhile; a seat linked to a person's account opens the body's minutes
to that person."""

import datetime

import pytest
from django.urls import reverse

from santelocale.contracts.enums import BodyKind, ContactRole, MemberRole, Quart
from santelocale.contracts.governance import add_body, add_meeting, add_member
from santelocale.contracts.models import Body, BodyMember, Contact
from santelocale.contracts.services import add_contact

pytestmark = pytest.mark.django_db


def _url(name, contract, *args):
    return reverse(f"contracts:{name}", args=[contract.public_id, *args])


def _member_form(member, **changes):
    data = {
        "version": member.version,
        "person": member.person,
        "organisation": member.organisation,
        "role": member.role,
        "quart": member.quart,
        "term_starts_on": "",
        "term_ends_on": "",
        "account": "",
    }
    return data | changes


# --- Pages -------------------------------------------------------------------------------------------


def test_the_editor_renames_a_body_and_its_kind_stays_once_it_has_met(client, alice, clsm, steering):
    client.force_login(alice)
    governance = client.get(_url("governance", clsm)).content.decode()
    url = _url("governance_body_edit", clsm, steering.pk)
    assert f'href="{url}"' in governance
    form = client.get(url).content.decode()
    assert (
        'value="Comité de pilotage du CLSM"' in form and "<h1>Instance « Comité de pilotage du CLSM »" in form
    )

    response = client.post(
        url,
        {
            "version": steering.version,
            "kind": BodyKind.PLENARY,
            "name": "Assemblée plénière",
            "mandate": "Bilan",
        },
        follow=True,
    )
    assert "Instance « Assemblée plénière » enregistrée." in response.content.decode()
    steering.refresh_from_db()
    assert (steering.kind, steering.name, steering.mandate) == (
        BodyKind.PLENARY,
        "Assemblée plénière",
        "Bilan",
    )

    add_meeting(steering, held_on=datetime.date(2025, 3, 12), minutes="Compte rendu")
    steering.refresh_from_db()
    response = client.post(
        url, {"version": steering.version, "kind": BodyKind.COMPLEX_CASES, "name": "Cellule", "mandate": ""}
    )
    assert response.status_code == 400
    assert "« Assemblée plénière » a déjà des réunions : son type ne change plus" in response.content.decode()
    steering.refresh_from_db()
    assert (steering.kind, steering.name) == (BodyKind.PLENARY, "Assemblée plénière")


def test_a_clsm_only_kind_is_refused_on_a_cls(client, alice, cls_draft):
    copil = add_body(cls_draft, kind=BodyKind.COPIL, name="COPIL")
    client.force_login(alice)
    response = client.post(
        _url("governance_body_edit", cls_draft, copil.pk),
        {"version": copil.version, "kind": BodyKind.CLSM_STEERING, "name": "COPIL"},
    )
    assert response.status_code == 400
    assert "est une instance propre aux CLSM" in response.content.decode()
    assert Body.objects.get(pk=copil.pk).kind == BodyKind.COPIL


def test_the_editor_renews_a_seat_and_the_chair_may_stay_chair(client, alice, clsm, steering):
    chair = add_member(steering, person="Mme la maire", role=MemberRole.CHAIR, quart=Quart.ELECTED)
    nurse = add_member(steering, person="Infirmier de secteur", quart=Quart.PSYCHIATRY)
    client.force_login(alice)
    url = _url("governance_member_edit", clsm, chair.pk)
    assert f'href="{url}"' in client.get(_url("governance", clsm)).content.decode()
    response = client.post(
        url,
        _member_form(
            chair, term_starts_on="01/01/2026", term_ends_on="31/12/2028", organisation="Ville d’Albi"
        ),
        follow=True,
    )
    assert (
        "Siège de « Mme la maire » à « Comité de pilotage du CLSM » enregistré." in response.content.decode()
    )
    chair.refresh_from_db()
    assert (chair.role, chair.term_ends_on, chair.organisation) == (
        MemberRole.CHAIR,
        datetime.date(2028, 12, 31),
        "Ville d’Albi",
    )
    # A second current chair is refused, as for a new seat; nothing is written.
    response = client.post(
        _url("governance_member_edit", clsm, nurse.pk), _member_form(nurse, role=MemberRole.CHAIR)
    )
    assert response.status_code == 400
    assert "L’instance a déjà une présidence : Mme la maire." in response.content.decode()
    assert BodyMember.objects.get(pk=nurse.pk).role == MemberRole.MEMBER


def test_a_seat_linked_to_an_account_opens_the_minutes_to_that_person(client, alice, charlie, clsm, steering):
    seat = add_member(steering, person="Dr Charlie, psychiatre", quart=Quart.PSYCHIATRY)
    add_meeting(steering, held_on=datetime.date(2025, 3, 12), minutes="Le diagnostic est adopté.")
    governance = _url("governance", clsm)
    client.force_login(charlie)
    assert "Le diagnostic est adopté." not in client.get(governance).content.decode()

    client.force_login(alice)
    url = _url("governance_member_edit", clsm, seat.pk)
    response = client.post(url, _member_form(seat, account="personne@nulle-part.test"))
    assert response.status_code == 400
    assert "Aucun compte actif n’a l’adresse « personne@nulle-part.test »" in response.content.decode()
    assert BodyMember.objects.get(pk=seat.pk).user is None

    response = client.post(url, _member_form(seat, account="CHARLIE@example.test"))
    assert response.status_code == 302
    assert BodyMember.objects.get(pk=seat.pk).user == charlie
    assert 'value="charlie@example.test"' in client.get(url).content.decode()  # the form shows the link
    client.force_login(charlie)
    assert "Le diagnostic est adopté." in client.get(governance).content.decode()


def test_a_seat_saved_from_an_older_form_overwrites_nothing_and_shows_both_versions(
    client, alice, diane, clsm, steering
):
    seat = add_member(steering, person="Représentant des usagers", quart=Quart.USERS)
    url = _url("governance_member_edit", clsm, seat.pk)
    client.force_login(diane)
    assert client.post(url, _member_form(seat, person="Mme Usagère (UNAFAM)")).status_code == 302
    client.force_login(alice)
    response = client.post(url, _member_form(seat, person="M. Usager (GEM)"))
    html = response.content.decode()
    assert response.status_code == 400 and "Quelqu’un a modifié ces informations" in html
    assert "Mme Usagère (UNAFAM)" in html and "M. Usager (GEM)" in html
    assert BodyMember.objects.get(pk=seat.pk).person == "Mme Usagère (UNAFAM)"


def test_the_editor_withdraws_a_contact_from_the_directory(client, alice, bob, clsm):
    contact = add_contact(
        clsm,
        role=ContactRole.COORDINATOR,
        name="Coordinatrice du CLSM",
        organisation="Ville d’Albi",
        email="clsm@mairie-albi.test",
    )
    client.force_login(alice)
    url = _url("governance_contact_edit", clsm, contact.pk)
    assert 'value="clsm@mairie-albi.test"' in client.get(url).content.decode()
    data = {
        "version": contact.version,
        "role": ContactRole.COORDINATOR,
        "name": "Coordination du CLSM",
        "organisation": "Ville d’Albi",
        "email": "pas-une-adresse",
        "phone": "",
        "is_public": "non",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "Adresse électronique invalide" in response.content.decode()
    response = client.post(url, data | {"email": "coordination.clsm@mairie-albi.test"}, follow=True)
    assert "Contact « Coordination du CLSM » enregistré." in response.content.decode()
    assert "Coordination du CLSM" not in client.get(reverse("contracts:directory")).content.decode()
    client.force_login(bob)
    assert "Coordination du CLSM" not in client.get(_url("governance", clsm)).content.decode()


def test_a_reader_may_not_open_an_edit_page_and_another_contracts_object_is_not_found(
    client, alice, bob, clsm, steering, cls_draft
):
    seat = add_member(steering, person="Mme la maire")
    contact = add_contact(clsm, role=ContactRole.OTHER, name="Secrétariat", organisation="Ville d’Albi")
    client.force_login(bob)
    for url in (
        _url("governance_body_edit", clsm, steering.pk),
        _url("governance_member_edit", clsm, seat.pk),
        _url("governance_contact_edit", clsm, contact.pk),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {"version": 1, "name": "X", "person": "X"}).status_code == 403
    client.force_login(alice)
    assert client.get(_url("governance_body_edit", cls_draft, steering.pk)).status_code == 404
    assert client.get(_url("governance_member_edit", cls_draft, seat.pk)).status_code == 404
    assert client.get(_url("governance_contact_edit", cls_draft, contact.pk)).status_code == 404


# --- API ---------------------------------------------------------------------------------------------


def _put(client, url, data):
    return client.put(url, data, content_type="application/json")


def test_the_api_changes_a_body_a_seat_and_a_contact_with_their_versions(
    client, alice, charlie, clsm, steering
):
    seat = add_member(steering, person="Mme la maire", role=MemberRole.CHAIR)
    contact = add_contact(clsm, role=ContactRole.OTHER, name="Secrétariat", organisation="Ville d’Albi")
    client.force_login(alice)
    base = f"/api/contrats/{clsm.public_id}"
    answer = _put(client, f"{base}/instances/{steering.pk}", {"version": steering.version, "name": "COPIL"})
    assert answer.status_code == 200, answer.content
    assert (answer.json()["name"], answer.json()["kind"]) == ("COPIL", BodyKind.CLSM_STEERING)
    stale = _put(client, f"{base}/instances/{steering.pk}", {"version": steering.version, "name": "Autre"})
    assert stale.status_code == 409 and stale.json()["current"]["name"] == "COPIL"

    seat_url = f"{base}/membres/{seat.pk}"
    fields = {"person": "Mme la maire", "role": "CHAIR", "quart": "ELECTED"}
    unknown = _put(client, seat_url, fields | {"version": seat.version, "account_email": "x@nulle-part.test"})
    assert unknown.status_code == 422 and "Aucun compte actif" in unknown.json()["messages"][0]
    linked = _put(
        client, seat_url, fields | {"version": seat.version, "account_email": "charlie@example.test"}
    )
    assert linked.status_code == 200 and linked.json()["has_account"] is True
    kept = _put(client, seat_url, fields | {"version": linked.json()["version"], "organisation": "Mairie"})
    assert kept.status_code == 200 and kept.json()["has_account"] is True  # absent: the link stays
    assert BodyMember.objects.get(pk=seat.pk).organisation == "Mairie"
    unlinked = _put(client, seat_url, fields | {"version": kept.json()["version"], "account_email": ""})
    assert unlinked.json()["has_account"] is False
    assert BodyMember.objects.get(pk=seat.pk).organisation == ""  # PUT replaces: what is not sent is emptied

    contact_url = f"{base}/contacts/{contact.pk}"
    values = {
        "role": "COORDINATOR",
        "name": "Coordination",
        "organisation": "Ville d’Albi",
        "is_public": False,
    }
    answer = _put(client, contact_url, values | {"version": contact.version, "email": "faux"})
    assert answer.status_code == 422 and answer.json()["messages"] == [
        "Adresse électronique invalide : « faux »."
    ]
    answer = _put(client, contact_url, values | {"version": contact.version})
    assert answer.status_code == 200 and answer.json()["is_public"] is False
    assert Contact.objects.get(pk=contact.pk).name == "Coordination"
    assert _put(client, contact_url, values | {"version": contact.version}).status_code == 409


def test_the_api_refuses_edits_to_a_reader(client, bob, clsm, steering):
    client.force_login(bob)
    answer = _put(
        client, f"/api/contrats/{clsm.public_id}/instances/{steering.pk}", {"version": 1, "name": "X"}
    )
    assert answer.status_code == 403
    assert Body.objects.get(pk=steering.pk).name == "Comité de pilotage du CLSM"
