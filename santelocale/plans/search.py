"""Search of the published fiches actions of every contract, and their copy into one's own plan.

The search reads only what anyone may read: the live fiches (and sub-actions) of **published** contracts
that are not confidential (nor under a confidential or binned fiche), whoever asks. The free text is folded
(accents, case, punctuation) and every word must start a word of the fiche's ``search_text``; results are
ordered by relevance (how many of the words start a word of the title), then by contract name.

Filters come from a query string, read by ``plans.filtersets.FicheSearchFilterSet`` (the page and the API
share it); an unknown value is ignored with a French warning (the API refuses it instead). The page shows
20 fiches per page.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field, fields
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils.text import Truncator

from santelocale.contracts.enums import ContractKind
from santelocale.contracts.models import Contract, RegionalTheme
from santelocale.plans.enums import ActionStatus, Vocabulary
from santelocale.plans.models import Action, Section, Term
from santelocale.plans.services import PlanError, axis_of
from santelocale.territories.models import Region
from santelocale.utils.text import fold, search_words

PER_PAGE = 20
EXCERPT_LENGTH = 300


@dataclass(frozen=True)
class SearchFilters:
    """What the search is narrowed to; every field empty means every published fiche."""

    text: str = ""
    theme: RegionalTheme | None = None
    public: Term | None = None
    intervention: Term | None = None
    region: Region | None = None
    kind: str = ""
    status: str = ""

    #: query-string name of each field (the page and the API share them)
    PARAMS = {
        "text": "q",
        "theme": "theme",
        "public": "public",
        "intervention": "intervention",
        "region": "region",
        "kind": "type",
        "status": "statut",
    }

    def as_params(self) -> dict[str, str]:
        params = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value in (None, ""):
                continue
            params[self.PARAMS[f.name]] = str(value.pk if hasattr(value, "pk") else value)
        return params

    def as_query(self) -> str:
        """The filters as a query string (``q=guide&region=76``), empty when none is set."""
        return urlencode(self.as_params())

    @property
    def words(self) -> list[str]:
        return search_words(self.text)

    @property
    def is_empty(self) -> bool:
        return not self.as_params()


def _pk(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


def filter_choices() -> dict:
    """The options of the search form's selects."""
    themes: dict[str, list[RegionalTheme]] = {}
    for theme in RegionalTheme.objects.select_related("region").order_by("region__name", "position", "pk"):
        themes.setdefault(theme.region.name, []).append(theme)
    return {
        "themes": list(themes.items()),
        "publics": list(Term.objects.filter(vocabulary=Vocabulary.PUBLIC)),
        "interventions": list(Term.objects.filter(vocabulary=Vocabulary.INTERVENTION)),
        "regions": list(Region.objects.order_by("name")),
        "kinds": list(ContractKind.choices),
        "statuses": list(ActionStatus.choices),
    }


def published_actions(user=None) -> QuerySet:
    """The fiches anyone may find and copy: live, not confidential, of a published contract (and, for a
    sub-action, under a live fiche that is not confidential)."""
    actions = Action.objects.alive().filter(contract__is_published=True, is_confidential=False)
    actions = actions.filter(
        Q(parent__isnull=True) | Q(parent__is_confidential=False, parent__deleted_at__isnull=True)
    )
    if user is not None:
        actions = actions.restrict(user, "view")
    return actions


