"""Erasing a person's personal data on request (RGPD, right to erasure), history kept but pseudonymised.

Personal data lives in accounts (name, e-mail), contracts' contacts (name, e-mail, phone), governance
bodies' members (name), and fiches' pilots and elected referents (names as text; a pilot with an account
is the account). ``erase_person`` replaces the person's name, e-mail and phone with ``ERASED`` in each of
those rows *and in their history tables*, so that « who changed what » stays (the history row and its
author account remain) without naming the person. The account is deactivated, not deleted: history rows,
notes and fiches keep pointing at it.

Accounts sit below contracts and plans (docs/architecture.md, « Layers »): this module erases the account
and then runs the *erasers* that the apps holding personal data register in their ``AppConfig.ready``
(``register_eraser``; ``contracts.privacy``, ``plans.privacy``), in the order of ``INSTALLED_APPS``. Each
app knows which of its columns name a person; a new app holding personal data registers its own eraser.
"""

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from santelocale.accounts.models import User

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


@dataclass(frozen=True)
class Person:
    """Whom an eraser looks for: the e-mail (lowercased; may be empty) and the full names as written on
    contacts, members and fiches (``folded``: the same, casefolded). At least one of them is given."""

    email: str
    names: frozenset[str]

    @property
    def folded(self) -> frozenset[str]:
        return frozenset(name.casefold() for name in self.names)


#: ``eraser(person, erasure)``: erases ``person`` in one app's rows and history (counts: ``erasure.add``).
Eraser = Callable[[Person, Erasure], None]
_ERASERS: list[Eraser] = []


def register_eraser(eraser: Eraser) -> Eraser:
    """Add ``eraser`` to what ``erase_person`` runs (once, however often an app registers it); returns it."""
    if eraser not in _ERASERS:
        _ERASERS.append(eraser)
    return eraser


def names_regex(names) -> str:
    """The pattern (for ``__iregex``) of a text that is exactly one of ``names``, spaces around allowed."""
    return r"^\s*(" + "|".join(re.escape(name) for name in names) + r")\s*$"


def _replace_in_list(text: str, names: set[str]) -> str:
    """« Jeanne Martin, Paul Durand » with Jeanne erased: « personne effacée, Paul Durand »."""
    parts = [part.strip() for part in text.split(",")]
    return ", ".join(ERASED if part.casefold() in names else part for part in parts)


def erase_in_lists(queryset, fields: tuple[str, ...], names) -> int:
    """Rewrite the comma lists ``fields`` of the rows of ``queryset`` naming one of ``names`` (casefolded):
    each such name becomes ``ERASED``, the others stay. Returns the number of rows changed."""
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
    members, fiches) everywhere, history tables included: their account here (deactivated), then every
    registered eraser (``register_eraser``). Returns what was changed. Refuses (``ValueError``) a call
    with neither an e-mail nor a name. Free text (descriptions, minutes) is not rewritten: it must not
    hold personal data (see the « Données personnelles » page)."""
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
    person = Person(email=email, names=frozenset(wanted))
    for eraser in _ERASERS:
        eraser(person, result)
    return result
