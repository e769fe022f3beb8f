"""Erasing a person in the contracts app: contacts (name, e-mail, phone) and governance bodies' members
(name), history tables included. ``ContractsConfig.ready`` registers ``erase_person_in_contracts`` with
``accounts.privacy``, which runs it after erasing the account."""

from django.db.models import Q

from santelocale.accounts.privacy import ERASED, Erasure, Person, names_regex
from santelocale.contracts.models import BodyMember, Contact


def erase_person_in_contracts(person: Person, erasure: Erasure) -> None:
    """Replace ``person`` (by e-mail or exact name) with ``ERASED`` on contacts, with their e-mail and
    phone emptied, and (by name) on body members; history rows too. Counts go to ``erasure``."""
    for model, place in ((Contact, "contacts"), (Contact.history.model, "historique des contacts")):
        if person.names:
            who = Q(name__in=person.names) | Q(name__iregex=names_regex(person.names))
        else:
            who = Q(pk__in=[])
        if person.email:
            who |= Q(email__iexact=person.email)
        erasure.add(place, model._base_manager.filter(who).update(name=ERASED, email="", phone=""))
    if not person.names:
        return
    for model, place in (
        (BodyMember, "membres d’instance"),
        (BodyMember.history.model, "historique des membres"),
    ):
        erasure.add(
            place,
            model._base_manager.filter(person__iregex=names_regex(person.names)).update(person=ERASED),
        )
