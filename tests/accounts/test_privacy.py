"""« Données personnelles »: the page, and erasing a person's data on request, history included (issue 9,
point 10)."""

import datetime

import pytest
from django.core.management import call_command

from santelocale.accounts.models import User
from santelocale.accounts.privacy import ERASED
from santelocale.contracts import governance
from santelocale.contracts import services as contract_services
from santelocale.contracts.enums import BodyKind, ContactRole
from santelocale.contracts.models import BodyMember, Contact
from santelocale.plans import services as plan_services
from santelocale.plans.models import Action

pytestmark = pytest.mark.django_db


def test_the_personal_data_page_says_what_is_kept_who_sees_it_how_long_and_how_to_erase(client):
    home = client.get("/").content.decode()
    assert 'href="/donnees-personnelles/">Données personnelles</a>' in home

    page = client.get("/donnees-personnelles/")

    assert page.status_code == 200
    html = page.content.decode()
    for heading in (
        "Ce qui est gardé, et pourquoi",
        "Qui les voit",
        "Combien de temps",
        "Faire effacer ses données",
    ):
        assert f"<h2>{heading}</h2>" in html
    assert "Aucune donnée de santé concernant une personne" in html
    assert "Le nom d’une personne pilote n’est pas public" in html
    assert "les membres de cette instance" in html  # minutes: the people concerned (docs/permissions.md)
    assert "y compris dans l’historique" in html


@pytest.fixture
def jeanne(make_contract, albi):
    """Jeanne Martin: an account, a contact, a body member and a fiche pilot, each edited once (history)."""
    user = User.objects.create_user(
        email="jeanne.martin@albi.example.test",
        password="mot-de-passe-jeanne-1",
        first_name="Jeanne",
        last_name="Martin",
    )
    contract = make_contract()
    contact = contract_services.add_contact(
        contract,
        role=ContactRole.COORDINATOR,
        name="Jeanne Martin",
        organisation="Ville d’Albi",
        email="jeanne.martin@albi.example.test",
        phone="05 63 00 00 00",
    )
    contact.organisation = "Mairie d’Albi"
    contact.save()
    body = governance.add_body(contract, kind=BodyKind.COPIL, name="COPIL")
    member = governance.add_member(body, person="Jeanne Martin", organisation="Ville d’Albi")
    other = governance.add_member(body, person="Paul Durand", organisation="CPAM")
    member.organisation = "Mairie d’Albi"
    member.save()
    fiche = plan_services.create_action(
        contract,
        plan_services.ActionData(title="Guide", pilot_name="Jeanne Martin, Paul Durand", pilot_user=user),
    )
    data = plan_services.ActionData.of(fiche)
    data.title = "Guide santé"
    plan_services.update_action(fiche, data)
    plan_services.add_follow_up(fiche, noted_on=datetime.date(2026, 1, 5), text="Lancement", author=user)
    return user, contact, member, other, fiche


def test_erasing_a_person_replaces_her_names_everywhere_history_included_and_keeps_the_history(jeanne):
    user, contact, member, other, fiche = jeanne
    counts = {
        "contact": contact.history.count(),
        "member": member.history.count(),
        "fiche": fiche.history.count(),
    }

    call_command("erase_person", "--email", "Jeanne.Martin@albi.example.test")

    user.refresh_from_db()
    assert user.first_name == "" and user.last_name == ERASED
    assert "jeanne" not in user.email and not user.is_active and not user.has_usable_password()
    assert not user.check_password("mot-de-passe-jeanne-1")  # and inactive: she can no longer sign in
    contact.refresh_from_db()
    assert (contact.name, contact.email, contact.phone) == (ERASED, "", "")
    assert {(h.name, h.email, h.phone) for h in contact.history.all()} == {(ERASED, "", "")}
    member.refresh_from_db()
    assert member.person == ERASED
    assert {h.person for h in member.history.all()} == {ERASED}
    other.refresh_from_db()
    assert other.person == "Paul Durand"
    fiche = Action.objects.get(pk=fiche.pk)
    assert fiche.pilot_name == f"{ERASED}, Paul Durand"
    assert {h.pilot_name for h in fiche.history.all()} == {f"{ERASED}, Paul Durand"}
    # The history keeps its rows and who did what (the account, now pseudonymised).
    assert contact.history.count() == counts["contact"]
    assert member.history.count() == counts["member"]
    assert fiche.history.count() == counts["fiche"]
    assert fiche.pilot_user == user and fiche.follow_ups.get().author == user
    for model in (Contact, BodyMember, Action):
        for history in model.history.all():
            assert "Jeanne" not in str(history.__dict__)


def test_erasing_needs_an_email_or_a_name(jeanne):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Indiquez l’adresse électronique ou le nom"):
        call_command("erase_person")
    assert BodyMember.objects.filter(person="Jeanne Martin").exists()


def test_an_administrator_erases_a_person_from_the_admin(jeanne, admin_client):
    user, contact, *_ = jeanne

    response = admin_client.post(
        "/admin/accounts/user/", {"action": "erase_personal_data", "_selected_action": [user.pk]}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    contact.refresh_from_db()
    assert not user.is_active and user.last_name == ERASED
    assert contact.name == ERASED
