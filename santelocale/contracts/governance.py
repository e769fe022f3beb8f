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
    return _save_body(Body(contract=contract), kind=kind, name=name, mandate=mandate)


def update_body(
    body: Body, *, name: str, mandate: str = "", kind: str | None = None, expected_version: int | None = None
) -> Body:
    """Rename a body or rewrite its role and theme, under the rules of ``add_body``. Its kind (``kind``, or
    unchanged when ``None``) may change only while it has no meeting: a meeting's record depends on it (a
    « cellule cas complexes » keeps no minutes). With ``expected_version``, a body changed since by someone
    else is not overwritten (``VersionConflict``, nothing written)."""
    return _save_body(
        body,
        kind=body.kind if kind is None else kind,
        name=name,
        mandate=mandate,
        expected_version=expected_version,
    )


def _save_body(
    body: Body, *, kind: str, name: str, mandate: str, expected_version: int | None = None
) -> Body:
    problems = []
    if kind not in BodyKind.values:
        problems.append(f"Type d’instance inconnu : « {kind} ».")
    elif kind in CLSM_ONLY_BODIES and body.contract.kind != ContractKind.CLSM:
        problems.append(f"« {BodyKind(kind).label} » est une instance propre aux CLSM.")
    elif body.pk and kind != body.kind and body.meetings.exists():
        problems.append(
            f"« {body.name} » a déjà des réunions : son type ne change plus (créez une autre instance)."
        )
    if not name.strip():
        problems.append("Le nom de l’instance est obligatoire.")
    problems += column_problems(Body, {"name": name.strip(), "mandate": mandate.strip()})
    if problems:
        raise ContractError(problems)
    body.kind, body.name, body.mandate = kind, name.strip(), mandate.strip()
    body.save(expected_version=expected_version)
    return body


def add_member(body: Body, **fields) -> BodyMember:
    """Seat a member (``person``, ``organisation``, ``role``, ``quart``, ``term_starts_on``,
    ``term_ends_on``, ``user``: the person's account, which then reads the body's minutes). Refuses an
    empty name, a term ending before it starts, a quart outside a CLSM, and a second current chair."""
    return _save_member(BodyMember(body=body), **fields)


def update_member(member: BodyMember, *, expected_version: int | None = None, **fields) -> BodyMember:
    """Change a seat (same fields and rules as ``add_member``). With ``expected_version``, a seat changed
    since by someone else is not overwritten (``VersionConflict``, nothing written)."""
    return _save_member(member, expected_version=expected_version, **fields)


def _save_member(
    member: BodyMember,
    *,
    person: str,
    organisation: str = "",
    role: str = MemberRole.MEMBER,
    quart: str = "",
    term_starts_on: datetime.date | None = None,
    term_ends_on: datetime.date | None = None,
    user=None,
    expected_version: int | None = None,
) -> BodyMember:
    body = member.body
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
    if user is not None and not user.is_active:
        problems.append("Ce compte est désactivé : il ne peut pas être lié à un siège.")
    problems += column_problems(BodyMember, {"person": person.strip(), "organisation": organisation.strip()})
    with transaction.atomic():
        if role == MemberRole.CHAIR:
            # The body's row is locked first, so that two requests seating a chair cannot both find none.
            Body.objects.select_for_update().filter(pk=body.pk).first()
            others = body.members.filter(role=MemberRole.CHAIR).exclude(pk=member.pk)
            chairs = [m for m in others if m.is_current()]
            if chairs:
                problems.append(f"L’instance a déjà une présidence : {chairs[0].person}.")
        if problems:
            raise ContractError(problems)
        member.person, member.organisation = person.strip(), organisation.strip()
        member.role, member.quart, member.user = role, quart, user
        member.term_starts_on, member.term_ends_on = term_starts_on, term_ends_on
        member.save(expected_version=expected_version)
    return member


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
