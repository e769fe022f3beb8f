"""Erasing a person in the plans app: fiches' pilots and elected referents (comma lists of names), history
tables included. ``PlansConfig.ready`` registers ``erase_person_in_plans`` with ``accounts.privacy``."""

from santelocale.accounts.privacy import Erasure, Person, erase_in_lists
from santelocale.plans.models import Action

FIELDS = ("pilot_name", "elected_referent")


def erase_person_in_plans(person: Person, erasure: Erasure) -> None:
    """Replace ``person``'s name (case-insensitive, one item of the list) in the pilots and elected
    referents of every fiche, bin and history included; counts go to ``erasure``. A pilot with an account
    is the account, which ``accounts.privacy`` erased already."""
    if not person.names:
        return
    folded = person.folded
    erasure.add("pilotes et élus des fiches", erase_in_lists(Action._base_manager.all(), FIELDS, folded))
    erasure.add(
        "historique des fiches", erase_in_lists(Action.history.model._base_manager.all(), FIELDS, folded)
    )
