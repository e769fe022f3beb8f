"""What a user reads of a contract's action plan: the one definition that the plan pages, the API, the
documents and the exports share (``Action.objects.restrict(user, "view")`` on live fiches: confidential
fiches for the contract's parties and their pilot only, a sub-action hidden with its confidential fiche;
see ``plans.perms``). ``user`` None reads everything (the commands and the demo).

- ``plan_actions`` / ``plan_indicators``: querysets to filter further (pages, API);
- ``binned_actions``: the fiches of the bin the user may see;
- ``copy_source``: the published fiche a fiche was copied from, if it is live and the user may read it;
- ``visible_actions`` / ``visible_indicators``: the same read once with every part prefetched, in order
  (documents);
- ``read_plan``: the plan as read once — sections in reading order, visible fiches grouped by section,
  sub-actions by parent.
"""

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Prefetch, Q, prefetch_related_objects

from santelocale.indicators.models import Indicator
from santelocale.plans.models import Action
from santelocale.plans.services import section_tree


def plan_actions(contract, user=None):
    """The live fiches and sub-actions of ``contract`` that ``user`` may see (all when ``user`` is None)."""
    actions = Action.objects.alive().filter(contract=contract)
    if user is not None:
        actions = actions.restrict(user, "view")
    return actions


def binned_actions(contract, user):
    """The fiches and sub-actions of ``contract`` in the bin that ``user`` may see."""
    return Action.objects.filter(contract=contract, deleted_at__isnull=False).restrict(user, "view")


def copy_source(action: Action, user) -> Action | None:
    """The fiche ``action`` was copied from (« Réutiliser cette fiche »), as ``user`` may read it: None when
    there is none, when it is in the bin, or when its contract or its confidentiality hides it."""
    if action.copied_from_id is None:
        return None
    return (
        Action.objects.alive()
        .restrict(user, "view")
        .select_related("contract")
        .filter(pk=action.copied_from_id)
        .first()
    )


def plan_indicators(contract, user=None):
    """The indicators of ``contract`` that ``user`` may see: on the contract, on an axis, or on a fiche
    of ``plan_actions``."""
    return Indicator.objects.filter(contract=contract).filter(
        Q(action__isnull=True) | Q(action__in=plan_actions(contract, user).values("pk"))
    )


def visible_actions(contract, user) -> list[Action]:
    """``plan_actions`` with every part prefetched (lists, territory, steps, notes, links, funding,
    indicators with their values, linked fiches as the user may see them), in position order."""
    actions = (
        plan_actions(contract, user)
        .select_related("section", "pilot_user")
        .prefetch_related(
            "publics",
            "intervention_types",
            "determinants",
            "communes",
            "neighbourhoods",
            "steps",
            "follow_ups",
            "links",
            "funding",
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("values")),
            # Linked fiches as the user may see them: a confidential one is not named to outsiders.
            Prefetch(
                "linked",
                queryset=plan_actions(contract, user).only("pk", "number", "title", "contract_id"),
            ),
        )
        .order_by("position", "pk")
    )
    return list(actions)


def visible_indicators(contract, user) -> list[Indicator]:
    """``plan_indicators`` with their section, fiche and values, by kind and name."""
    indicators = (
        plan_indicators(contract, user)
        .select_related("section", "action")
        .prefetch_related("values")
        .order_by("kind", "name", "pk")
    )
    return list(indicators)


@dataclass
class PlanParts:
    """The plan as one user reads it, read once: sections in reading order, visible fiches grouped,
    sub-actions by parent."""

    tree: list  # [(Section, depth)]
    sections: dict  # pk → Section
    actions: list  # every visible fiche and sub-action (``visible_actions``)
    fiches_by_section: dict  # section pk (or None) → [Action]
    subs_by_parent: dict  # fiche pk → [Action]
    ordered: list  # fiches and sub-actions in reading order (each sub-action after its fiche)
    fiches: list  # fiches only, in reading order

    @cached_property
    def visible_pks(self) -> set[int]:
        return {a.pk for a in self.actions}

    @cached_property
    def fiche_by_pk(self) -> dict:
        return {a.pk: a for a in self.fiches}

    def axis_path(self, action: Action) -> str:
        """« 1. Accès aux soins › 1.1. Rendre l’offre lisible » (the parent's for a sub-action)."""
        section_id = action.section_id
        if action.parent_id is not None:
            parent = self.fiche_by_pk.get(action.parent_id)
            section_id = parent.section_id if parent else None
        chain = []
        while section_id is not None and section_id in self.sections:
            section = self.sections[section_id]
            chain.append(section.label)
            section_id = section.parent_id
        return " › ".join(reversed(chain))


def read_plan(contract, user) -> PlanParts:
    """The sections of ``contract`` (with their socles) and the fiches ``user`` may see, in reading order;
    a fiche whose section is gone is « hors axe »."""
    tree = section_tree(contract)
    prefetch_related_objects([s for s, _ in tree], "themes")
    sections = {s.pk: s for s, _ in tree}
    actions = visible_actions(contract, user)
    fiches_by_section = defaultdict(list)
    subs_by_parent = defaultdict(list)
    for action in actions:
        if action.parent_id is None:
            fiches_by_section[action.section_id if action.section_id in sections else None].append(action)
        else:
            subs_by_parent[action.parent_id].append(action)
    fiches = [a for s, _ in tree for a in fiches_by_section.get(s.pk, [])] + fiches_by_section.get(None, [])
    ordered = []
    for fiche in fiches:
        ordered.append(fiche)
        ordered += subs_by_parent.get(fiche.pk, [])
    return PlanParts(
        tree=tree,
        sections=sections,
        actions=actions,
        fiches_by_section=fiches_by_section,
        subs_by_parent=subs_by_parent,
        ordered=ordered,
        fiches=fiches,
    )
