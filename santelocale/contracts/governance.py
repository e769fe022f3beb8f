"""Governance of a contract: bodies, their members (with a CLSM quart) and their meetings.

A « cellule cas complexes » examines individual situations: it must keep no personal health data, so its
meetings record only date, attendance and the number of situations examined.
"""

import datetime

from django.db import transaction

from santelocale.contracts.enums import BodyKind, ContractKind, MemberRole, Quart
from santelocale.contracts.models import Body, BodyMember, Contract, Meeting
from santelocale.contracts.services import ContractError
from santelocale.utils import fr
from santelocale.utils.bounds import column_problems

CLSM_ONLY_BODIES = (BodyKind.CLSM_STEERING, BodyKind.COMPLEX_CASES)
#: Shown on every free-text field of bodies, members and meetings (forms and API schema).
NO_HEALTH_DATA = (
    "Aucune donnée de santé concernant une personne (diagnostic, soins, situation d’un patient ou d’un "
    "habitant) : ce texte est lu par les membres et partenaires du contrat."
)
COMPLEX_CASES_RULE = (
    "Une cellule cas complexes ne conserve aucune donnée personnelle de santé : seuls la date, les présents "
    "et le nombre de situations examinées sont enregistrés (ni ordre du jour, ni compte rendu, ni décisions)."
)


def add_body(contract: Contract, *, kind: str, name: str, mandate: str = "") -> Body:
    """Create a body; refuses an unknown kind, an empty name, and CLSM-only bodies on a CLS."""
    problems = []
    if kind not in BodyKind.values:
        problems.append(f"Type d’instance inconnu : « {kind} ».")
    elif kind in CLSM_ONLY_BODIES and contract.kind != ContractKind.CLSM:
        problems.append(f"« {BodyKind(kind).label} » est une instance propre aux CLSM.")
    if not name.strip():
        problems.append("Le nom de l’instance est obligatoire.")
    problems += column_problems(Body, {"name": name.strip(), "mandate": mandate.strip()})
    if problems:
        raise ContractError(problems)
    return Body.objects.create(contract=contract, kind=kind, name=name.strip(), mandate=mandate.strip())


def add_member(
    body: Body,
    *,
    person: str,
    organisation: str = "",
    role: str = MemberRole.MEMBER,
    quart: str = "",
    term_starts_on: datetime.date | None = None,
    term_ends_on: datetime.date | None = None,
) -> BodyMember:
    """Seat a member; refuses an empty name, a term ending before it starts, a quart outside a CLSM, and a
    second current chair."""
    problems = []
    if not person.strip():
        problems.append("Indiquez la personne ou la fonction du membre.")
    if role not in MemberRole.values:
        problems.append(f"Rôle inconnu : « {role} ».")
    if quart and quart not in Quart.values:
        problems.append(f"Quart inconnu : « {quart} ».")
    if quart and body.contract.kind != ContractKind.CLSM:
        problems.append("Les « quarts » ne concernent que les CLSM.")
    if term_starts_on and term_ends_on and term_ends_on < term_starts_on:
        problems.append(
            f"Le mandat finit ({fr.short_date(term_ends_on)}) "
            f"avant de commencer ({fr.short_date(term_starts_on)})."
        )
    if role == MemberRole.CHAIR:
        chairs = [m for m in body.members.filter(role=MemberRole.CHAIR) if m.is_current()]
        if chairs:
            problems.append(f"L’instance a déjà une présidence : {chairs[0].person}.")
    problems += column_problems(BodyMember, {"person": person.strip(), "organisation": organisation.strip()})
    if problems:
        raise ContractError(problems)
    return BodyMember.objects.create(
        body=body,
        person=person.strip(),
        organisation=organisation.strip(),
        role=role,
        quart=quart,
        term_starts_on=term_starts_on,
        term_ends_on=term_ends_on,
    )


def add_meeting(body: Body, **fields) -> Meeting:
    """Record a meeting of ``body`` (``held_on``, ``agenda``, ``minutes``, ``decisions``, ``attendees``,
    ``other_attendees``, ``cases_reviewed``). Refuses attendees who are not members of the body, a negative
    count, and any free text for a « cellule cas complexes » (see ``COMPLEX_CASES_RULE``)."""
    return _save_meeting(Meeting(body=body), **fields)


def update_meeting(meeting: Meeting, *, expected_version: int | None = None, **fields) -> Meeting:
    """Change a meeting — typically its minutes and decisions, written after it was held, or a correction —
    under the rules of ``add_meeting`` (same fields). With ``expected_version`` (the version the user's form
    or API read), a meeting changed since by someone else is not overwritten: ``VersionConflict``, nothing
    written."""
    return _save_meeting(meeting, expected_version=expected_version, **fields)


def _save_meeting(
    meeting: Meeting,
    *,
    held_on: datetime.date,
    agenda: str = "",
    minutes: str = "",
    decisions: str = "",
    attendees: list[BodyMember] | None = None,
    other_attendees: int = 0,
    cases_reviewed: int | None = None,
    expected_version: int | None = None,
) -> Meeting:
    body = meeting.body
    attendees = attendees or []
    problems = []
    strangers = [m.person for m in attendees if m.body_id != body.pk]
    if strangers:
        problems.append("Ne sont pas membres de cette instance : " + ", ".join(strangers) + ".")
    if other_attendees < 0 or (cases_reviewed is not None and cases_reviewed < 0):
        problems.append("Les effectifs ne peuvent pas être négatifs.")
    if body.keeps_no_minutes and any(text.strip() for text in (agenda, minutes, decisions)):
        problems.append(COMPLEX_CASES_RULE)
    if not body.keeps_no_minutes and cases_reviewed is not None:
        problems.append("Le nombre de situations examinées ne concerne que la cellule cas complexes.")
    counts = {"other_attendees": other_attendees, "cases_reviewed": cases_reviewed}
    problems += column_problems(
        Meeting,
        {"agenda": agenda, "minutes": minutes, "decisions": decisions}
        | {name: count for name, count in counts.items() if count is None or count >= 0},  # < 0: said above
    )
    if problems:
        raise ContractError(problems)
    meeting.held_on = held_on
    meeting.agenda = agenda.strip()
    meeting.minutes = minutes.strip()
    meeting.decisions = decisions.strip()
    meeting.other_attendees = other_attendees
    meeting.cases_reviewed = cases_reviewed
    with transaction.atomic():
        meeting.save(expected_version=expected_version)
        meeting.attendees.set(attendees)
    return meeting
