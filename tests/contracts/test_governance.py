"""Governance rules (contracts.governance): bodies, seats, meetings, and the CLSM « quatre quarts » item."""

import datetime

import pytest

from santelocale.contracts.compliance import checklist
from santelocale.contracts.enums import BodyKind, ContractKind, MemberRole, Quart
from santelocale.contracts.governance import COMPLEX_CASES_RULE, add_body, add_meeting, add_member
from santelocale.contracts.models import Body, BodyMember, Meeting
from santelocale.contracts.services import ContractError

TODAY = datetime.date.today()
LAST_YEAR = TODAY - datetime.timedelta(days=365)
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def clsm(make_contract):
    """A draft CLSM (the shared fixture is published)."""
    return make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)")


@pytest.fixture
def complex_cases(clsm):
    return add_body(clsm, kind=BodyKind.COMPLEX_CASES, name="Cellule cas complexes")


def _four_quarts_item(contract):
    return next(item for item in checklist(contract, None) if item.code == "four_quarts")


def _seat_the_four_quarts(body, *, chair_ends_on=None):
    add_member(
        body,
        person="Adjointe au maire chargée de la santé",
        organisation="Ville d’Albi",
        role=MemberRole.CHAIR,
        quart=Quart.ELECTED,
        term_starts_on=LAST_YEAR,
        term_ends_on=chair_ends_on,
    )
    add_member(body, person="Chef de pôle de psychiatrie", role=MemberRole.CO_LEAD, quart=Quart.PSYCHIATRY)
    add_member(body, person="Représentant d’un GEM", quart=Quart.USERS)
    add_member(body, person="Représentante de l’UNAFAM", quart=Quart.CAREGIVERS)


@pytest.mark.parametrize("kind", [BodyKind.CLSM_STEERING, BodyKind.COMPLEX_CASES])
def test_clsm_only_bodies_are_refused_on_a_cls(cls_draft, kind):
    with pytest.raises(ContractError) as refused:
        add_body(cls_draft, kind=kind, name="Instance")
    assert refused.value.messages == [f"« {BodyKind(kind).label} » est une instance propre aux CLSM."]
    assert not Body.objects.filter(contract=cls_draft).exists()


def test_a_cls_gets_its_copil_and_a_clsm_its_complex_cases_cell(cls_draft, clsm):
    copil = add_body(cls_draft, kind=BodyKind.COPIL, name="  COPIL du CLS  ", mandate="Pilotage")
    cell = add_body(clsm, kind=BodyKind.COMPLEX_CASES, name="Cellule cas complexes")
    assert (copil.name, copil.contract, cell.keeps_no_minutes) == ("COPIL du CLS", cls_draft, True)


def test_a_body_needs_a_known_kind_and_a_name(cls_draft):
    with pytest.raises(ContractError) as refused:
        add_body(cls_draft, kind="BUREAU", name="  ")
    assert refused.value.messages == [
        "Type d’instance inconnu : « BUREAU ».",
        "Le nom de l’instance est obligatoire.",
    ]


def test_a_second_current_chair_is_refused(steering):
    add_member(steering, person="Maire adjointe", role=MemberRole.CHAIR, quart=Quart.ELECTED)
    with pytest.raises(ContractError) as refused:
        add_member(steering, person="Conseiller municipal", role=MemberRole.CHAIR, quart=Quart.ELECTED)
    assert refused.value.messages == ["L’instance a déjà une présidence : Maire adjointe."]
    assert steering.members.count() == 1


def test_a_new_chair_may_follow_one_whose_term_has_ended(steering):
    add_member(steering, person="Ancien maire adjoint", role=MemberRole.CHAIR, term_ends_on=YESTERDAY)
    successor = add_member(steering, person="Maire adjointe", role=MemberRole.CHAIR, term_starts_on=TODAY)
    assert successor.is_current()


def test_a_term_ending_before_it_starts_is_refused(steering):
    with pytest.raises(ContractError) as refused:
        add_member(
            steering,
            person="Membre",
            term_starts_on=datetime.date(2025, 6, 1),
            term_ends_on=datetime.date(2025, 1, 31),
        )
    assert refused.value.messages == ["Le mandat finit (31/01/2025) avant de commencer (01/06/2025)."]
    assert not BodyMember.objects.exists()


def test_a_quart_is_refused_on_a_cls(cls_draft):
    copil = add_body(cls_draft, kind=BodyKind.COPIL, name="COPIL")
    with pytest.raises(ContractError) as refused:
        add_member(copil, person="Élu", quart=Quart.ELECTED)
    assert refused.value.messages == ["Les « quarts » ne concernent que les CLSM."]
    assert not copil.members.exists()


