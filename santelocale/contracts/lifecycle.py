"""The life of a contract: which status may follow which, who may make the move, what must hold.

    en réflexion ⇄ préfiguration → diagnostic → élaboration → signé → mise en œuvre → évaluation
    → achevé | renouvelé; a running or ended contract may be set « à réactiver ».

Every move is a ``StatusChange`` row (who, when, from, to, why). Going back is a move too, logged the
same way: nothing is ever undone silently. A running contract past its end date is shown « à échéance »
(``Contract.is_overdue``) without any write.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from santelocale.contracts.compliance import blocking_failures
from santelocale.contracts.enums import Status
from santelocale.contracts.models import Contract, StatusChange
from santelocale.contracts.services import ContractError, date_problems, default_end
from santelocale.utils import fr


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    label: str
    #: the permission needed besides « change » (signature is the ARS's act)
    permission: str = "contracts.change_contract"
    backwards: bool = False


S = Status
TRANSITIONS = [
    Transition(S.REFLECTION, S.PREFIGURATION, "Passer en préfiguration"),
    Transition(S.REFLECTION, S.DIAGNOSIS, "Engager le diagnostic"),
    Transition(S.PREFIGURATION, S.DIAGNOSIS, "Engager le diagnostic"),
    Transition(S.PREFIGURATION, S.REFLECTION, "Revenir en réflexion", backwards=True),
    Transition(S.DIAGNOSIS, S.DRAFTING, "Passer à l’élaboration"),
    Transition(S.DIAGNOSIS, S.PREFIGURATION, "Revenir en préfiguration", backwards=True),
    Transition(S.DRAFTING, S.SIGNED, "Enregistrer la signature", permission="contracts.sign_contract"),
    Transition(S.DRAFTING, S.DIAGNOSIS, "Revenir au diagnostic", backwards=True),
    Transition(S.SIGNED, S.IMPLEMENTATION, "Lancer la mise en œuvre"),
    Transition(
        S.SIGNED, S.DRAFTING, "Annuler la signature", permission="contracts.sign_contract", backwards=True
    ),
    Transition(S.IMPLEMENTATION, S.EVALUATION, "Engager l’évaluation"),
    Transition(S.IMPLEMENTATION, S.TO_REACTIVATE, "Signaler « à réactiver »"),
    Transition(S.EVALUATION, S.IMPLEMENTATION, "Revenir à la mise en œuvre", backwards=True),
    Transition(S.EVALUATION, S.COMPLETED, "Clore le contrat"),
    Transition(S.EVALUATION, S.RENEWED, "Marquer comme renouvelé"),
    Transition(S.COMPLETED, S.RENEWED, "Marquer comme renouvelé"),
    Transition(S.COMPLETED, S.TO_REACTIVATE, "Signaler « à réactiver »"),
    Transition(S.TO_REACTIVATE, S.IMPLEMENTATION, "Reprendre la mise en œuvre"),
    Transition(S.TO_REACTIVATE, S.RENEWED, "Marquer comme renouvelé"),
    Transition(S.RENEWED, S.EVALUATION, "Annuler le renouvellement", backwards=True),
]
_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}


@dataclass
class Option:
    """A move offered to a user: possible now, or blocked with the reasons."""

    transition: Transition
    blockers: list[str] = field(default_factory=list)

    @property
    def target(self) -> str:
        return self.transition.target

    @property
    def label(self) -> str:
        return self.transition.label

    @property
    def allowed(self) -> bool:
        return not self.blockers


def _preconditions(
    contract: Contract, transition: Transition, effective_on: datetime.date, user=None
) -> list[str]:
    """What must hold for ``transition`` besides the user's rights (French messages, naming linked
    contracts as ``user`` may read them)."""
    problems = []
    if transition.target == Status.SIGNED:
        problems += [f"{item.label} : {item.detail}" for item in blocking_failures(contract, user)]
        signed_on = effective_on
        problems += date_problems(
            launched_on=contract.launched_on,
            signed_on=signed_on,
            starts_on=contract.starts_on or signed_on,
            ends_on=contract.ends_on or default_end(contract.starts_on or signed_on),
        )
    if transition.target == Status.RENEWED and not contract.renewals.exists():
        problems.append("Ouvrez d’abord le contrat de la génération suivante (« Renouveler le contrat »).")
    if (
        transition.source == Status.RENEWED
        and contract.renewals.exclude(status__in=[Status.REFLECTION]).exists()
    ):
        problems.append("Le contrat de la génération suivante est déjà engagé.")
    return problems


def options_for(contract: Contract, user) -> list[Option]:
    """The moves from the contract's current status the user is entitled to, each with its blockers.

    Moves the user has no right to are left out; moves whose conditions fail are kept with the reasons,
    so the page can say what is missing.
    """
    options = []
    for transition in TRANSITIONS:
        if transition.source != contract.status:
            continue
        if not (
            user.has_perm("contracts.change_contract", contract)
            and user.has_perm(transition.permission, contract)
        ):
            continue
        options.append(Option(transition, _preconditions(contract, transition, timezone.localdate(), user)))
    return options


def change_status(
    contract: Contract, *, user, target: str, reason: str, effective_on: datetime.date | None = None
) -> StatusChange:
    """Move ``contract`` to ``target`` and log who, when and why.

    Refuses (``ContractError``) a move not allowed from the current status, a user without the right
    (``PermissionError``), a missing reason, a date in the future, and — for the signature — a failing
    blocking item of the compliance checklist or dates out of order. Signing fills in the signature date
    (the effective date), the start (the signature) and the end (five years later) when they are empty.
    """
    if target == Status.SIGNED and effective_on is None and contract.signed_on:
        # The signature date entered beforehand is the date the log records for the signature.
        effective_on = contract.signed_on
    effective_on = effective_on or timezone.localdate()
    if target not in Status.values:
        raise ContractError(f"Statut inconnu : « {target} ».")
    transition = _BY_PAIR.get((contract.status, target))
    if transition is None:
        raise ContractError(
            f"Passage impossible de « {contract.get_status_display()} » à « {Status(target).label} »."
        )
    if not (
        user.has_perm("contracts.change_contract", contract)
        and user.has_perm(transition.permission, contract)
    ):
        who = "à l’ARS" if transition.permission == "contracts.sign_contract" else "aux éditeurs du contrat"
        raise PermissionError(f"« {transition.label} » est réservé {who}.")
    problems = []
    if not reason.strip():
        problems.append("Indiquez le motif du changement de statut.")
    if effective_on > timezone.localdate():
        problems.append(f"La date d’effet ({fr.short_date(effective_on)}) ne peut pas être dans le futur.")
    latest = contract.status_changes.order_by("-effective_on", "-changed_at", "-pk").first()
    if latest is not None and effective_on < latest.effective_on:
        # The log is read in time order: a step dated before the last one would list « Signé » above
        # « En réflexion ».
        problems.append(
            f"La date d’effet ({fr.short_date(effective_on)}) précède la dernière étape du journal "
            f"(« {latest.get_to_status_display()} », le {fr.short_date(latest.effective_on)}) : "
            "les étapes d’un contrat se suivent dans le temps. Un contrat signé avant d’être enregistré "
            "ici s’enregistre directement comme signé, avec sa date de signature (par l’ARS)."
        )
    problems += _preconditions(contract, transition, effective_on, user)
    if problems:
        raise ContractError(problems)
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        if locked.status != contract.status:
            raise ContractError(
                "Le statut du contrat vient d’être modifié par quelqu’un d’autre : rechargez la page."
            )
        if target == Status.SIGNED:
            # The contract's signature date and the log's signature move always agree.
            contract.signed_on = effective_on
            contract.starts_on = contract.starts_on or contract.signed_on
            contract.ends_on = contract.ends_on or default_end(contract.starts_on)
        previous = contract.status
        contract.status = target
        contract.save()
        return StatusChange.objects.create(
            contract=contract,
            from_status=previous,
            to_status=target,
            changed_by=user if user.is_authenticated else None,
            effective_on=effective_on,
            reason=reason.strip(),
        )


# --- Where the contract stands: the stepper of its page --------------------------------------------------

#: The main path of a contract's life, as its page's stepper draws it (the last step: ended or renewed).
MAIN_PATH = [
    S.REFLECTION,
    S.PREFIGURATION,
    S.DIAGNOSIS,
    S.DRAFTING,
    S.SIGNED,
    S.IMPLEMENTATION,
    S.EVALUATION,
    S.COMPLETED,
]
#: Statuses off the main path, drawn at the step they belong to.
_STEP_OF = {S.TO_REACTIVATE: S.IMPLEMENTATION, S.RENEWED: S.COMPLETED}
_LAST_STEP_TITLE = "Achevé ou renouvelé"

#: Who takes a move, by the permission it needs besides « change ».
ACTORS = {
    "contracts.sign_contract": "l’ARS (son siège régional ou la délégation départementale du contrat)",
    "contracts.change_contract": "les éditeurs des collectivités porteuses, ou l’ARS",
}


@dataclass
class NextStep:
    """The move that takes the contract forward, who takes it, and what still stands in its way."""

    transition: Transition
    actor: str
    blockers: list[str]
    #: the reader may take this move (their rights; the blockers may still stop it)
    yours: bool


@dataclass
class Journey:
    """Where a contract stands in its life (a DSFR stepper) and its next step."""

    title: str
    number: int
    total: int
    next_title: str | None
    next_step: NextStep | None


def _forward(status: str) -> Transition | None:
    """The first forward move from ``status`` (the path's next step; « à réactiver » is not one)."""
    return next(
        (t for t in TRANSITIONS if t.source == status and not t.backwards and t.target != S.TO_REACTIVATE),
        None,
    )


def journey(contract: Contract, user) -> Journey:
    """The contract's place on ``MAIN_PATH`` and the next move: its label, who takes it (the ARS records a
    signature; the porteurs or the ARS make the other moves) and what blocks it today (the checklist's
    blocking items, dates), for ``user``. A contract ended or renewed has no next step."""
    status = Status(contract.status)
    step = _STEP_OF.get(status, status)
    number = MAIN_PATH.index(step) + 1
    following = MAIN_PATH[number] if number < len(MAIN_PATH) else None
    next_title = None
    if following is not None:
        next_title = _LAST_STEP_TITLE if following == S.COMPLETED else Status(following).label
    transition = None if step == S.COMPLETED else _forward(status)
    next_step = None
    if transition is not None:
        next_step = NextStep(
            transition=transition,
            actor=ACTORS[transition.permission],
            blockers=_preconditions(contract, transition, timezone.localdate(), user),
            yours=user.has_perm("contracts.change_contract", contract)
            and user.has_perm(transition.permission, contract),
        )
    return Journey(status.label, number, len(MAIN_PATH), next_title, next_step)