def sections_under(theme: RegionalTheme) -> set[int]:
    """The ids of the sections tagged with ``theme`` and of every section below them."""
    found = set(Section.objects.filter(themes=theme).values_list("pk", flat=True))
    frontier = set(found)
    while frontier:
        frontier = set(Section.objects.filter(parent__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def narrow(actions: QuerySet, filters: SearchFilters) -> QuerySet:
    """``actions`` narrowed to ``filters``: every word of the text starts a word of the fiche, the socle
    is on the fiche's axis or one above it, the terms, région, contract type and status are the fiche's."""
    for word in filters.words:
        actions = actions.filter(search_text__contains=" " + word)
    if filters.theme is not None:
        actions = actions.filter(section__in=sections_under(filters.theme))
    if filters.public is not None:
        actions = actions.filter(publics=filters.public)
    if filters.intervention is not None:
        actions = actions.filter(intervention_types=filters.intervention)
    if filters.region is not None:
        actions = actions.filter(contract__region=filters.region)
    if filters.kind:
        actions = actions.filter(contract__kind=filters.kind)
    if filters.status:
        actions = actions.filter(status=filters.status)
    return actions.distinct()


def matching(*, user, filters: SearchFilters) -> QuerySet:
    """The published fiches ``user`` may view that match ``filters`` (unordered)."""
    return narrow(published_actions(user), filters)


def relevance(title: str, words: list[str]) -> int:
    """How many of the query ``words`` start a word of ``title`` (folded)."""
    title_words = fold(title).split()
    return sum(1 for word in words if any(t.startswith(word) for t in title_words))


def ranked_ids(*, user, filters: SearchFilters) -> list[int]:
    """The ids of the matching fiches, most relevant first, then by contract name and plan order."""
    words = filters.words
    rows = matching(user=user, filters=filters).values_list(
        "pk", "title", "contract__name", "contract_id", "position"
    )
    ordered = sorted(rows, key=lambda r: (-relevance(r[1], words), fold(r[2]), r[3], r[4], r[0]))
    return [row[0] for row in ordered]


@dataclass
class Hit:
    """One fiche of the results, with what the result list shows of it."""

    action: Action
    axis: Section | None
    excerpt: str
    publics: list[Term]
    intervention_types: list[Term]
    copy_targets: list = field(default_factory=list)

    @property
    def contract(self) -> Contract:
        return self.action.contract


def hits(ids: list[int], user=None) -> list[Hit]:
    """The fiches ``ids`` in this order, with their contract, axis, terms and an excerpt; pilots' names
    as ``user`` may read them (``plans.perms.pilot_names_hidden``)."""
    from santelocale.plans.perms import pilot_names_hidden

    actions = {
        a.pk: a
        for a in Action.objects.filter(pk__in=ids)
        .annotate(pilot_hidden=pilot_names_hidden(user))
        .select_related("contract__region", "section", "parent", "pilot_user")
        .prefetch_related("publics", "intervention_types")
    }
    contract_ids = {a.contract_id for a in actions.values()}
    by_pk = {s.pk: s for s in Section.objects.filter(contract_id__in=contract_ids)}
    result = []
    for pk in ids:
        action = actions.get(pk)
        if action is None:
            continue
        section = by_pk.get(action.section_id)
        result.append(
            Hit(
                action=action,
                axis=axis_of(section, by_pk) if section is not None else None,
                excerpt=Truncator(" ".join(action.description.split())).chars(EXCERPT_LENGTH),
                publics=list(action.publics.all()),
                intervention_types=list(action.intervention_types.all()),
            )
        )
    return result


def search_page(*, user, filters: SearchFilters, page=1, per_page: int = PER_PAGE) -> Page:
    """The page ``page`` (a number or its text; out of range gives the last page) of the results, whose
    ``object_list`` is a list of ``Hit``; ``page.pages_list`` lists the page numbers to offer, with « … »
    where some are skipped."""
    paginator = Paginator(ranked_ids(user=user, filters=filters), per_page)
    result = paginator.get_page(page)
    result.object_list = hits(list(result.object_list), user)
    result.pages_list = list(paginator.get_elided_page_range(result.number, on_each_side=2, on_ends=1))
    return result


# --- Copy into one's own plan ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyTarget:
    """A place a fiche may be copied to: a contract's plan, at its top level or under one of its axes
    (or objectives); ``value`` is what the form sends (``<contract public id>`` or ``…:<section id>``)."""

    contract: Contract
    section: Section | None
    value: str
    label: str


def copy_targets(user) -> list[tuple[Contract, list[CopyTarget]]]:
    """The plans ``user`` may change, each with its places (top level first, then its sections in
    reading order); empty for the public and for users who change no plan."""
    if not user.is_authenticated:
        return []
    contracts = [
        c
        for c in Contract.objects.restrict(user, "change").prefetch_related("porteurs").order_by("name", "pk")
        if user.has_perm("plans.change_plan", c)
    ]
    children: dict[tuple[int, int | None], list[Section]] = defaultdict(list)
    for section in Section.objects.filter(contract__in=contracts).order_by("position", "pk"):
        children[(section.contract_id, section.parent_id)].append(section)

    def walk(contract_id, parent_id, depth):
        for child in children[(contract_id, parent_id)]:
            yield child, depth
            yield from walk(contract_id, child.pk, depth + 1)

    groups = []
    for contract in contracts:
        targets = [CopyTarget(contract, None, str(contract.public_id), f"{contract.name} (sans axe)")]
        for section, depth in walk(contract.pk, None, 0):
            indent = "\u00a0\u00a0" * depth
            targets.append(
                CopyTarget(
                    contract,
                    section,
                    f"{contract.public_id}:{section.pk}",
                    f"{contract.name} — {indent}{section.label}",
                )
            )
        groups.append((contract, targets))
    return groups


def parse_target(user, value: str) -> tuple[Contract | None, Section | None]:
    """The contract (visible to ``user``) and section a copy form names; ``(None, None)`` when the
    contract is unknown or hidden; ``PlanError`` when nothing is chosen or the axis is not of that plan."""
    value = (value or "").strip()
    if not value:
        raise PlanError("Choisissez le contrat (et, si vous le souhaitez, l’axe) où copier la fiche.")
    public_id, _, section_id = value.partition(":")
    try:
        public_id = uuid.UUID(public_id)
    except ValueError:
        return None, None
    contract = Contract.objects.restrict(user, "view").filter(public_id=public_id).first()
    if contract is None:
        return None, None
    section = None
    if section_id:
        section = contract.sections.filter(pk=_pk(section_id)).first()
        if section is None:
            raise PlanError(f"L’axe choisi n’appartient pas au plan du contrat « {contract.name} ».")
    return contract, section
