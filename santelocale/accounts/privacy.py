"""Erasing a person's personal data on request (RGPD, right to erasure), history kept but pseudonymised.

Personal data lives in accounts (name, e-mail), contracts' contacts (name, e-mail, phone), governance
bodies' members (name), and fiches' pilots and elected referents (names as text; a pilot with an account
is the account). ``erase_person`` replaces the person's name, e-mail and phone with ``ERASED`` in each of
those rows *and in their history tables*, so that « who changed what » stays (the history row and its
author account remain) without naming the person. The account is deactivated, not deleted: history rows,
notes and fiches keep pointing at it.
"""

import re
import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from santelocale.accounts.models import User
from santelocale.contracts.models import BodyMember, Contact
from santelocale.plans.models import Action

ERASED = "personne effacée"


@dataclass
class Erasure:
    """What ``erase_person`` changed: rows per place (« contacts », « historique des contacts »…)."""

    account: User | None = None
    names: list[str] = field(default_factory=list)
    changed: dict[str, int] = field(default_factory=dict)

    def add(self, place: str, count: int) -> None:
        if count:
            self.changed[place] = self.changed.get(place, 0) + count

    @property
    def summary(self) -> str:
        if not self.changed:
            return "Aucune donnée personnelle trouvée pour cette personne."
        return "Effacé : " + ", ".join(f"{place} ({count})" for place, count in self.changed.items()) + "."


def _replace_in_list(text: str, names: set[str]) -> str:
    """« Jeanne Martin, Paul Durand » with Jeanne erased: « personne effacée, Paul Durand »."""
    parts = [part.strip() for part in text.split(",")]
    return ", ".join(ERASED if part.casefold() in names else part for part in parts)


def _lists(queryset, fields: tuple[str, ...], names: set[str]) -> int:
    """Rewrite the comma lists ``fields`` of the rows of ``queryset`` naming one of ``names``; the count."""
    pattern = Q()
    for name in names:
        for name_field in fields:
            pattern |= Q(**{f"{name_field}__icontains": name})
    changed = 0
    for row in queryset.filter(pattern).iterator():
        values = {f: _replace_in_list(getattr(row, f), names) for f in fields}
        if any(values[f] != getattr(row, f) for f in fields):
            queryset.model._base_manager.filter(pk=row.pk).update(**values)
            changed += 1
    return changed


@transaction.atomic
def erase_person(*, email: str = "", names: list[str] | tuple[str, ...] = ()) -> Erasure:
    """Erase the person with the e-mail ``email`` and/or the full ``names`` (as written on contacts,
    members, fiches) everywhere, history tables included; deactivate their account. Returns what was
    changed. Refuses (``ValueError``) a call with neither an e-mail nor a name. Free text (descriptions,
    minutes) is not rewritten: it must not hold personal data (see the « Données personnelles » page)."""
    email = email.strip().lower()
    result = Erasure()
    wanted = {name.strip() for name in names if name.strip()}
    if not email and not wanted:
        raise ValueError("Indiquez l’adresse électronique ou le nom de la personne à effacer.")
    account = User.objects.filter(email__iexact=email).first() if email else None
    if account is not None:
        full = account.get_full_name().strip()
        if full:
            wanted.add(full)
        account.first_name = ""
        account.last_name = ERASED
        account.email = f"efface-{account.pk}-{secrets.token_hex(4)}@personne-effacee.invalid"
        account.is_active = False
        account.set_unusable_password()
        account.save()
        result.account = account
        result.add("compte", 1)
    result.names = sorted(wanted)
    folded = {name.casefold() for name in wanted}

    for model, place in ((Contact, "contacts"), (Contact.history.model, "historique des contacts")):
        who = Q(name__in=wanted) | Q(name__iregex=_names_regex(wanted)) if wanted else Q(pk__in=[])
        if email:
            who |= Q(email__iexact=email)
        result.add(place, model._base_manager.filter(who).update(name=ERASED, email="", phone=""))
    for model, place in (
        (BodyMember, "membres d’instance"),
        (BodyMember.history.model, "historique des membres"),
    ):
        if wanted:
            result.add(
                place, model._base_manager.filter(person__iregex=_names_regex(wanted)).update(person=ERASED)
            )
    if folded:
        fields = ("pilot_name", "elected_referent")
        result.add("pilotes et élus des fiches", _lists(Action._base_manager.all(), fields, folded))
        result.add("historique des fiches", _lists(Action.history.model._base_manager.all(), fields, folded))
    return result


def _names_regex(names: set[str]) -> str:
    return r"^\s*(" + "|".join(re.escape(name) for name in names) + r")\s*$"