def test_every_problem_of_a_seat_is_listed_at_once(cls_draft):
    copil = add_body(cls_draft, kind=BodyKind.COPIL, name="COPIL")
    with pytest.raises(ContractError) as refused:
        add_member(copil, person=" ", role="BOSS", quart="HALF")
    assert refused.value.messages == [
        "Indiquez la personne ou la fonction du membre.",
        "Rôle inconnu : « BOSS ».",
        "Quart inconnu : « HALF ».",
        "Les « quarts » ne concernent que les CLSM.",
    ]


@pytest.mark.parametrize("field", ["agenda", "minutes", "decisions"])
def test_free_text_is_refused_for_a_complex_cases_meeting_and_nothing_is_written(complex_cases, field):
    doctor = add_member(complex_cases, person="Psychiatre de secteur", quart=Quart.PSYCHIATRY)
    with pytest.raises(ContractError) as refused:
        add_meeting(
            complex_cases,
            held_on=TODAY,
            attendees=[doctor],
            cases_reviewed=3,
            **{field: "Situation de Mme X., hospitalisée en mars"},
        )
    assert refused.value.messages == [COMPLEX_CASES_RULE]
    assert not Meeting.objects.exists()


def test_a_complex_cases_meeting_records_date_attendance_and_count_only(complex_cases):
    doctor = add_member(complex_cases, person="Psychiatre de secteur", quart=Quart.PSYCHIATRY)
    meeting = add_meeting(
        complex_cases, held_on=TODAY, attendees=[doctor], other_attendees=2, cases_reviewed=4
    )
    assert (list(meeting.attendees.all()), meeting.other_attendees, meeting.cases_reviewed) == (
        [doctor],
        2,
        4,
    )
    assert (meeting.agenda, meeting.minutes, meeting.decisions) == ("", "", "")


def test_a_count_of_situations_is_refused_outside_the_complex_cases_cell(steering):
    with pytest.raises(ContractError) as refused:
        add_meeting(steering, held_on=TODAY, cases_reviewed=2)
    assert refused.value.messages == [
        "Le nombre de situations examinées ne concerne que la cellule cas complexes."
    ]


def test_attendees_must_be_members_of_the_body_and_nothing_is_written(steering, complex_cases):
    member = add_member(steering, person="Coordinatrice du CLSM", quart=Quart.COORDINATOR)
    stranger = add_member(complex_cases, person="Assistante sociale de secteur")
    with pytest.raises(ContractError) as refused:
        add_meeting(steering, held_on=TODAY, agenda="Bilan annuel", attendees=[member, stranger])
    assert refused.value.messages == [
        "Ne sont pas membres de cette instance : Assistante sociale de secteur."
    ]
    assert not Meeting.objects.exists()


def test_negative_counts_are_refused(complex_cases):
    with pytest.raises(ContractError) as refused:
        add_meeting(complex_cases, held_on=TODAY, other_attendees=-1)
    assert refused.value.messages == ["Les effectifs ne peuvent pas être négatifs."]


def test_a_meeting_keeps_its_agenda_minutes_decisions_and_attendees(steering):
    member = add_member(steering, person="Coordinatrice du CLSM", quart=Quart.COORDINATOR)
    meeting = add_meeting(
        steering,
        held_on=datetime.date(2025, 3, 12),
        agenda=" Bilan ",
        minutes="Compte rendu",
        decisions="Lancer le groupe logement",
        attendees=[member],
        other_attendees=5,
    )
    assert (meeting.agenda, meeting.decisions, meeting.attendees.get()) == (
        "Bilan",
        "Lancer le groupe logement",
        member,
    )


def test_the_four_quarts_item_passes_once_the_four_quarts_and_an_elected_chair_are_seated(clsm, steering):
    item = _four_quarts_item(clsm)
    assert not item.ok
    assert "élu·e local·e, psychiatrie publique, usagers, aidants" in item.detail
    _seat_the_four_quarts(steering)
    item = _four_quarts_item(clsm)
    assert item.ok, item.detail
    assert item.status_label == "Conforme"


def test_the_four_quarts_item_fails_when_the_chairs_term_has_ended(clsm, steering):
    _seat_the_four_quarts(steering, chair_ends_on=YESTERDAY)
    item = _four_quarts_item(clsm)
    assert not item.ok
    assert item.blocking
    assert "quart(s) absent(s) : élu·e local·e" in item.detail
    assert "la présidence n’est pas assurée par un·e élu·e local·e" in item.detail


def test_the_four_quarts_item_fails_when_the_elected_member_does_not_chair(clsm, steering):
    _seat_the_four_quarts(steering)
    BodyMember.objects.filter(role=MemberRole.CHAIR).update(role=MemberRole.MEMBER)
    item = _four_quarts_item(clsm)
    assert not item.ok
    assert item.detail == "la présidence n’est pas assurée par un·e élu·e local·e."
